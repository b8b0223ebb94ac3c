-- Negotiations with vendors and the savings they bring (NETWORK.md, "Negotiations and
-- savings"). Negotiations, their outcome, lessons and documents are shared with every
-- party (§3, §5); a party's realised saving is confidential like its inventory (its users,
-- the coordinator, analysts), and others see only year totals that pass the disclosure rules.
--
-- The taking parties are a JSON array of organisation ids (checked against `orgs` by the
-- API when written). Documents are kept in the database, bytes and all.

CREATE TABLE negotiations (
    id                            BLOB PRIMARY KEY NOT NULL,
    vendor                        TEXT NOT NULL,
    title                         TEXT NOT NULL,
    status                        TEXT NOT NULL CHECK (status IN ('planned', 'ongoing', 'concluded', 'abandoned')),
    started_on                    TEXT,
    concluded_on                  TEXT,
    org_ids                       TEXT NOT NULL,
    outcome                       TEXT,
    lessons                       TEXT,
    estimated_annual_saving_cents INTEGER CHECK (estimated_annual_saving_cents >= 0),
    created_at                    TEXT NOT NULL,
    created_by                    TEXT NOT NULL,
    updated_at                    TEXT NOT NULL,
    CHECK (concluded_on IS NULL OR status = 'concluded'),
    CHECK (concluded_on IS NULL OR started_on IS NULL OR concluded_on >= started_on)
);
CREATE INDEX negotiations_by_start ON negotiations (started_on);

CREATE TABLE negotiation_documents (
    id             BLOB PRIMARY KEY NOT NULL,
    negotiation_id BLOB NOT NULL REFERENCES negotiations (id),
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),
    content        BLOB NOT NULL,
    uploaded_at    TEXT NOT NULL,
    uploaded_by    TEXT NOT NULL
);
CREATE INDEX negotiation_documents_of ON negotiation_documents (negotiation_id, uploaded_at);

-- One figure per negotiation, party and year; recording it again replaces it.
CREATE TABLE negotiation_savings (
    negotiation_id BLOB NOT NULL REFERENCES negotiations (id),
    org_id         BLOB NOT NULL REFERENCES orgs (id),
    year           INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    saving_cents   INTEGER NOT NULL CHECK (saving_cents >= 0),
    recorded_at    TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    PRIMARY KEY (negotiation_id, org_id, year)
);

-- Per year, the parties' sums the shown year total was last computed from: a new total is
-- shown only when the change since then passes the disclosure rules (lyhty-aggregate's
-- `savings_over_time`), so that watching the total does not tell one party's figure.
CREATE TABLE savings_published (
    year           INTEGER PRIMARY KEY NOT NULL,
    contributions  TEXT NOT NULL,
    published_at   TEXT NOT NULL
);
