-- touchpoint schema, version 2: the points mall.

CREATE TABLE points_catalog (
    code             TEXT PRIMARY KEY,
    name_zh          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    category         TEXT NOT NULL CHECK (category IN ('phone_credit', 'data', 'voice', 'sms', 'e_coupon', 'partner_card')),
    cost_points      INTEGER NOT NULL CHECK (cost_points > 0),
    fulfilment       TEXT NOT NULL CHECK (fulfilment IN ('credit', 'allowance', 'coupon')),
    credit_fen       INTEGER NOT NULL DEFAULT 0,
    allowance_kind   TEXT,
    allowance_amount INTEGER NOT NULL DEFAULT 0,
    partner          TEXT,
    stock            INTEGER CHECK (stock IS NULL OR stock >= 0),
    monthly_limit    INTEGER CHECK (monthly_limit IS NULL OR monthly_limit > 0),
    description_zh   TEXT NOT NULL,
    description_en   TEXT NOT NULL
);

CREATE TABLE redemptions (
    id                 INTEGER PRIMARY KEY,
    customer_id        INTEGER NOT NULL REFERENCES customers(id),
    item_code          TEXT NOT NULL REFERENCES points_catalog(code),
    cost_points        INTEGER NOT NULL CHECK (cost_points > 0),
    month              TEXT NOT NULL,
    coupon_code        TEXT UNIQUE,
    credit_fen         INTEGER NOT NULL DEFAULT 0,
    ledger_id          INTEGER REFERENCES ledger(id),
    allowance_kind     TEXT,
    allowance_amount   INTEGER NOT NULL DEFAULT 0,
    staff_id           TEXT NOT NULL REFERENCES staff(id),
    created_at         TEXT NOT NULL,
    reversed_at        TEXT,
    reversed_by        TEXT REFERENCES staff(id),
    reverse_reason     TEXT,
    reversal_ledger_id INTEGER REFERENCES ledger(id)
);
CREATE INDEX redemptions_customer ON redemptions(customer_id, month, item_code);

-- Which lots a redemption spent, so a reversal can return points to the same lots.
CREATE TABLE redemption_lots (
    redemption_id INTEGER NOT NULL REFERENCES redemptions(id),
    lot_id        INTEGER NOT NULL REFERENCES points_lots(id),
    points        INTEGER NOT NULL CHECK (points > 0),
    spend_entry   INTEGER NOT NULL REFERENCES points_ledger(id),
    PRIMARY KEY (redemption_id, lot_id)
);

-- Extra allowances for a month (data MB, minutes, SMS), append-only: a reversal is a negative row.
CREATE TABLE allowances (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    month       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('data_mb', 'minutes', 'sms')),
    amount      INTEGER NOT NULL,
    source_type TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX allowances_customer ON allowances(customer_id, month);
CREATE TRIGGER allowances_no_update BEFORE UPDATE ON allowances
BEGIN SELECT RAISE(ABORT, 'allowances are append-only: add a negative row instead'); END;
CREATE TRIGGER allowances_no_delete BEFORE DELETE ON allowances
BEGIN SELECT RAISE(ABORT, 'allowances are append-only: add a negative row instead'); END;

-- Every points ledger entry is reversed at most once.
CREATE UNIQUE INDEX points_ledger_reverses_once ON points_ledger(reverses_id) WHERE reverses_id IS NOT NULL;
