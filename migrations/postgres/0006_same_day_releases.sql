-- Same-day releases (DISCLOSURE.md, "Releases over time"): a correction may share the
-- latest release's cut-off date, so `as_of` is no longer unique; releases are ordered by
-- cut-off date, then creation.

ALTER TABLE releases DROP CONSTRAINT releases_as_of_key;
CREATE INDEX releases_in_order ON releases (as_of, created_at);
