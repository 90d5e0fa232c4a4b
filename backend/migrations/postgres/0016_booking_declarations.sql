-- 订仓单 declarations (issue 19, third step): a booking order travels as CEB303 through the same
-- outbox and relay as the filings, and its receipts (CEB304) move it through the same status
-- machine, with a timeline of its own.

-- An outbox message belongs to a filing or to a 订仓单, never both.
ALTER TABLE outbox ALTER COLUMN filing_id DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN booking_order_id BIGINT REFERENCES booking_orders (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD CONSTRAINT outbox_one_owner CHECK ((filing_id IS NULL) <> (booking_order_id IS NULL));
CREATE INDEX outbox_booking_order ON outbox (booking_order_id);

-- What the order's latest (or next) declaration asks customs: 1 新增, 2 变更, 3 删除; and the
-- last receipt applied to it, as for the filings.
ALTER TABLE booking_orders ADD COLUMN app_type BIGINT NOT NULL DEFAULT 1;
ALTER TABLE booking_orders ADD COLUMN last_return_time TEXT;
ALTER TABLE booking_orders ADD COLUMN last_return_info TEXT;

-- Append-only: every status change of a 订仓单, like filing_history.
CREATE TABLE booking_order_history (
    id          BIGSERIAL PRIMARY KEY,
    order_id    BIGINT NOT NULL REFERENCES booking_orders (id) ON DELETE CASCADE,
    at          BIGINT NOT NULL,
    actor       TEXT    NOT NULL,
    from_status BIGINT,
    to_status   BIGINT NOT NULL,
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
    app_type BIGINT  NOT NULL,
    PRIMARY KEY (cop_code, order_no)
);
