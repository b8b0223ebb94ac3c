//! What text the system accepts from people and scripts.
//!
//! Names, addresses and descriptions end up in PostgreSQL (which refuses NUL in text), in
//! PDFs, workbooks, e-invoices and log lines. Control characters there are at best invisible
//! and at worst break a document or forge a log line; bidirectional overrides make a name
//! read differently from what it is ("Trojan Source"). So text input holds neither: control
//! characters are refused except line breaks (and tabs) in fields that are meant to hold
//! several lines, and the bidi embedding, override and isolate controls are refused
//! everywhere.

/// Why a piece of text was refused; each has a stable code for the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("holds a control character (U+{0:04X})")]
    ControlCharacter(u32),
    #[error("holds a line break, which this field does not allow")]
    LineBreak,
    #[error("holds a bidirectional text control (U+{0:04X}), which could make it read differently from what it is")]
    BidiControl(u32),
}

impl TextError {
    pub fn code(self) -> &'static str {
        match self {
            Self::ControlCharacter(_) => "control_character",
            Self::LineBreak => "line_break_not_allowed",
            Self::BidiControl(_) => "bidi_control_character",
        }
    }
}

/// U+202A–U+202E (embeddings and overrides) and U+2066–U+2069 (isolates).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Checks one piece of text; `multi_line` allows `\n`, `\r` and `\t`.
pub fn check_text(s: &str, multi_line: bool) -> Result<(), TextError> {
    for c in s.chars() {
        if is_bidi_control(c) {
            return Err(TextError::BidiControl(u32::from(c)));
        }
        if c.is_control() {
            let line_break = matches!(c, '\n' | '\r' | '\t');
            if line_break && multi_line {
                continue;
            }
            return Err(if line_break { TextError::LineBreak } else { TextError::ControlCharacter(u32::from(c)) });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordinary_text_passes() {
        assert_eq!(check_text("Pohjois-Savon hyvinvointialue – Åbo Akademi 🙂", false), Ok(()));
        assert_eq!(check_text("first line\nsecond line\r\n\tindented", true), Ok(()));
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(check_text("a\u{0}b", false), Err(TextError::ControlCharacter(0)));
        assert_eq!(check_text("a\u{0}b", true), Err(TextError::ControlCharacter(0)));
        assert_eq!(check_text("bell\u{7}", true), Err(TextError::ControlCharacter(7)));
        assert_eq!(check_text("c1\u{85}", true), Err(TextError::ControlCharacter(0x85)));
        assert_eq!(check_text("two\nlines", false), Err(TextError::LineBreak));
    }

    #[test]
    fn bidi_overrides_are_refused_even_in_free_text() {
        assert_eq!(check_text("Acme\u{202E}gnp.exe", false), Err(TextError::BidiControl(0x202E)));
        assert_eq!(check_text("isolate \u{2066}x\u{2069}", true), Err(TextError::BidiControl(0x2066)));
        assert_eq!(TextError::BidiControl(0x202E).code(), "bidi_control_character");
    }

    proptest! {
        #[test]
        fn accepted_text_has_no_control_or_bidi_character(s in "\\PC*", multi in any::<bool>()) {
            let accepted = check_text(&s, multi).is_ok();
            let clean = s.chars().all(|c| !c.is_control() && !is_bidi_control(c));
            prop_assert_eq!(accepted, clean);
        }
    }
}
