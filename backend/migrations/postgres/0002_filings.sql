-- Both filing kinds in one table: 企业登记 (kind 'registration') and 海外仓资料 (kind 'warehouse').
-- The form as entered is kept whole in form_json; the columns beside it are what queries,
-- sorting and the uniqueness guards need.
CREATE TABLE filings (
    id               BIGSERIAL PRIMARY KEY,
    enterprise_id    BIGINT NOT NULL REFERENCES enterprises (id),
    kind             TEXT    NOT NULL,
    apply_no         TEXT    NOT NULL UNIQUE,
    registration_id  BIGINT REFERENCES filings (id),
    operator_card_no TEXT    NOT NULL,
    form_json        TEXT    NOT NULL,
    trade_modes      TEXT    NOT NULL,
    wh_name          TEXT,
    wh_name_key      TEXT,
    wh_code          TEXT,
    country_code     TEXT,
    address_key      TEXT,
    ownership        TEXT,
    status           BIGINT NOT NULL,
    version          BIGINT NOT NULL,
    decl_time        BIGINT,
    last_return_time TEXT,
    last_return_info TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
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
    id          BIGSERIAL PRIMARY KEY,
    filing_id   BIGINT NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
    at          BIGINT NOT NULL,
    actor       TEXT    NOT NULL,
    from_status BIGINT,
    to_status   BIGINT NOT NULL,
    note        TEXT    NOT NULL
);
CREATE INDEX filing_history_filing ON filing_history (filing_id, id);

-- Per-day counters of 申请编号.
CREATE TABLE sequences (
    name  TEXT    PRIMARY KEY,
    value BIGINT NOT NULL
);

-- Transactional outbox: written in the declare transaction, sent to customs by the relay.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    filing_id       BIGINT NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
    guid            TEXT    NOT NULL UNIQUE,
    message_type    TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_filing ON outbox (filing_id);

-- 证明材料: proof documents of a warehouse filing, kept in the database so that every
-- `owf serve` sharing one PostgreSQL sees the same files.
CREATE TABLE attachments (
    id           BIGSERIAL PRIMARY KEY,
    filing_id    BIGINT NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
    doc_type     TEXT    NOT NULL,
    file_name    TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT    NOT NULL,
    content      BYTEA   NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX attachments_filing ON attachments (filing_id);
