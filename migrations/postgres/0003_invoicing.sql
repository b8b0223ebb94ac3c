-- Cost-share model versions, invoice runs, invoices and credit notes, payments, and the
-- coordinator's own contributions. Issued documents are immutable: corrections are credit
-- notes; the only later change to an invoice row is that it was credited.

CREATE TABLE cost_share_models (
    version    TEXT PRIMARY KEY,
    valid_from DATE NOT NULL,
    model      JSONB NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Gapless numbering: the counter row is updated inside the transaction that inserts the
-- invoice, so a rolled-back run gives its numbers back and two runs cannot share one.
CREATE TABLE invoice_counters (
    year     INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL
);

CREATE TABLE invoice_runs (
    id            UUID PRIMARY KEY,
    instalment    INTEGER NOT NULL,
    issue_date    DATE NOT NULL,
    model_version TEXT NOT NULL,
    overridden    BOOLEAN NOT NULL,
    summary       JSONB NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE invoices (
    id            UUID PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    org_id        UUID NOT NULL REFERENCES orgs (id),
    run_id        UUID REFERENCES invoice_runs (id),
    kind          TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    -- For a credit note: the invoice it credits.
    credits       UUID REFERENCES invoices (id),
    instalments   TEXT NOT NULL,
    issue_date    DATE NOT NULL,
    due_date      DATE NOT NULL,
    amount_cents  BIGINT NOT NULL,
    reference     TEXT NOT NULL,
    rf_reference  TEXT NOT NULL,
    barcode       TEXT,
    document      JSONB NOT NULL,
    credited      BOOLEAN NOT NULL DEFAULT FALSE,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX invoices_org ON invoices (org_id, issue_date);
CREATE INDEX invoices_reference ON invoices (reference);

-- Which instalments an invoice bills; at most one live (not credited) invoice per party
-- and instalment, so a repeated or racing run cannot bill twice.
CREATE TABLE billed_instalments (
    invoice_id UUID NOT NULL REFERENCES invoices (id),
    org_id     UUID NOT NULL REFERENCES orgs (id),
    instalment INTEGER NOT NULL,
    live       BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (invoice_id, instalment)
);
CREATE UNIQUE INDEX billed_instalments_once ON billed_instalments (org_id, instalment) WHERE live;

-- The coordinator pays its share by booking it, not by invoicing itself (FINANCE.md).
CREATE TABLE self_contributions (
    org_id       UUID NOT NULL REFERENCES orgs (id),
    instalment   INTEGER NOT NULL,
    amount_cents BIGINT NOT NULL,
    paid_on      DATE NOT NULL,
    run_id       UUID REFERENCES invoice_runs (id),
    PRIMARY KEY (org_id, instalment)
);

CREATE TABLE payments (
    id           UUID PRIMARY KEY,
    invoice_id   UUID NOT NULL REFERENCES invoices (id),
    amount_cents BIGINT NOT NULL,
    paid_on      DATE NOT NULL,
    reference    TEXT,
    payer        TEXT,
    source       TEXT NOT NULL CHECK (source IN ('manual', 'bank_file')),
    -- The bank's id of the entry, so importing the same file twice books nothing twice.
    bank_entry   TEXT UNIQUE,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX payments_invoice ON payments (invoice_id);
