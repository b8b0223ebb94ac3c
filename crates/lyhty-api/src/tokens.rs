//! Sign-in tokens: HS256 JWTs with `sub`, `role`, `org`, `iat`, `exp` and `iss`, signed and
//! checked with keys built once at start-up and kept in the state ([`crate::state`]). Who
//! may sign in, and what a token then lets through, is [`crate::auth`]'s.

use crate::error::ApiError;
use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lyhty_domain::{OrgId, Role, UserId};
use lyhty_store::User;
use serde::{Deserialize, Serialize};

const ISSUER: &str = "lyhty";

/// The claims of a sign-in token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: UserId,
    pub role: Role,
    pub org: Option<OrgId>,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

/// Signing and verification keys, built once at start-up and kept in the state.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
    /// The key calendar feed tokens are derived with (see [`TokenKeys::feed_token`]).
    feed_key: [u8; 32],
}

impl TokenKeys {
    pub fn from_secret(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 30;
        // A key of its own, so a feed token and a sign-in token never share a MAC key.
        let feed_key = {
            use sha2::{Digest, Sha256};
            Sha256::new().chain_update(b"lyhty-calendar-feed\0").chain_update(secret).finalize().into()
        };
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
            feed_key,
        }
    }

    /// The secret token of a user's calendar feed URL: HMAC-SHA-256 of the user and the
    /// feed's random nonce, 256 bits in hex. Derived rather than stored, so the URL can be
    /// shown again while the database keeps only its hash; a new nonce (rotation) gives an
    /// unrelated token.
    pub fn feed_token(&self, user: UserId, nonce: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.feed_key).expect("HMAC takes any key length");
        mac.update(user.0.as_bytes());
        mac.update(nonce.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A token for `user`, and when it expires.
    pub fn issue(&self, user: &User, now: DateTime<Utc>) -> Result<(String, DateTime<Utc>), ApiError> {
        let expires_at = now + self.ttl;
        let claims = Claims {
            sub: user.id,
            role: user.role,
            org: user.org_id,
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: ISSUER.into(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .context("signing a token")
            .map_err(ApiError::Internal)?;
        Ok((token, expires_at))
    }

    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(|e| {
            let expired = matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature);
            ApiError::Unauthorized {
                code: if expired { "token_expired" } else { "invalid_token" },
                message: if expired {
                    "your sign-in has expired; sign in again".into()
                } else {
                    "the sign-in token is not valid; sign in again".into()
                },
            }
        })
    }
}
