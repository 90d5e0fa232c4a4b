-- 变更 and 注销 of approved filings (issue 16). An amendment is a filing row of its own that
-- names the approved filing it amends (amends_id) and what it asks customs (app_type: 1 新增,
-- 2 变更, 3 删除/注销); it runs the usual status machine while the approved filing stays in force.
ALTER TABLE filings ADD COLUMN amends_id BIGINT REFERENCES filings (id);
ALTER TABLE filings ADD COLUMN app_type BIGINT NOT NULL DEFAULT 1;
-- 注销原因 of a cancellation, sent as the message's note.
ALTER TABLE filings ADD COLUMN amend_reason TEXT;

-- One amendment at a time: at most one that customs has not approved (399) per approved filing.
CREATE UNIQUE INDEX filings_one_pending ON filings (amends_id) WHERE amends_id IS NOT NULL AND status <> 399;

-- The guards of 0002 no longer count cancelled filings (9 已注销): a cancelled warehouse frees its
-- name, number and address, a cancelled registration lets the enterprise register again.
-- Registration amendments carry the same enterprise and are not a second registration; a
-- warehouse amendment keeps in these columns only the values it changes (NULL where they equal
-- the approved filing's), so it reserves a new name, number or address from its first 暂存 on.
DROP INDEX filings_one_registration;
CREATE UNIQUE INDEX filings_one_registration ON filings (enterprise_id) WHERE kind = 'registration' AND amends_id IS NULL AND status <> 9;
DROP INDEX filings_wh_name_key;
CREATE UNIQUE INDEX filings_wh_name_key ON filings (enterprise_id, wh_name_key) WHERE kind = 'warehouse' AND status <> 9;
DROP INDEX filings_wh_code;
CREATE UNIQUE INDEX filings_wh_code ON filings (enterprise_id, wh_code) WHERE kind = 'warehouse' AND status <> 9;
DROP INDEX filings_address_key;
CREATE UNIQUE INDEX filings_address_key ON filings (enterprise_id, country_code, address_key) WHERE kind = 'warehouse' AND status <> 9;

-- Every approved version of a filing, kept for ever: version 1 is the approved 新增, each approved
-- 变更 adds the next, an approved 注销 the last. source_id is the row whose declaration customs
-- approved (the filing itself for 新增, the amendment otherwise): its documents and timeline.
CREATE TABLE filing_versions (
    filing_id   BIGINT NOT NULL REFERENCES filings (id),
    version_no  BIGINT NOT NULL,
    app_type    BIGINT NOT NULL,
    source_id   BIGINT NOT NULL REFERENCES filings (id),
    form_json   TEXT    NOT NULL,
    approved_at BIGINT NOT NULL,
    return_info TEXT,
    PRIMARY KEY (filing_id, version_no)
);
INSERT INTO filing_versions (filing_id, version_no, app_type, source_id, form_json, approved_at, return_info)
    SELECT id, 1, 1, id, form_json, updated_at, last_return_info FROM filings WHERE status = 399;

-- The customs sandbox keeps what each message asked: it refuses a 变更 or 注销 of a filing it never
-- approved or has already cancelled.
ALTER TABLE sandbox_messages ADD COLUMN app_type BIGINT NOT NULL DEFAULT 1;
CREATE INDEX sandbox_messages_apply_no ON sandbox_messages (cop_code, apply_no);
