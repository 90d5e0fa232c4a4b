-- The bytes of documents each enterprise stores (its storage quota), kept by a trigger in a table
-- of their own: an upload checks one row instead of summing every document the enterprise ever
-- stored, which made each upload slower as the enterprise's documents grew; and the enterprise's
-- master-data row, read by every request, is not rewritten by every upload. Each document names
-- its enterprise so that the trigger needs no other table (its filing is already gone when a
-- draft's deletion cascades to its documents).
ALTER TABLE attachments ADD COLUMN enterprise_id BIGINT;
UPDATE attachments a SET enterprise_id = f.enterprise_id FROM filings f WHERE f.id = a.filing_id;
ALTER TABLE attachments ALTER COLUMN enterprise_id SET NOT NULL;
CREATE TABLE enterprise_storage (
    enterprise_id BIGINT PRIMARY KEY REFERENCES enterprises (id),
    stored_bytes  BIGINT NOT NULL
);
INSERT INTO enterprise_storage (enterprise_id, stored_bytes)
    SELECT enterprise_id, SUM(size) FROM attachments GROUP BY enterprise_id;
CREATE FUNCTION attachments_stored_bytes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO enterprise_storage (enterprise_id, stored_bytes) VALUES (NEW.enterprise_id, NEW.size)
            ON CONFLICT (enterprise_id)
            DO UPDATE SET stored_bytes = enterprise_storage.stored_bytes + EXCLUDED.stored_bytes;
    ELSE
        UPDATE enterprise_storage SET stored_bytes = stored_bytes - OLD.size
            WHERE enterprise_id = OLD.enterprise_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER attachments_stored_bytes AFTER INSERT OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION attachments_stored_bytes();
