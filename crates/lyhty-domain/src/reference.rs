//! Finnish creditor references (7-3-1) and RF references (ISO 11649).
