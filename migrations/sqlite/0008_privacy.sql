-- Personal data and retention (agreement §8.3.3, §14, GDPR).
--
-- A stored inventory file can be erased when it holds a person's contact details: its bytes
-- go, its name, size and SHA-256 stay as the receipt of what was received.
ALTER TABLE submissions ADD COLUMN file_erased_at TEXT;

-- Signed accession agreements, kept as files in the database (§8.3.3). How long each is
-- kept follows from the party's end date and is computed, not stored (lyhty_domain::privacy).
CREATE TABLE accession_agreements (
    id                BLOB PRIMARY KEY NOT NULL,
    org_id            BLOB NOT NULL REFERENCES orgs (id),
    file_name         TEXT NOT NULL,
    sha256            TEXT NOT NULL,
    size_bytes        INTEGER NOT NULL,
    signed_on         TEXT NOT NULL,
    uploaded_by       BLOB,
    uploaded_by_label TEXT NOT NULL,
    uploaded_at       TEXT NOT NULL,
    file              BLOB NOT NULL
);
CREATE INDEX accession_agreements_org ON accession_agreements (org_id, signed_on);

-- The audit log stays append-only, with one exception: erasing a person may redact the
-- names and addresses in an entry (its actor label, subject and detail). What happened,
-- when, by which account id and about which party can never change; an actor label can
-- only become the erased marker.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at OR NEW.actor_id IS NOT OLD.actor_id
  OR NEW.action IS NOT OLD.action OR NEW.org_id IS NOT OLD.org_id
  OR (NEW.actor_label IS NOT OLD.actor_label AND NEW.actor_label <> '[erased]')
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- The audit log page filters by time.
CREATE INDEX audit_log_at ON audit_log (at);
