-- Expired sessions are found by their expiry time and purged a few at a time.
CREATE INDEX sessions_expires ON sessions (expires_at);
