-- Customs relay and customs sandbox.

-- Each enterprise's signing key pair, the stand-in for its USBKey certificate: SM2 private key
-- (hex, only owf reads it), public key (hex SEC1) and the certificate number that names it in a
-- signature's KeyInfo. Customs (the sandbox) reads public_key and cert_no from this master data.
ALTER TABLE enterprises ADD COLUMN sign_key TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN public_key TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN cert_no TEXT NOT NULL DEFAULT '';
CREATE INDEX enterprises_cert_no ON enterprises (cert_no);

-- 回执 received from customs, each applied at most once (receipt_id is the receipt message guid).
CREATE TABLE relay_receipts (
    receipt_id    TEXT    PRIMARY KEY,
    guid          TEXT    NOT NULL,
    filing_id     BIGINT,
    return_status BIGINT NOT NULL,
    return_time   TEXT    NOT NULL,
    return_info   TEXT    NOT NULL,
    applied       BIGINT NOT NULL,
    note          TEXT    NOT NULL,
    received_at   BIGINT NOT NULL
);
CREATE INDEX relay_receipts_guid ON relay_receipts (guid);

-- How far the receipt stream of customs has been read.
CREATE TABLE relay_cursor (
    name  TEXT    PRIMARY KEY,
    value BIGINT NOT NULL
);

-- The customs sandbox's own store. Messages it accepted, one row per guid.
CREATE TABLE sandbox_messages (
    guid         TEXT    PRIMARY KEY,
    message_type TEXT    NOT NULL,
    cop_code     TEXT    NOT NULL,
    apply_no     TEXT    NOT NULL,
    trade_modes  TEXT    NOT NULL,
    verdict      BIGINT NOT NULL,
    verdict_info TEXT    NOT NULL,
    ack          TEXT    NOT NULL,
    deliveries   BIGINT NOT NULL,
    received_at  BIGINT NOT NULL
);
CREATE INDEX sandbox_messages_cop ON sandbox_messages (cop_code, message_type);

-- Receipts the sandbox will issue (due_at) and has issued (seq, in issue order).
CREATE TABLE sandbox_receipts (
    id            BIGSERIAL PRIMARY KEY,
    receipt_id    TEXT    NOT NULL UNIQUE,
    guid          TEXT    NOT NULL,
    message_type  TEXT    NOT NULL,
    apply_no      TEXT    NOT NULL,
    cop_code      TEXT    NOT NULL,
    return_status BIGINT NOT NULL,
    return_info   TEXT    NOT NULL,
    due_at        BIGINT NOT NULL,
    seq           BIGINT UNIQUE,
    return_time   TEXT
);
CREATE INDEX sandbox_receipts_due ON sandbox_receipts (seq, due_at);
CREATE INDEX sandbox_receipts_guid ON sandbox_receipts (guid);

-- The last issued receipt sequence number; its row lock serialises issuing.
CREATE TABLE sandbox_counters (
    name  TEXT    PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO sandbox_counters (name, value) VALUES ('receipt_seq', 0);
