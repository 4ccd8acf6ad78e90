-- touchpoint schema: business handling (业务办理) — plan changes, pack purchases, VAS cancellations.

-- Plan history. A change is made `pending` with effective_from = the 1st of next month (local
-- date); on or after that day it becomes `applied` (customers.plan is set to to_plan) or, before
-- it, `cancelled`. The plan in effect on a day D is the from_plan of the earliest applied or
-- pending change whose effective_from is after D, else customers.plan: so a month billed late
-- is still billed with the plan that was in effect during it.
CREATE TABLE plan_changes (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers(id),
    from_plan      TEXT NOT NULL REFERENCES plans(code),
    to_plan        TEXT NOT NULL REFERENCES plans(code),
    effective_from TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'cancelled')),
    staff_id       TEXT NOT NULL REFERENCES staff(id),
    created_at     TEXT NOT NULL,
    closed_by      TEXT REFERENCES staff(id),
    closed_at      TEXT
);
CREATE INDEX plan_changes_customer ON plan_changes(customer_id, effective_from);
-- Only one pending change per customer, enforced where it is written.
CREATE UNIQUE INDEX plan_changes_one_pending ON plan_changes(customer_id) WHERE status = 'pending';
CREATE INDEX plan_changes_due ON plan_changes(status, effective_from);

-- Add-on packs (加油包) bought: the fee is one pack_charge ledger entry, the allowance one
-- `allowances` row of the month; valid_until is the month's last day.
CREATE TABLE pack_purchases (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    code        TEXT NOT NULL REFERENCES plans(code),
    month       TEXT NOT NULL,
    fee_fen     INTEGER NOT NULL CHECK (fee_fen >= 0),
    valid_until TEXT NOT NULL,
    ledger_id   INTEGER REFERENCES ledger(id),
    staff_id    TEXT NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX pack_purchases_customer ON pack_purchases(customer_id, created_at);

-- Who cancelled a subscription and when (ends_on stays the last day charged).
ALTER TABLE vas_subscriptions ADD COLUMN cancelled_at TEXT;
ALTER TABLE vas_subscriptions ADD COLUMN cancelled_by TEXT REFERENCES staff(id);
