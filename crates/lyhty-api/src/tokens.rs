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
}

impl TokenKeys {
    pub fn from_secret(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 30;
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), validation, ttl }
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
