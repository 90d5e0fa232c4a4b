-- Withdrawn amendments are kept: 删除 of a 变更 or 注销 that was declared before leaves it as
-- 8 已撤回, with its timeline and the message that was sent, instead of deleting it.

-- The version an amendment becomes once approved. Until now its number said it
-- ({申请编号}-{version}); a withdrawn amendment keeps its number, so the next attempt at the same
-- version is numbered after it and the version is a column of its own.
ALTER TABLE filings ADD COLUMN amend_version INTEGER;
UPDATE filings SET amend_version = CAST(substr(apply_no, instr(apply_no, '-') + 1) AS INTEGER) WHERE amends_id IS NOT NULL;

-- One amendment at a time: a withdrawn one (8) no longer counts, like an approved one (399).
DROP INDEX filings_one_pending;
CREATE UNIQUE INDEX filings_one_pending ON filings (amends_id) WHERE amends_id IS NOT NULL AND status NOT IN (399, 8);
