-- The steering group decides (NETWORK.md, §1.1, §8.1, §17): meetings, decisions with their
-- weighted votes, pending parties and the links from what a decision changed.

CREATE TABLE meetings (
    id         BLOB PRIMARY KEY NOT NULL,
    date       TEXT NOT NULL,
    title      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX meetings_date ON meetings (date);

-- A decision keeps its tally as it was counted (seats, weights and the threshold in force),
-- so a later change of the shares or of the threshold does not rewrite history.
CREATE TABLE decisions (
    id             BLOB PRIMARY KEY NOT NULL,
    meeting_id     BLOB NOT NULL REFERENCES meetings (id),
    kind           TEXT NOT NULL CHECK (kind IN ('accession', 'budget_plan', 'cost_share_model', 'hourly_rate',
                       'term_extension', 'refund', 'expulsion_proposal', 'data_request', 'other')),
    title          TEXT NOT NULL,
    -- What the decision is about: a party's id, a plan or model version, a data request.
    subject_id     TEXT,
    -- The party, when the subject is one (accession, expulsion proposal).
    subject_org_id BLOB REFERENCES orgs (id),
    passed         INTEGER NOT NULL CHECK (passed IN (0, 1)),
    tally          TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX decisions_meeting ON decisions (meeting_id);
CREATE INDEX decisions_subject_org ON decisions (subject_org_id);

-- One vote per seat: a deputy votes only in the member's place.
CREATE TABLE decision_votes (
    decision_id BLOB NOT NULL REFERENCES decisions (id),
    seat        TEXT NOT NULL,
    vote        TEXT NOT NULL CHECK (vote IN ('yes', 'no', 'abstain')),
    share_cents INTEGER NOT NULL CHECK (share_cents >= 0),
    PRIMARY KEY (decision_id, seat)
);

-- Decisions and votes are records of what happened: never rewritten.
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;
CREATE TRIGGER decision_votes_no_update BEFORE UPDATE ON decision_votes
BEGIN
    SELECT RAISE(ABORT, 'votes are append-only');
END;
CREATE TRIGGER decision_votes_no_delete BEFORE DELETE ON decision_votes
BEGIN
    SELECT RAISE(ABORT, 'votes are append-only');
END;

-- A pending party (§1.1) is a flag beside `status` rather than a fourth status value: SQLite
-- cannot change the CHECK of `orgs.status` without rebuilding a table every other table
-- refers to. The store reads a pending row as status `pending`.
ALTER TABLE orgs ADD COLUMN pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1));
ALTER TABLE orgs ADD COLUMN accession_decision_id BLOB REFERENCES decisions (id);

ALTER TABLE cost_share_models ADD COLUMN decision_id BLOB REFERENCES decisions (id);
ALTER TABLE budget_plans ADD COLUMN decision_id BLOB REFERENCES decisions (id);
