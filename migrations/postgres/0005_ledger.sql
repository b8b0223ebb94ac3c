-- The spend ledger (FINANCE.md "Spending and quarterly reports"): expenses, the steering
-- group's hourly rates and budget plan versions. All three are append-only: a ledger entry
-- is corrected with a reversing entry, a rate by a later rate, a plan by a new version.
-- The triggers refuse UPDATE, DELETE and TRUNCATE as for the audit log, so not even a
-- program going around the Store trait can rewrite the books.

CREATE TABLE expenses (
    id               UUID PRIMARY KEY,
    date             DATE NOT NULL,
    category         TEXT NOT NULL CHECK (category IN ('personnel', 'purchased_services', 'communication',
                         'platform', 'office', 'administration', 'legal', 'training_events', 'other')),
    amount_cents     BIGINT NOT NULL CHECK (amount_cents <> 0),
    description      TEXT NOT NULL,
    payee_org_id     UUID REFERENCES orgs (id),
    payee            TEXT,
    -- Personnel: hours in hundredths and the rate in force on `date`.
    hours_hundredths BIGINT,
    rate_cents       BIGINT,
    document_ref     TEXT,
    -- A reversing entry names the entry it cancels; an entry is reversed at most once.
    reverses         UUID UNIQUE REFERENCES expenses (id),
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    CHECK (category <> 'personnel' OR (payee_org_id IS NOT NULL AND hours_hundredths IS NOT NULL
                                       AND rate_cents IS NOT NULL))
);
CREATE INDEX expenses_date ON expenses (date);

CREATE TABLE hourly_rates (
    valid_from DATE PRIMARY KEY,
    rate_cents BIGINT NOT NULL CHECK (rate_cents > 0),
    decision   TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE budget_plans (
    version     INTEGER PRIMARY KEY CHECK (version > 0),
    approved_on DATE NOT NULL,
    note        TEXT,
    lines       JSONB NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: correct with a new entry', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER expenses_append_only BEFORE UPDATE OR DELETE ON expenses
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER expenses_no_truncate BEFORE TRUNCATE ON expenses
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER hourly_rates_append_only BEFORE UPDATE OR DELETE ON hourly_rates
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER hourly_rates_no_truncate BEFORE TRUNCATE ON hourly_rates
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER budget_plans_append_only BEFORE UPDATE OR DELETE ON budget_plans
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER budget_plans_no_truncate BEFORE TRUNCATE ON budget_plans
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
