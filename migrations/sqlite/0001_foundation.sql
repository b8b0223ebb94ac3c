-- Foundation: parties, users, the append-only audit log and sign-in throttling.
-- Ids are UUIDs stored as 16-byte blobs (sqlx's SQLite encoding); dates are ISO text.

CREATE TABLE orgs (
    id                  BLOB PRIMARY KEY NOT NULL,
    name                TEXT NOT NULL,
    business_id         TEXT NOT NULL UNIQUE,
    category            TEXT NOT NULL CHECK (category IN ('wellbeing_county', 'large_city', 'university',
                            'uas', 'kela', 'state', 'municipalities', 'parish', 'other')),
    annual_budget_cents INTEGER CHECK (annual_budget_cents >= 0),
    budget_year         INTEGER,
    budget_source       TEXT,
    joined_on           TEXT NOT NULL,
    accession_number    TEXT,
    represented_by      BLOB REFERENCES orgs (id),
    einvoice_address    TEXT,
    contact_name        TEXT,
    contact_email       TEXT,
    contact_phone       TEXT,
    cost_share_cents    INTEGER CHECK (cost_share_cents >= 0),
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'terminated', 'expelled')),
    status_effective_on TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE users (
    id            BLOB PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('member', 'steering', 'analyst', 'coordinator')),
    org_id        BLOB REFERENCES orgs (id),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    -- Users are never deleted, only closed, so the audit log can always name them.
    deleted_at    TEXT,
    CHECK ((role = 'member') = (org_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_email_live ON users (email) WHERE deleted_at IS NULL;

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor_id    BLOB,
    actor_label TEXT NOT NULL,
    action      TEXT NOT NULL,
    org_id      BLOB,
    subject     TEXT,
    detail      TEXT
);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE login_failures (
    email TEXT NOT NULL,
    at    TEXT NOT NULL
);
CREATE INDEX login_failures_email_at ON login_failures (email, at);
