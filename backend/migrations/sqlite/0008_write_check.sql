-- The one row `/healthz` rewrites through the writer to prove the database takes writes now
-- (就绪检查): when the disk is full or the connection is gone, this write fails too.
CREATE TABLE write_check (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at BIGINT  NOT NULL
);
