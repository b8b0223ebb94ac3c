-- Anonymised releases (DISCLOSURE.md): immutable once stored; a correction is a new release.
--
-- `release_json` is kept as TEXT, not JSONB, so that the bytes served are the bytes the
-- release was computed as (JSONB would reorder keys). The audit report, the parameters,
-- the statistics and the per-organisation contribution snapshot are the coordinator's;
-- the snapshot is what later releases are audited against (protection across releases).

CREATE TABLE releases (
    id                  UUID PRIMARY KEY,
    as_of               DATE NOT NULL UNIQUE,
    created_at          TIMESTAMPTZ NOT NULL,
    created_by          TEXT NOT NULL,
    release_json        TEXT NOT NULL,
    audit               JSONB NOT NULL,
    params              JSONB NOT NULL,
    stats               JSONB NOT NULL,
    contributions       TEXT NOT NULL
);

CREATE FUNCTION releases_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'releases are immutable';
END;
$$;
CREATE TRIGGER releases_no_update_or_delete BEFORE UPDATE OR DELETE ON releases
    FOR EACH ROW EXECUTE FUNCTION releases_immutable();
CREATE TRIGGER releases_no_truncate BEFORE TRUNCATE ON releases
    FOR EACH STATEMENT EXECUTE FUNCTION releases_immutable();
