-- The proof documents a declaration froze: the relay sends exactly these, each checked against
-- the hash and size recorded when the declaration was made.
CREATE TABLE outbox_attachments (
    outbox_id     INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    attachment_id INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    PRIMARY KEY (outbox_id, attachment_id)
);
-- Messages still waiting when this table came: their documents as they are now.
INSERT INTO outbox_attachments (outbox_id, attachment_id, sha256, size)
SELECT o.id, a.id, a.sha256, a.size FROM outbox o JOIN attachments a ON a.filing_id = o.filing_id
WHERE o.state = 'pending';

-- Receipts the relay could not read (an item that does not parse, an unknown status, a missing
-- guid), kept with their raw text for an operator; the receipt cursor moves past them. digest
-- (SHA-256 of the item as received) keeps an item read twice from being stored twice.
CREATE TABLE relay_dead_receipts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    seq         INTEGER,
    digest      TEXT    NOT NULL UNIQUE,
    raw         TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    received_at INTEGER NOT NULL
);
