-- The bytes of documents each enterprise stores (its storage quota), kept by triggers in a table
-- of their own: an upload checks one row instead of summing every document the enterprise ever
-- stored, which made each upload slower as the enterprise's documents grew; and the enterprise's
-- master-data row, read by every request, is not rewritten by every upload. Each document names
-- its enterprise so that the triggers need no other table (its filing is already gone when a
-- draft's deletion cascades to its documents).
ALTER TABLE attachments ADD COLUMN enterprise_id INTEGER NOT NULL DEFAULT 0;
UPDATE attachments SET enterprise_id = (SELECT f.enterprise_id FROM filings f WHERE f.id = attachments.filing_id);
CREATE TABLE enterprise_storage (
    enterprise_id INTEGER PRIMARY KEY REFERENCES enterprises (id),
    stored_bytes  INTEGER NOT NULL
);
INSERT INTO enterprise_storage (enterprise_id, stored_bytes)
    SELECT enterprise_id, SUM(size) FROM attachments GROUP BY enterprise_id;
CREATE TRIGGER attachments_stored_add AFTER INSERT ON attachments BEGIN
    INSERT INTO enterprise_storage (enterprise_id, stored_bytes) VALUES (NEW.enterprise_id, NEW.size)
        ON CONFLICT (enterprise_id) DO UPDATE SET stored_bytes = stored_bytes + excluded.stored_bytes;
END;
CREATE TRIGGER attachments_stored_remove AFTER DELETE ON attachments BEGIN
    UPDATE enterprise_storage SET stored_bytes = stored_bytes - OLD.size
        WHERE enterprise_id = OLD.enterprise_id;
END;
