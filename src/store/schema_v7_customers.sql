-- touchpoint schema: customers rebuilt for bulk loads; the rules are unchanged.
--
-- schema_v1 declared `phone TEXT NOT NULL UNIQUE`, which SQLite backs with an automatic index
-- that can never be dropped. A bulk customer import drops the secondary indexes and rebuilds
-- them with one sort each; keeping the phone index live instead cost a million-row import 0.45 s
-- more with the file in phone order and 2.3 s more in random order. The rule is unchanged: one
-- customer per phone, enforced by `customers_phone`.
--
-- The CHECKs on customer_type and status are spelled with OR instead of IN (...): SQLite
-- evaluates a constant IN list through a temporary lookup table it builds per statement, which
-- made a million-row insert 0.8 s slower; the allowed values are the same.
--
-- customers_name and customers_brand_status are not rebuilt: no query uses them (search matches
-- names with LIKE '%…%', lists filter with `?1 IS NULL OR brand = ?1` in phone order, the bill
-- run scans every customer; EXPLAIN QUERY PLAN shows none of them taking either index), and
-- each made every insert and every bulk import slower.
--
-- The table is rebuilt by SQLite's documented procedure (foreign keys are off
-- while migrations run and checked before they commit); same columns in the same order.
CREATE TABLE customers_v7 (
    id                    INTEGER PRIMARY KEY,
    phone                 TEXT NOT NULL,
    name                  TEXT NOT NULL,
    id_number             TEXT NOT NULL,
    brand                 TEXT NOT NULL REFERENCES brands(code),
    plan                  TEXT NOT NULL REFERENCES plans(code),
    pending_plan          TEXT REFERENCES plans(code),
    customer_type         TEXT NOT NULL CHECK (customer_type = 'consumer' OR customer_type = 'corporate'
                                               OR customer_type = 'public_interest'),
    real_name_verified    INTEGER NOT NULL,
    service_password_hash TEXT,
    status                TEXT NOT NULL CHECK (status = 'active' OR status = 'suspended' OR status = 'closed'),
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
INSERT INTO customers_v7 SELECT * FROM customers;
DROP TABLE customers;
ALTER TABLE customers_v7 RENAME TO customers;
CREATE UNIQUE INDEX customers_phone ON customers(phone);
