-- The bytes of documents each enterprise stores (its storage quota), kept by triggers: an upload
-- checks one row instead of summing every document the enterprise ever stored, which made each
-- upload slower as the enterprise's documents grew. Each document names its enterprise so that
-- the triggers need no other table (its filing is already gone when a draft's deletion
-- cascades to its documents).
ALTER TABLE attachments ADD COLUMN enterprise_id INTEGER NOT NULL DEFAULT 0;
UPDATE attachments SET enterprise_id = (SELECT f.enterprise_id FROM filings f WHERE f.id = attachments.filing_id);
ALTER TABLE enterprises ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE enterprises SET stored_bytes = (SELECT COALESCE(SUM(a.size), 0) FROM attachments a WHERE a.enterprise_id = enterprises.id);
CREATE TRIGGER attachments_stored_add AFTER INSERT ON attachments BEGIN
    UPDATE enterprises SET stored_bytes = stored_bytes + NEW.size WHERE id = NEW.enterprise_id;
END;
CREATE TRIGGER attachments_stored_remove AFTER DELETE ON attachments BEGIN
    UPDATE enterprises SET stored_bytes = stored_bytes - OLD.size WHERE id = OLD.enterprise_id;
END;
