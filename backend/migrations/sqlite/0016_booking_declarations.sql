-- 订仓单 declarations (issue 19, third step): a booking order travels as CEB303 through the same
-- outbox and relay as the filings, and its receipts (CEB304) move it through the same status
-- machine, with a timeline of its own.

-- An outbox message belongs to a filing or to a 订仓单, never both. SQLite cannot drop NOT NULL,
-- so the table is rebuilt; dropping the old one cascades into outbox_attachments, whose rows are
-- kept aside and put back (their foreign key names `outbox`, which the new table becomes).
CREATE TABLE outbox_attachments_kept AS SELECT * FROM outbox_attachments;
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    filing_id        INTEGER REFERENCES filings (id) ON DELETE CASCADE,
    guid             TEXT    NOT NULL UNIQUE,
    message_type     TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    lease_owner      TEXT,
    lease_until      INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER,
    booking_order_id INTEGER REFERENCES booking_orders (id) ON DELETE CASCADE,
    CHECK ((filing_id IS NULL) <> (booking_order_id IS NULL))
);
INSERT INTO outbox_new (id, filing_id, guid, message_type, payload, state, attempts,
    next_attempt_at, lease_owner, lease_until, last_error, created_at, sent_at)
SELECT id, filing_id, guid, message_type, payload, state, attempts, next_attempt_at, lease_owner,
    lease_until, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_filing ON outbox (filing_id);
CREATE INDEX outbox_booking_order ON outbox (booking_order_id);
INSERT INTO outbox_attachments SELECT * FROM outbox_attachments_kept;
DROP TABLE outbox_attachments_kept;

-- What the order's latest (or next) declaration asks customs: 1 新增, 2 变更, 3 删除; and the
-- last receipt applied to it, as for the filings.
ALTER TABLE booking_orders ADD COLUMN app_type INTEGER NOT NULL DEFAULT 1;
ALTER TABLE booking_orders ADD COLUMN last_return_time TEXT;
ALTER TABLE booking_orders ADD COLUMN last_return_info TEXT;

-- Append-only: every status change of a 订仓单, like filing_history.
CREATE TABLE booking_order_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id    INTEGER NOT NULL REFERENCES booking_orders (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    from_status INTEGER,
    to_status   INTEGER NOT NULL,
    note        TEXT    NOT NULL,
    detail      TEXT    NOT NULL
);
CREATE INDEX booking_order_history_order ON booking_order_history (order_id, id);

-- The customs sandbox answers a 订仓单 with CEB304, which names the 电商平台 too.
ALTER TABLE sandbox_receipts ADD COLUMN ebp_code TEXT NOT NULL DEFAULT '';
-- The 订仓单 the sandbox holds, one per 订仓单编号 of an enterprise: the message it last accepted
-- for it (新增 or 变更; 删除 when deleted). Its 120 receipt issued = taken in (海关入库).
CREATE TABLE sandbox_orders (
    cop_code TEXT    NOT NULL,
    order_no TEXT    NOT NULL,
    guid     TEXT    NOT NULL,
    app_type INTEGER NOT NULL,
    PRIMARY KEY (cop_code, order_no)
);
