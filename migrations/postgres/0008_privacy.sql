-- Personal data and retention (agreement §8.3.3, §14, GDPR).
--
-- A stored inventory file can be erased when it holds a person's contact details: its bytes
-- go, its name, size and SHA-256 stay as the receipt of what was received.
ALTER TABLE submissions ADD COLUMN file_erased_at TIMESTAMPTZ;

-- Signed accession agreements, kept as files in the database (§8.3.3). How long each is
-- kept follows from the party's end date and is computed, not stored (lyhty_domain::privacy).
CREATE TABLE accession_agreements (
    id                UUID PRIMARY KEY,
    org_id            UUID NOT NULL REFERENCES orgs (id),
    file_name         TEXT NOT NULL,
    sha256            TEXT NOT NULL,
    size_bytes        BIGINT NOT NULL,
    signed_on         DATE NOT NULL,
    uploaded_by       UUID,
    uploaded_by_label TEXT NOT NULL,
    uploaded_at       TIMESTAMPTZ NOT NULL,
    file              BYTEA NOT NULL
);
CREATE INDEX accession_agreements_org ON accession_agreements (org_id, signed_on);

-- The audit log stays append-only, with one exception: erasing a person may redact the
-- names and addresses in an entry (its actor label, subject and detail). What happened,
-- when, by which account id and about which party can never change; an actor label can
-- only become the erased marker. Deleting and truncating stay refused as before.
CREATE FUNCTION audit_log_redact_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq IS DISTINCT FROM OLD.seq OR NEW.at IS DISTINCT FROM OLD.at
       OR NEW.actor_id IS DISTINCT FROM OLD.actor_id OR NEW.action IS DISTINCT FROM OLD.action
       OR NEW.org_id IS DISTINCT FROM OLD.org_id
       OR (NEW.actor_label IS DISTINCT FROM OLD.actor_label AND NEW.actor_label <> '[erased]') THEN
        RAISE EXCEPTION 'audit_log is append-only';
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER audit_log_no_update_or_delete ON audit_log;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_redact_only BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_redact_only();

-- The audit log page filters by time.
CREATE INDEX audit_log_at ON audit_log (at);
