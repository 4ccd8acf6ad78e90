-- touchpoint schema: usage records, value-added subscriptions, bills and reminders.

-- Usage records (详单). Compact on purpose: tens of millions of rows.
-- month is YYYYMM in counter time; at is Unix seconds (UTC); quantity is seconds (voice),
-- a count (sms, mms, vas) or KB (data); fee_fen is a pay-per-use partner charge (代收费).
-- No CHECK constraints here: they cost more than half the insert speed, and every row is
-- validated by the importer (service::bills::read_usage_csv) before it gets here.
CREATE TABLE usage_records (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    month       INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    scope       TEXT NOT NULL,
    other_party TEXT NOT NULL,
    service     TEXT NOT NULL,
    fee_fen     INTEGER NOT NULL
);
-- One index serves both the bill run (a month at a time) and a customer's month (paging):
-- records arrive roughly in this order, so inserts append instead of scattering.
CREATE INDEX usage_month_customer ON usage_records(month, customer_id, at);

-- Value-added service subscriptions: started_on the day subscribed; ends_on the last day
-- charged (month end after a cancellation), NULL while active.
CREATE TABLE vas_subscriptions (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    code        TEXT NOT NULL REFERENCES plans(code),
    started_on  TEXT NOT NULL,
    ends_on     TEXT,
    staff_id    TEXT REFERENCES staff(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX vas_customer ON vas_subscriptions(customer_id);

-- Issued bills are immutable; corrections are ledger adjustments.
CREATE TABLE bills (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    month         TEXT NOT NULL,
    plan          TEXT NOT NULL,
    total_fen     INTEGER NOT NULL CHECK (total_fen >= 0),
    staff_id      TEXT NOT NULL,
    issued_at     TEXT NOT NULL,
    UNIQUE (customer_id, month)
);
CREATE TABLE bill_items (
    id             INTEGER PRIMARY KEY,
    bill_id        INTEGER NOT NULL REFERENCES bills(id),
    seq            INTEGER NOT NULL,
    category       TEXT NOT NULL CHECK (category IN ('plan_fixed', 'voice', 'data', 'sms', 'vas', 'third_party', 'discount')),
    name_zh        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    explanation_zh TEXT NOT NULL,
    explanation_en TEXT NOT NULL,
    amount_fen     INTEGER NOT NULL
);
CREATE INDEX bill_items_bill ON bill_items(bill_id, seq);
CREATE TRIGGER bills_immutable BEFORE UPDATE ON bills
BEGIN SELECT RAISE(ABORT, 'issued bills are immutable: correct with an adjustment'); END;
CREATE TRIGGER bills_no_delete BEFORE DELETE ON bills
BEGIN SELECT RAISE(ABORT, 'issued bills are immutable: correct with an adjustment'); END;
CREATE TRIGGER bill_items_immutable BEFORE UPDATE ON bill_items
BEGIN SELECT RAISE(ABORT, 'issued bills are immutable: correct with an adjustment'); END;
CREATE TRIGGER bill_items_no_delete BEFORE DELETE ON bill_items
BEGIN SELECT RAISE(ABORT, 'issued bills are immutable: correct with an adjustment'); END;

-- 提醒服务 settings; a customer without a row has the defaults.
CREATE TABLE reminder_settings (
    customer_id     INTEGER PRIMARY KEY REFERENCES customers(id),
    low_balance_fen INTEGER NOT NULL CHECK (low_balance_fen >= 0),
    data_80         INTEGER NOT NULL,
    data_100        INTEGER NOT NULL,
    bill_issued     INTEGER NOT NULL,
    updated_at      TEXT NOT NULL
);
-- Each reminder fires once per period.
CREATE TABLE reminders_sent (
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    period      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (customer_id, period, kind)
);

-- Bills find their points lot and ledger charge by reference.
CREATE INDEX points_ledger_ref ON points_ledger(ref_type, ref_id);
CREATE INDEX ledger_ref ON ledger(ref_type, ref_id);
