//! IBAN (ISO 13616) parsing with the mod-97 check.
