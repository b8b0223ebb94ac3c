-- Licence inventory submissions: every uploaded file with its report, the lines of every
-- accepted version, which version is current (as a log, so a release can ask "as of when"),
-- and the coordinator's vendor aliases.

CREATE TABLE submissions (
    id                BLOB PRIMARY KEY NOT NULL,
    org_id            BLOB NOT NULL REFERENCES orgs (id),
    uploaded_by       BLOB,
    uploaded_by_label TEXT NOT NULL,
    uploaded_at       TEXT NOT NULL,
    file_name         TEXT NOT NULL,
    sha256            TEXT NOT NULL,
    size_bytes        INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    -- 1, 2, 3 … per organisation for accepted submissions; NULL for rejected ones.
    version           INTEGER,
    line_count        INTEGER NOT NULL,
    annual_cost_cents INTEGER NOT NULL,
    report            TEXT NOT NULL,
    file              BLOB NOT NULL,
    UNIQUE (org_id, version),
    CHECK ((status = 'accepted') = (version IS NOT NULL))
);
CREATE INDEX submissions_org ON submissions (org_id, uploaded_at);

CREATE TABLE submission_lines (
    submission_id BLOB NOT NULL REFERENCES submissions (id),
    line_no       INTEGER NOT NULL,
    line          TEXT NOT NULL,
    PRIMARY KEY (submission_id, line_no)
);

-- Append-only: the current version of an organisation is its latest row here.
CREATE TABLE current_inventory_log (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        BLOB NOT NULL REFERENCES orgs (id),
    submission_id BLOB NOT NULL REFERENCES submissions (id),
    since         TEXT NOT NULL
);
CREATE INDEX current_inventory_log_org ON current_inventory_log (org_id, seq);

CREATE TABLE vendor_aliases (
    alias      TEXT PRIMARY KEY NOT NULL,
    canonical  TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
