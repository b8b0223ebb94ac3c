//! Sign-in: password hashes, tokens, and the [`AuthUser`] extractor.
//!
//! Passwords are argon2id PHC strings. Tokens are HS256 JWTs with `sub`, `role`, `org`,
//! `iat`, `exp` and `iss`, checked with an explicit `Validation` (algorithm pinned, `exp`
//! required; [`crate::tokens`]). A valid token is not enough: every request re-reads the user, so a closed
//! account, a changed role or a party whose agreement has ended loses access at once, not
//! when the token expires. What a signed-in user may do is decided in [`crate::policy`].
//!
//! Scripts send the token as `Authorization: Bearer`. The browser UI never holds it: sign-in
//! sets it in an HttpOnly, Secure, SameSite=Strict cookie, and every change made with that
//! cookie must carry the session's CSRF token in `X-CSRF-Token` (double submit: the token is
//! also in a cookie the UI's script can read, and is derived from the session token).

use crate::error::ApiError;
use crate::state::AppState;
use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use lyhty_domain::{Org, Role};
use lyhty_store::User;
use std::path::Path;

pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_BYTES: usize = 1024;

pub use crate::tokens::{Claims, TokenKeys};

/// The signing secret: the configured one, or for SQLite a random key kept in `jwt.key`
/// beside the database file (created on first start, readable by the owner only). With
/// PostgreSQL a configured secret is required, because every instance must share it.
pub fn load_or_create_secret(configured: Option<&str>, sqlite_path: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = configured {
        return Ok(secret.as_bytes().to_vec());
    }
    let Some(db) = sqlite_path else {
        anyhow::bail!("LYHTY_JWT_SECRET is required when the database is not SQLite");
    };
    let path = db.with_file_name("jwt.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let key = existing.trim();
        anyhow::ensure!(key.len() >= 64, "{} is too short; delete it to make a new key", path.display());
        return Ok(key.as_bytes().to_vec());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let key: String = {
        use rand::RngCore;
        let mut bytes = [0u8; 48];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    write_private(&path, &key).with_context(|| format!("writing {}", path.display()))?;
    Ok(key.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

/// An argon2id hash of `password` (blocking: tens of milliseconds by design).
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing a password: {e}")))
}

/// Whether `password` matches the stored hash (blocking). A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// The rules a new password must meet; the message says which one failed.
pub fn check_new_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::invalid(
            "weak_password",
            format!("the password must be at least {MIN_PASSWORD_CHARS} characters long"),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::invalid("weak_password", "the password is too long"));
    }
    Ok(())
}

/// A signed-in user, re-read from the store on every request, with their organisation.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub user: User,
    /// The member's own organisation (members only).
    pub org: Option<Org>,
}

impl AuthUser {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn actor(&self) -> lyhty_store::Actor {
        lyhty_store::Actor::user(&self.user)
    }
}

/// Checks that a user may use the platform today: their organisation's agreement has not
/// ended. Shared by sign-in and by every authenticated request. "Today" is the state's
/// clock's Finnish day, so a party's users lose access at Finnish midnight of the effective
/// date, not at UTC's.
pub async fn check_access(state: &AppState, user: &User) -> Result<Option<Org>, ApiError> {
    let Some(org_id) = user.org_id else { return Ok(None) };
    let org = state.store.get_org(org_id).await?.ok_or_else(|| ApiError::Forbidden {
        code: "access_ended",
        message: "your organisation is no longer a party of the network".into(),
    })?;
    if !org.has_access_on(state.clock.today()) {
        return Err(ApiError::Forbidden {
            code: "access_ended",
            message: "your organisation's agreement has ended, and with it access to the platform".into(),
        });
    }
    Ok(Some(org))
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let credential = credential(parts)?;
        let claims = state.keys.verify(credential.token())?;
        // The browser sends its cookie with any request to this site, even one another page
        // set off; a change must also carry the token that only our own pages can read.
        if let Credential::Cookie(token) = &credential
            && !parts.method.is_safe()
        {
            check_csrf(&parts.headers, token)?;
        }
        let revoked = || ApiError::Unauthorized {
            code: "token_revoked",
            message: "this sign-in is no longer valid; sign in again".into(),
        };
        let user = state.store.get_user(claims.sub).await?.ok_or_else(revoked)?;
        if user.role != claims.role || user.org_id != claims.org {
            return Err(revoked());
        }
        let org = check_access(state, &user).await?;
        tracing::Span::current().record("user", tracing::field::display(user.id));
        Ok(AuthUser { user, org })
    }
}

