-- Customs master data of an enterprise, its users and their sessions.
CREATE TABLE enterprises (
    id               BIGSERIAL PRIMARY KEY,
    customs_code     TEXT    NOT NULL UNIQUE,
    uscc             TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    customs_district TEXT    NOT NULL,
    in_zone          BIGINT  NOT NULL,
    credit_level     TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL
);

CREATE TABLE users (
    id              BIGSERIAL PRIMARY KEY,
    enterprise_id   BIGINT  NOT NULL REFERENCES enterprises (id),
    card_no         TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    failed_logins   BIGINT  NOT NULL DEFAULT 0,
    locked_until    BIGINT ,
    created_at      BIGINT  NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
