//! E-mail addresses, checked for the shape mail systems accept.

/// Whether `s` looks like a deliverable address: one `@`, a non-empty local part, a domain
/// with a dot and no empty labels, no whitespace, at most 254 characters. Deliberately not
/// RFC 5322 in full: quoted local parts and IP literals do not occur among our users.
pub fn is_valid_email(s: &str) -> bool {
    let s = s.trim();
    if s.len() > 254 || s.chars().any(char::is_whitespace) {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::is_valid_email;

    #[test]
    fn addresses() {
        for ok in ["liisa.lisenssi@pirha.fi", "a+b@example.fi", "ÄÄ@hyvinvointialue.fi"] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in ["", "liisa", "liisa@", "@pirha.fi", "a@b", "a@@b.fi", "a b@c.fi", "a@b..fi", "a@-b.fi"] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
