-- Sessions that end before their expiry: a signed-out session's id (jti)
-- is kept here until the JWT would have expired anyway, and a password
-- change or reset moves the user's session epoch on, so every session
-- issued before it stops working.

ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

CREATE TABLE revoked_sessions (
    jti        TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL
);

CREATE INDEX revoked_sessions_expires_idx ON revoked_sessions (expires_at);
