-- The spend ledger (FINANCE.md "Spending and quarterly reports"): expenses, the steering
-- group's hourly rates and budget plan versions. All three are append-only: a ledger entry
-- is corrected with a reversing entry, a rate by a later rate, a plan by a new version.
-- The triggers refuse UPDATE and DELETE as for the audit log, so not even a program going
-- around the Store trait can rewrite the books.

CREATE TABLE expenses (
    id               BLOB PRIMARY KEY NOT NULL,
    date             TEXT NOT NULL,
    category         TEXT NOT NULL CHECK (category IN ('personnel', 'purchased_services', 'communication',
                         'platform', 'office', 'administration', 'legal', 'training_events', 'other')),
    amount_cents     INTEGER NOT NULL CHECK (amount_cents <> 0),
    description      TEXT NOT NULL,
    payee_org_id     BLOB REFERENCES orgs (id),
    payee            TEXT,
    -- Personnel: hours in hundredths and the rate in force on `date`.
    hours_hundredths INTEGER,
    rate_cents       INTEGER,
    document_ref     TEXT,
    -- A reversing entry names the entry it cancels; an entry is reversed at most once.
    reverses         BLOB UNIQUE REFERENCES expenses (id),
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    CHECK (category <> 'personnel' OR (payee_org_id IS NOT NULL AND hours_hundredths IS NOT NULL
                                       AND rate_cents IS NOT NULL))
);
CREATE INDEX expenses_date ON expenses (date);
CREATE TRIGGER expenses_no_update BEFORE UPDATE ON expenses
BEGIN
    SELECT RAISE(ABORT, 'expenses are append-only: correct with a reversing entry');
END;
CREATE TRIGGER expenses_no_delete BEFORE DELETE ON expenses
BEGIN
    SELECT RAISE(ABORT, 'expenses are append-only: correct with a reversing entry');
END;

CREATE TABLE hourly_rates (
    valid_from TEXT PRIMARY KEY NOT NULL,
    rate_cents INTEGER NOT NULL CHECK (rate_cents > 0),
    decision   TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TRIGGER hourly_rates_no_update BEFORE UPDATE ON hourly_rates
BEGIN
    SELECT RAISE(ABORT, 'hourly_rates are append-only');
END;
CREATE TRIGGER hourly_rates_no_delete BEFORE DELETE ON hourly_rates
BEGIN
    SELECT RAISE(ABORT, 'hourly_rates are append-only');
END;

CREATE TABLE budget_plans (
    version     INTEGER PRIMARY KEY NOT NULL CHECK (version > 0),
    approved_on TEXT NOT NULL,
    note        TEXT,
    lines       TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TRIGGER budget_plans_no_update BEFORE UPDATE ON budget_plans
BEGIN
    SELECT RAISE(ABORT, 'budget_plans are append-only: add a new version');
END;
CREATE TRIGGER budget_plans_no_delete BEFORE DELETE ON budget_plans
BEGIN
    SELECT RAISE(ABORT, 'budget_plans are append-only: add a new version');
END;
