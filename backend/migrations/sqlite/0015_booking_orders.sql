-- 订仓单 (warehouse booking orders, CEB303 orderType W) of issue 19: the header in its own
-- columns, the lines in booking_order_lines. Amounts and quantities are exact decimals kept as
-- the text the clerk saved ("25.50"), never floating point: N19,5 scaled to an integer needs
-- 19 digits, past BIGINT, and text reads back exactly what was saved, alike in both databases.
-- 电商企业 is the enterprise (enterprise_id); status is a filing status code (1 暂存).
CREATE TABLE booking_orders (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id    INTEGER NOT NULL REFERENCES enterprises (id),
    order_no         TEXT    NOT NULL,
    -- The warehouse record (海外仓资料) it names; a deleted warehouse draft leaves it unset.
    warehouse_id     INTEGER REFERENCES filings (id) ON DELETE SET NULL,
    ebp_code         TEXT    NOT NULL,
    ebp_name         TEXT    NOT NULL,
    currency         TEXT    NOT NULL,
    freight          TEXT    NOT NULL,
    note             TEXT    NOT NULL,
    -- 商品总价, computed from the lines at each save; NULL while a line lacks 数量 or 单价.
    goods_value      TEXT,
    line_count       INTEGER NOT NULL,
    operator_card_no TEXT    NOT NULL,
    status           INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    decl_time        INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
-- 订仓单编号 is unique per enterprise (a draft may leave it empty for now).
CREATE UNIQUE INDEX booking_orders_order_no ON booking_orders (enterprise_id, order_no) WHERE order_no <> '';
CREATE INDEX booking_orders_list ON booking_orders (enterprise_id, created_at);

-- The lines (OrderList), by 序号 (gnum, from 1).
CREATE TABLE booking_order_lines (
    order_id      INTEGER NOT NULL REFERENCES booking_orders (id) ON DELETE CASCADE,
    gnum          INTEGER NOT NULL,
    item_no       TEXT    NOT NULL,
    item_name     TEXT    NOT NULL,
    item_describe TEXT    NOT NULL,
    bar_code      TEXT    NOT NULL,
    unit          TEXT    NOT NULL,
    qty           TEXT    NOT NULL,
    price         TEXT    NOT NULL,
    total_price   TEXT    NOT NULL,
    note          TEXT    NOT NULL,
    PRIMARY KEY (order_id, gnum)
);
