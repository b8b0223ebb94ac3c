-- Anonymised releases (DISCLOSURE.md): immutable once stored; a correction is a new release.
--
-- `release_json` is kept verbatim so that the bytes served are the bytes the release was
-- computed as. The audit report, the parameters, the statistics and the per-organisation
-- contribution snapshot are the coordinator's; the snapshot is what later releases are
-- audited against (protection across releases).

CREATE TABLE releases (
    id                  BLOB PRIMARY KEY NOT NULL,
    as_of               TEXT NOT NULL UNIQUE,
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    release_json        TEXT NOT NULL,
    audit               TEXT NOT NULL,
    params              TEXT NOT NULL,
    stats               TEXT NOT NULL,
    contributions       TEXT NOT NULL
);

CREATE TRIGGER releases_no_update BEFORE UPDATE ON releases
BEGIN
    SELECT RAISE(ABORT, 'releases are immutable');
END;
CREATE TRIGGER releases_no_delete BEFORE DELETE ON releases
BEGIN
    SELECT RAISE(ABORT, 'releases are immutable');
END;
