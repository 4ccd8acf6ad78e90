-- Quick top-up (快捷充值): payments with an idempotency key, and supervisor refunds.
-- A payment is credited only when approved, and then by exactly one ledger entry.

CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    -- Client-chosen idempotency key: the same request never credits twice.
    request_id      TEXT NOT NULL UNIQUE,
    -- Receipt serial, e.g. TU20261204-000123.
    serial          TEXT NOT NULL UNIQUE,
    customer_id     INTEGER NOT NULL REFERENCES customers(id),
    channel         TEXT NOT NULL CHECK (channel IN ('cash', 'card', 'alipay', 'wechat')),
    -- The face value chosen (preset or custom).
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    -- What the payer pays and what the balance gets, after the promotion.
    paid_fen        INTEGER NOT NULL CHECK (paid_fen > 0),
    credited_fen    INTEGER NOT NULL CHECK (credited_fen > 0),
    promotion       TEXT,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined', 'voided')),
    gateway_ref     TEXT NOT NULL DEFAULT '',
    status_note     TEXT NOT NULL DEFAULT '',
    staff_id        TEXT NOT NULL REFERENCES staff(id),
    created_at      TEXT NOT NULL,
    settled_at      TEXT,
    settled_by      TEXT REFERENCES staff(id),
    ledger_entry_id INTEGER UNIQUE REFERENCES ledger(id),
    reactivated     INTEGER NOT NULL DEFAULT 0,
    CHECK ((status = 'approved') = (ledger_entry_id IS NOT NULL))
);
CREATE INDEX payments_customer ON payments(customer_id, id);
CREATE INDEX payments_status ON payments(status, id);
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'payments are kept forever: void a pending one instead'); END;
-- Only a pending payment may change, and only its settlement fields.
CREATE TRIGGER payments_settle_once BEFORE UPDATE ON payments
WHEN OLD.status != 'pending'
  OR NEW.request_id IS NOT OLD.request_id OR NEW.customer_id IS NOT OLD.customer_id
  OR NEW.amount_fen IS NOT OLD.amount_fen OR NEW.paid_fen IS NOT OLD.paid_fen
  OR NEW.credited_fen IS NOT OLD.credited_fen OR NEW.channel IS NOT OLD.channel
BEGIN SELECT RAISE(ABORT, 'a settled payment cannot change'); END;

-- A supervisor's refund of an approved top-up: one per top-up (its ledger entry reverses the
-- top-up's entry, and an entry is reversed at most once).
CREATE TABLE topup_refunds (
    id              INTEGER PRIMARY KEY,
    payment_id      INTEGER NOT NULL UNIQUE REFERENCES payments(id),
    -- Taken off the balance.
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    -- Handed back to the payer: the refunded share of what was paid.
    returned_fen    INTEGER NOT NULL CHECK (returned_fen >= 0),
    reason          TEXT NOT NULL,
    staff_id        TEXT NOT NULL REFERENCES staff(id),
    created_at      TEXT NOT NULL,
    ledger_entry_id INTEGER NOT NULL UNIQUE REFERENCES ledger(id)
);
CREATE TRIGGER topup_refunds_no_update BEFORE UPDATE ON topup_refunds
BEGIN SELECT RAISE(ABORT, 'refunds are append-only'); END;
CREATE TRIGGER topup_refunds_no_delete BEFORE DELETE ON topup_refunds
BEGIN SELECT RAISE(ABORT, 'refunds are append-only'); END;
