-- The bytes of documents each enterprise stores (its storage quota), kept by a trigger: an upload
-- checks one row instead of summing every document the enterprise ever stored, which made each
-- upload slower as the enterprise's documents grew. Each document names its enterprise so that
-- the trigger needs no other table (its filing is already gone when a draft's deletion
-- cascades to its documents).
ALTER TABLE attachments ADD COLUMN enterprise_id BIGINT;
UPDATE attachments a SET enterprise_id = f.enterprise_id FROM filings f WHERE f.id = a.filing_id;
ALTER TABLE attachments ALTER COLUMN enterprise_id SET NOT NULL;
ALTER TABLE enterprises ADD COLUMN stored_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE enterprises e SET stored_bytes = COALESCE((SELECT SUM(a.size) FROM attachments a WHERE a.enterprise_id = e.id), 0);
CREATE FUNCTION attachments_stored_bytes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE enterprises SET stored_bytes = stored_bytes + NEW.size WHERE id = NEW.enterprise_id;
    ELSE
        UPDATE enterprises SET stored_bytes = stored_bytes - OLD.size WHERE id = OLD.enterprise_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER attachments_stored_bytes AFTER INSERT OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION attachments_stored_bytes();