/// Where a request's sign-in token came from.
enum Credential {
    /// `Authorization: Bearer`: scripts and integrations.
    Bearer(String),
    /// The session cookie: the browser UI.
    Cookie(String),
}

impl Credential {
    fn token(&self) -> &str {
        match self {
            Self::Bearer(t) | Self::Cookie(t) => t,
        }
    }
}

/// The bearer token if there is an `Authorization` header (it wins), else the session cookie.
fn credential(parts: &Parts) -> Result<Credential, ApiError> {
    if let Some(header) = parts.headers.get(AUTHORIZATION) {
        return header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| Credential::Bearer(t.to_string()))
            .ok_or(ApiError::Unauthorized {
                code: "invalid_token",
                message: "the Authorization header must be `Bearer <token>`".into(),
            });
    }
    cookie(&parts.headers, SESSION_COOKIE).filter(|t| !t.is_empty()).map(|t| Credential::Cookie(t.to_string())).ok_or(
        ApiError::Unauthorized {
            code: "missing_token",
            message: "sign in first: this route needs an Authorization: Bearer token or the session cookie".into(),
        },
    )
}

/// The session cookie (HttpOnly: no script can read the token) and its CSRF companion.
pub const SESSION_COOKIE: &str = "lyhty_session";
/// Readable by the UI's script, which sends it back in [`CSRF_HEADER`].
pub const CSRF_COOKIE: &str = "lyhty_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The CSRF token of a session: derived from the session token, so it needs no storage,
/// cannot be set by anyone who lacks the session, and does not reveal it.
pub fn csrf_token(session_token: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new().chain_update(b"lyhty-csrf\0").chain_update(session_token.as_bytes()).finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn check_csrf(headers: &HeaderMap, session_token: &str) -> Result<(), ApiError> {
    let Some(sent) = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) else {
        return Err(ApiError::Forbidden {
            code: "csrf_token_missing",
            message: format!("a change made with the session cookie needs the {CSRF_HEADER} header"),
        });
    };
    let expected = csrf_token(session_token);
    // Compared in constant time: the answer's timing says nothing about how much matched.
    let same =
        sent.len() == expected.len() && sent.bytes().zip(expected.bytes()).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0;
    if !same {
        return Err(ApiError::Forbidden {
            code: "csrf_token_invalid",
            message: format!("the {CSRF_HEADER} header does not belong to this session"),
        });
    }
    Ok(())
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// `Set-Cookie` values that start a browser session with `token` for `max_age_secs`.
/// `Secure` cookies are kept by browsers on https and on http://localhost or 127.0.0.1.
pub fn session_cookies(token: &str, max_age_secs: i64) -> [HeaderValue; 2] {
    let csrf = csrf_token(token);
    [
        cookie_value(&format!(
            "{SESSION_COOKIE}={token}; Path=/api; Max-Age={max_age_secs}; HttpOnly; Secure; SameSite=Strict"
        )),
        cookie_value(&format!("{CSRF_COOKIE}={csrf}; Path=/; Max-Age={max_age_secs}; Secure; SameSite=Strict")),
    ]
}

/// `Set-Cookie` values that end the browser session.
pub fn cleared_session_cookies() -> [HeaderValue; 2] {
    [
        cookie_value(&format!("{SESSION_COOKIE}=; Path=/api; Max-Age=0; HttpOnly; Secure; SameSite=Strict")),
        cookie_value(&format!("{CSRF_COOKIE}=; Path=/; Max-Age=0; Secure; SameSite=Strict")),
    ]
}

fn cookie_value(s: &str) -> HeaderValue {
    // A JWT and hex digits are visible ASCII, so this never fails; empty rather than panic.
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};
    use lyhty_domain::UserId;

    fn user() -> User {
        User {
            id: UserId::new(),
            email: "a@example.fi".into(),
            name: "A".into(),
            role: Role::Steering,
            org_id: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn tokens_round_trip_and_forgeries_fail() {
        let keys = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef", Duration::hours(1));
        let u = user();
        let (token, _) = keys.issue(&u, Utc::now()).unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!(claims.sub, u.id);
        assert_eq!(claims.role, Role::Steering);

        let other = TokenKeys::from_secret(b"another-secret-another-secret-xx", Duration::hours(1));
        assert!(matches!(other.verify(&token), Err(ApiError::Unauthorized { code: "invalid_token", .. })));

        // Tampered payload: role raised to coordinator, signature left as it was.
        let parts: Vec<&str> = token.split('.').collect();
        let forged_claims =
            format!(r#"{{"sub":"{}","role":"coordinator","org":null,"iat":0,"exp":9999999999,"iss":"lyhty"}}"#, u.id);
        use base64_engine::encode;
        let forged = format!("{}.{}.{}", parts[0], encode(forged_claims.as_bytes()), parts[2]);
        assert!(keys.verify(&forged).is_err());

        // "alg": "none" is refused.
        let none = format!("{}.{}.", encode(br#"{"alg":"none","typ":"JWT"}"#), parts[1]);
        assert!(keys.verify(&none).is_err());
    }

    #[test]
    fn expired_tokens_say_so() {
        let keys = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef", Duration::minutes(1));
        let (token, _) = keys.issue(&user(), Utc::now() - Duration::hours(2)).unwrap();
        assert!(matches!(keys.verify(&token), Err(ApiError::Unauthorized { code: "token_expired", .. })));
    }

    #[test]
    fn csrf_tokens_belong_to_one_session() {
        let a = csrf_token("session-a");
        assert_eq!(a, csrf_token("session-a"));
        assert_ne!(a, csrf_token("session-b"));
        assert_eq!(a.len(), 64);
        let mut headers = HeaderMap::new();
        assert!(matches!(
            check_csrf(&headers, "session-a"),
            Err(ApiError::Forbidden { code: "csrf_token_missing", .. })
        ));
        headers.insert(CSRF_HEADER, HeaderValue::from_str(&csrf_token("session-b")).unwrap());
        assert!(matches!(
            check_csrf(&headers, "session-a"),
            Err(ApiError::Forbidden { code: "csrf_token_invalid", .. })
        ));
        headers.insert(CSRF_HEADER, HeaderValue::from_str(&a).unwrap());
        assert!(check_csrf(&headers, "session-a").is_ok());
    }

    #[test]
    fn session_cookies_are_http_only_secure_and_strict() {
        let [session, csrf] = session_cookies("tok.en.x", 600);
        let session = session.to_str().unwrap();
        assert!(session.starts_with("lyhty_session=tok.en.x;"), "{session}");
        for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Max-Age=600", "Path=/api"] {
            assert!(session.contains(attr), "{session} lacks {attr}");
        }
        let csrf = csrf.to_str().unwrap();
        assert!(csrf.contains("Secure") && csrf.contains("SameSite=Strict") && !csrf.contains("HttpOnly"), "{csrf}");
        let [gone, _] = cleared_session_cookies();
        assert!(gone.to_str().unwrap().contains("Max-Age=0"));
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; lyhty_session=abc ; lyhty_csrf=def"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "lyhty"), None);
    }

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("Correct horse battery", &hash));
        assert!(!verify_password("x", "not a hash"));
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough password").is_ok());
    }

    /// URL-safe base64 without padding, as JWTs use; small enough not to need a crate.
    mod base64_engine {
        pub fn encode(bytes: &[u8]) -> String {
            const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut out = String::new();
            for chunk in bytes.chunks(3) {
                let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
                let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
                for i in 0..=chunk.len() {
                    out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
                }
            }
            out
        }
    }
}
