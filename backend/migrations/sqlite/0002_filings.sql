-- Both filing kinds in one table: 企业登记 (kind 'registration') and 海外仓资料 (kind 'warehouse').
-- The form as entered is kept whole in form_json; the columns beside it are what queries,
-- sorting and the uniqueness guards need.
CREATE TABLE filings (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id    INTEGER NOT NULL REFERENCES enterprises (id),
    kind             TEXT    NOT NULL,
    apply_no         TEXT    NOT NULL UNIQUE,
    registration_id  INTEGER REFERENCES filings (id),
    operator_card_no TEXT    NOT NULL,
    form_json        TEXT    NOT NULL,
    trade_modes      TEXT    NOT NULL,
    wh_name          TEXT,
    wh_name_key      TEXT,
    wh_code          TEXT,
    country_code     TEXT,
    address_key      TEXT,
    ownership        TEXT,
    status           INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    decl_time        INTEGER,
    last_return_time TEXT,
    last_return_info TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
-- One 企业登记 per enterprise.
CREATE UNIQUE INDEX filings_one_registration ON filings (enterprise_id) WHERE kind = 'registration';
-- One warehouse, one form: name, own number and (country, address) are unique per enterprise.
CREATE UNIQUE INDEX filings_wh_name_key ON filings (enterprise_id, wh_name_key) WHERE kind = 'warehouse';
CREATE UNIQUE INDEX filings_wh_code ON filings (enterprise_id, wh_code) WHERE kind = 'warehouse';
CREATE UNIQUE INDEX filings_address_key ON filings (enterprise_id, country_code, address_key) WHERE kind = 'warehouse';
CREATE INDEX filings_list ON filings (enterprise_id, kind, created_at);
CREATE INDEX filings_status ON filings (enterprise_id, status);
CREATE INDEX filings_decl_time ON filings (enterprise_id, decl_time);

-- Append-only: every status change of a filing, who made it, when and why.
CREATE TABLE filing_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    filing_id   INTEGER NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    from_status INTEGER,
    to_status   INTEGER NOT NULL,
    note        TEXT    NOT NULL
);
CREATE INDEX filing_history_filing ON filing_history (filing_id, id);

-- Per-day counters of 申请编号.
CREATE TABLE sequences (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
);

-- Transactional outbox: written in the declare transaction, sent to customs by the relay.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    filing_id       INTEGER NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
    guid            TEXT    NOT NULL UNIQUE,
    message_type    TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_filing ON outbox (filing_id);

-- 证明材料: proof documents of a warehouse filing, kept in the database so that every
-- `owf serve` sharing one PostgreSQL sees the same files.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    filing_id    INTEGER NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
    doc_type     TEXT    NOT NULL,
    file_name    TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    content      BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_filing ON attachments (filing_id);
