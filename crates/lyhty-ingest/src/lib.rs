//! Licence inventory files → licence lines and a validation report.
//!
//! Members upload what Excel on a Finnish desktop or their SAM tool gives them (`.xlsx`,
//! `.xlsm`, `.xls`, `.ods`, `.csv`, `.txt`); this crate reads such files as they come,
//! validates every row and reports every problem at once (see `INGEST.md` in the spec).
//! It knows nothing of HTTP or SQL: bytes in, plain types out.
#![forbid(unsafe_code)]
