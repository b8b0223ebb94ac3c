-- Same-day releases (DISCLOSURE.md, "Releases over time"): a correction may share the
-- latest release's cut-off date, so `as_of` is no longer unique; releases are ordered by
-- cut-off date, then creation. SQLite cannot drop a column constraint, so the table is
-- rebuilt as it was without it (dropping the old table drops its triggers, which are made
-- again: releases stay immutable).

CREATE TABLE releases_new (
    id                  BLOB PRIMARY KEY NOT NULL,
    as_of               TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    release_json        TEXT NOT NULL,
    audit               TEXT NOT NULL,
    params              TEXT NOT NULL,
    stats               TEXT NOT NULL,
    contributions       TEXT NOT NULL
);
INSERT INTO releases_new (id, as_of, created_at, created_by, release_json, audit, params, stats, contributions)
    SELECT id, as_of, created_at, created_by, release_json, audit, params, stats, contributions FROM releases;
DROP TABLE releases;
ALTER TABLE releases_new RENAME TO releases;
CREATE INDEX releases_in_order ON releases (as_of, created_at);

CREATE TRIGGER releases_no_update BEFORE UPDATE ON releases
BEGIN
    SELECT RAISE(ABORT, 'releases are immutable');
END;
CREATE TRIGGER releases_no_delete BEFORE DELETE ON releases
BEGIN
    SELECT RAISE(ABORT, 'releases are immutable');
END;
