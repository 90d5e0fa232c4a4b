-- Customs master data of an enterprise, its users and their sessions.
CREATE TABLE enterprises (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    customs_code     TEXT    NOT NULL UNIQUE,
    uscc             TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    customs_district TEXT    NOT NULL,
    in_zone          INTEGER NOT NULL,
    credit_level     TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (id),
    card_no         TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER,
    created_at      INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
