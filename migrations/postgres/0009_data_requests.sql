-- Data requests (NETWORK.md "Data requests"), the users' mail preferences, and the claims
-- that make every reminder and digest go out once even when several servers run the job.

CREATE TABLE data_requests (
    id         UUID PRIMARY KEY,
    title      TEXT NOT NULL,
    -- A JSON array of canonical vendor names, or NULL for all licences.
    vendors    JSONB,
    opens_on   DATE NOT NULL,
    due_on     DATE NOT NULL,
    -- The release cut-off the request feeds.
    as_of      DATE NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (due_on >= opens_on)
);
CREATE INDEX data_requests_due ON data_requests (due_on);

-- A user without a row here reads Finnish and gets no digest.
CREATE TABLE user_preferences (
    user_id       UUID PRIMARY KEY REFERENCES users (id),
    lang          TEXT NOT NULL DEFAULT 'fi' CHECK (lang IN ('fi', 'sv', 'en')),
    weekly_digest BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- One row per message that is due: whoever inserts it first sends it. `kind` is the
-- reminder or `weekly_digest`; `subject` the data request's id or the ISO week.
CREATE TABLE mail_claims (
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    user_id     UUID NOT NULL REFERENCES users (id),
    claimed_at  TIMESTAMPTZ NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 1,
    finished_at TIMESTAMPTZ,
    error       TEXT,
    PRIMARY KEY (kind, subject, user_id)
);
