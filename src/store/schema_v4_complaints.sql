-- touchpoint schema: complaints and customer service (投诉与客服).
-- Free text (descriptions, notes, replies) is stored exactly as typed.

CREATE TABLE tickets (
    id                       INTEGER PRIMARY KEY,
    customer_id              INTEGER NOT NULL REFERENCES customers(id),
    category                 TEXT NOT NULL CHECK (category IN ('billing_dispute', 'unknown_vas', 'network_quality',
                                                               'service_attitude', 'points', 'top_up', 'other')),
    priority                 TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    channel                  TEXT NOT NULL CHECK (channel IN ('counter', 'hotline', 'online')),
    description              TEXT NOT NULL,
    disputed_month           TEXT,
    stale_dispute            INTEGER NOT NULL DEFAULT 0,
    status                   TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'waiting_customer', 'resolved', 'closed')),
    assignee                 TEXT REFERENCES staff(id),
    opened_by                TEXT NOT NULL REFERENCES staff(id),
    opened_at                TEXT NOT NULL,
    first_reply_at           TEXT,
    resolution               TEXT,
    compensation_fen         INTEGER CHECK (compensation_fen IS NULL OR compensation_fen > 0),
    compensation_status      TEXT CHECK (compensation_status IN ('proposed', 'approved', 'declined')),
    compensation_proposed_by TEXT REFERENCES staff(id),
    compensation_decided_by  TEXT REFERENCES staff(id),
    compensation_ledger_id   INTEGER UNIQUE REFERENCES ledger(id),
    rating                   INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    rating_comment           TEXT,
    updated_at               TEXT NOT NULL
);
CREATE INDEX tickets_customer ON tickets(customer_id, id);
CREATE INDEX tickets_status ON tickets(status, id);
CREATE INDEX tickets_assignee ON tickets(assignee, status);

-- The timeline: opening, state changes, assignments, internal notes, customer-facing replies,
-- compensation decisions and the rating. Append-only.
CREATE TABLE ticket_events (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    kind        TEXT NOT NULL CHECK (kind IN ('opened', 'state', 'assign', 'note', 'reply', 'compensation', 'rating')),
    from_status TEXT,
    to_status   TEXT,
    text        TEXT NOT NULL DEFAULT '',
    staff_id    TEXT NOT NULL REFERENCES staff(id),
    notice_id   INTEGER REFERENCES notices(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, id);
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'the ticket timeline is append-only'); END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'the ticket timeline is append-only'); END;

-- Every counter interaction: 咨询 enquiry, 办理 transaction, 投诉 complaint (which opens a ticket).
CREATE TABLE service_records (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    kind        TEXT NOT NULL CHECK (kind IN ('enquiry', 'transaction', 'complaint')),
    category    TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '',
    ticket_id   INTEGER REFERENCES tickets(id),
    staff_id    TEXT NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX service_records_customer ON service_records(customer_id, id);
CREATE TRIGGER service_records_no_update BEFORE UPDATE ON service_records
BEGIN SELECT RAISE(ABORT, 'service records are append-only'); END;
CREATE TRIGGER service_records_no_delete BEFORE DELETE ON service_records
BEGIN SELECT RAISE(ABORT, 'service records are append-only'); END;

-- A ticket's compensation enters the ledger once.
CREATE UNIQUE INDEX ledger_compensation_once ON ledger(ref_id) WHERE kind = 'compensation' AND ref_type = 'ticket';
