-- The technical side of a timeline step (message guid, receipt code and raw returnInfo), kept
-- apart from the note a clerk reads (issue 17).
ALTER TABLE filing_history ADD COLUMN detail TEXT NOT NULL DEFAULT '';
