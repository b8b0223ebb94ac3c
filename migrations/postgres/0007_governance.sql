-- The steering group decides (NETWORK.md, §1.1, §8.1, §17): meetings, decisions with their
-- weighted votes, pending parties and the links from what a decision changed.

CREATE TABLE meetings (
    id         UUID PRIMARY KEY,
    date       DATE NOT NULL,
    title      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX meetings_date ON meetings (date);

-- A decision keeps its tally as it was counted (seats, weights and the threshold in force),
-- so a later change of the shares or of the threshold does not rewrite history.
CREATE TABLE decisions (
    id             UUID PRIMARY KEY,
    meeting_id     UUID NOT NULL REFERENCES meetings (id),
    kind           TEXT NOT NULL CHECK (kind IN ('accession', 'budget_plan', 'cost_share_model', 'hourly_rate',
                       'term_extension', 'refund', 'expulsion_proposal', 'data_request', 'other')),
    title          TEXT NOT NULL,
    -- What the decision is about: a party's id, a plan or model version, a data request.
    subject_id     TEXT,
    -- The party, when the subject is one (accession, expulsion proposal).
    subject_org_id UUID REFERENCES orgs (id),
    passed         BOOLEAN NOT NULL,
    tally          JSONB NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX decisions_meeting ON decisions (meeting_id);
CREATE INDEX decisions_subject_org ON decisions (subject_org_id);

-- One vote per seat: a deputy votes only in the member's place.
CREATE TABLE decision_votes (
    decision_id UUID NOT NULL REFERENCES decisions (id),
    seat        TEXT NOT NULL,
    vote        TEXT NOT NULL CHECK (vote IN ('yes', 'no', 'abstain')),
    share_cents BIGINT NOT NULL CHECK (share_cents >= 0),
    PRIMARY KEY (decision_id, seat)
);

-- Decisions and votes are records of what happened: never rewritten.
CREATE FUNCTION decisions_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'decisions and votes are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER decisions_no_change BEFORE UPDATE OR DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION decisions_append_only();
CREATE TRIGGER decision_votes_no_change BEFORE UPDATE OR DELETE ON decision_votes
    FOR EACH ROW EXECUTE FUNCTION decisions_append_only();

-- A pending party (§1.1) is a flag beside `status`, as in the SQLite schema (where the
-- CHECK of `orgs.status` cannot change without rebuilding the table). The store reads a
-- pending row as status `pending`.
ALTER TABLE orgs ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE orgs ADD COLUMN accession_decision_id UUID REFERENCES decisions (id);

ALTER TABLE cost_share_models ADD COLUMN decision_id UUID REFERENCES decisions (id);
ALTER TABLE budget_plans ADD COLUMN decision_id UUID REFERENCES decisions (id);
