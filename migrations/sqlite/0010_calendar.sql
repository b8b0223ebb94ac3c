-- Calendar feeds (NETWORK.md "Deadlines and alerts"): one secret feed URL per user.
-- The URL's token is derived from the server's key and `nonce`; only its SHA-256 is kept,
-- so a copy of the database does not open anyone's feed. Rotating replaces the row, and
-- with it the only hash the old URL matched.
CREATE TABLE calendar_feeds (
    user_id     BLOB PRIMARY KEY NOT NULL REFERENCES users (id),
    nonce       TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);
