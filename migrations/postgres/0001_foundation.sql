-- Foundation: parties, users, the append-only audit log and sign-in throttling.

CREATE TABLE orgs (
    id                  UUID PRIMARY KEY,
    name                TEXT NOT NULL,
    business_id         TEXT NOT NULL UNIQUE,
    category            TEXT NOT NULL CHECK (category IN ('wellbeing_county', 'large_city', 'university',
                            'uas', 'kela', 'state', 'municipalities', 'parish', 'other')),
    annual_budget_cents BIGINT CHECK (annual_budget_cents >= 0),
    budget_year         INTEGER,
    budget_source       TEXT,
    joined_on           DATE NOT NULL,
    accession_number    TEXT,
    represented_by      UUID REFERENCES orgs (id),
    einvoice_address    TEXT,
    contact_name        TEXT,
    contact_email       TEXT,
    contact_phone       TEXT,
    cost_share_cents    BIGINT CHECK (cost_share_cents >= 0),
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'terminated', 'expelled')),
    status_effective_on DATE,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            UUID PRIMARY KEY,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('member', 'steering', 'analyst', 'coordinator')),
    org_id        UUID REFERENCES orgs (id),
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    -- Users are never deleted, only closed, so the audit log can always name them.
    deleted_at    TIMESTAMPTZ,
    CHECK ((role = 'member') = (org_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_email_live ON users (email) WHERE deleted_at IS NULL;

CREATE TABLE audit_log (
    seq         BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    UUID,
    actor_label TEXT NOT NULL,
    action      TEXT NOT NULL,
    org_id      UUID,
    subject     TEXT,
    detail      JSONB
);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE login_failures (
    email TEXT NOT NULL,
    at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_email_at ON login_failures (email, at);
