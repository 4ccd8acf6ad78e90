-- touchpoint schema, version 1. Money in fen (INTEGER), instants as RFC 3339 UTC text.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE brands (
    code                    TEXT PRIMARY KEY,
    name_zh                 TEXT NOT NULL,
    name_en                 TEXT NOT NULL,
    kind                    TEXT NOT NULL CHECK (kind IN ('postpaid', 'prepaid')),
    currency_zh             TEXT NOT NULL,
    currency_en             TEXT NOT NULL,
    points_per_yuan         INTEGER NOT NULL CHECK (points_per_yuan >= 0),
    earn_requires_real_name INTEGER NOT NULL,
    credit_limit_fen        INTEGER NOT NULL CHECK (credit_limit_fen >= 0)
);

CREATE TABLE plans (
    code                    TEXT PRIMARY KEY,
    kind                    TEXT NOT NULL CHECK (kind IN ('plan', 'pack', 'vas')),
    brand                   TEXT REFERENCES brands(code),
    name_zh                 TEXT NOT NULL,
    name_en                 TEXT NOT NULL,
    fee_fen                 INTEGER NOT NULL CHECK (fee_fen >= 0),
    minutes                 INTEGER NOT NULL DEFAULT 0,
    data_mb                 INTEGER NOT NULL DEFAULT 0,
    sms                     INTEGER NOT NULL DEFAULT 0,
    overage_voice_fen       INTEGER NOT NULL DEFAULT 0,
    overage_sms_fen         INTEGER NOT NULL DEFAULT 0,
    overage_data_fen_per_mb INTEGER NOT NULL DEFAULT 0,
    description_zh          TEXT NOT NULL,
    description_en          TEXT NOT NULL
);

CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
    password_hash   TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT NOT NULL
);

CREATE TABLE customers (
    id                    INTEGER PRIMARY KEY,
    phone                 TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    id_number             TEXT NOT NULL,
    brand                 TEXT NOT NULL REFERENCES brands(code),
    plan                  TEXT NOT NULL REFERENCES plans(code),
    pending_plan          TEXT REFERENCES plans(code),
    customer_type         TEXT NOT NULL CHECK (customer_type IN ('consumer', 'corporate', 'public_interest')),
    real_name_verified    INTEGER NOT NULL,
    service_password_hash TEXT,
    status                TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'closed')),
    joined_on             TEXT NOT NULL,
    star_level            INTEGER NOT NULL CHECK (star_level BETWEEN 1 AND 5),
    tags                  TEXT NOT NULL DEFAULT '',
    notes                 TEXT NOT NULL DEFAULT '',
    balance_fen           INTEGER NOT NULL DEFAULT 0,
    points                INTEGER NOT NULL DEFAULT 0 CHECK (points >= 0),
    pw_failures           INTEGER NOT NULL DEFAULT 0,
    pw_locked_until       TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX customers_name ON customers(name);
CREATE INDEX customers_brand_status ON customers(brand, status);

-- 话费余额 ledger: append-only; a mistake is corrected by a reversal entry.
CREATE TABLE ledger (
    id                INTEGER PRIMARY KEY,
    customer_id       INTEGER NOT NULL REFERENCES customers(id),
    kind              TEXT NOT NULL CHECK (kind IN ('top_up', 'bill_charge', 'pack_charge', 'points_credit',
                                                    'refund', 'adjustment', 'compensation', 'reversal')),
    amount_fen        INTEGER NOT NULL,
    balance_after_fen INTEGER NOT NULL,
    ref_type          TEXT NOT NULL DEFAULT '',
    ref_id            TEXT NOT NULL DEFAULT '',
    staff_id          TEXT REFERENCES staff(id),
    created_at        TEXT NOT NULL,
    reverses_id       INTEGER UNIQUE REFERENCES ledger(id),
    note              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ledger_customer ON ledger(customer_id, id);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a reversal instead'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a reversal instead'); END;

-- Points earn in lots, each with its own expiry; remaining is what is left to spend.
CREATE TABLE points_lots (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    earned_month TEXT NOT NULL,
    points       INTEGER NOT NULL CHECK (points > 0),
    remaining    INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= points),
    expires_on   TEXT NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX points_lots_customer ON points_lots(customer_id, expires_on);

CREATE TABLE points_ledger (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    lot_id        INTEGER NOT NULL REFERENCES points_lots(id),
    kind          TEXT NOT NULL CHECK (kind IN ('earn', 'spend', 'expire', 'reversal', 'adjustment')),
    points        INTEGER NOT NULL,
    balance_after INTEGER NOT NULL,
    ref_type      TEXT NOT NULL DEFAULT '',
    ref_id        TEXT NOT NULL DEFAULT '',
    staff_id      TEXT REFERENCES staff(id),
    created_at    TEXT NOT NULL,
    reverses_id   INTEGER REFERENCES points_ledger(id)
);
CREATE INDEX points_ledger_customer ON points_ledger(customer_id, id);
CREATE TRIGGER points_ledger_no_update BEFORE UPDATE ON points_ledger
BEGIN SELECT RAISE(ABORT, 'points ledger entries are append-only'); END;
CREATE TRIGGER points_ledger_no_delete BEFORE DELETE ON points_ledger
BEGIN SELECT RAISE(ABORT, 'points ledger entries are append-only'); END;

-- Notice outbox (simulated SMS).
CREATE TABLE notices (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    template    TEXT NOT NULL,
    params      TEXT NOT NULL,
    text        TEXT NOT NULL,
    staff_id    TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX notices_customer ON notices(customer_id, id);
CREATE TRIGGER notices_no_update BEFORE UPDATE ON notices
BEGIN SELECT RAISE(ABORT, 'the notice outbox is append-only'); END;

-- Audit log: each row carries the hash of the row before it.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    staff_id    TEXT NOT NULL,
    action      TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
    customer_id INTEGER,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_customer ON audit_log(customer_id, id);

-- A customer's visit to the counter: verified once, fresh until closed or idle too long.
CREATE TABLE visits (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers(id),
    staff_id         TEXT NOT NULL REFERENCES staff(id),
    opened_at        TEXT NOT NULL,
    last_activity_at TEXT NOT NULL,
    verified_at      TEXT,
    method           TEXT,
    override_reason  TEXT,
    closed_at        TEXT
);

-- One-time SMS codes for verification.
CREATE TABLE otps (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    code        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    used_at     TEXT
);
CREATE INDEX otps_customer ON otps(customer_id, id);
