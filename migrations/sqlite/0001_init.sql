-- BankFlow initial schema (SQLite). Enums of the PostgreSQL schema are TEXT
-- with CHECK constraints; times are UTC text 'YYYY-MM-DD HH:MM:SS.ffffff+00:00'
-- as bun writes them; dates are 'YYYY-MM-DD'.

CREATE TABLE users (
    id                TEXT PRIMARY KEY,
    email             TEXT NOT NULL,
    password_hash     TEXT NOT NULL,
    name              TEXT NOT NULL,
    company           TEXT NOT NULL DEFAULT '',
    subscription_tier TEXT NOT NULL DEFAULT 'free'
        CHECK (subscription_tier IN ('free', 'professional', 'business', 'enterprise')),
    role              TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    inbox_token       TEXT,
    notify_email      BOOLEAN NOT NULL DEFAULT 0,
    created_at        TIMESTAMP NOT NULL,
    last_login        TIMESTAMP,
    is_active         BOOLEAN NOT NULL DEFAULT 1,
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_inbox_token_key UNIQUE (inbox_token)
);

CREATE TABLE processing_jobs (
    id                TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source            TEXT NOT NULL CHECK (source IN ('upload', 'email', 'api', 'cli')),
    original_filename TEXT NOT NULL,
    file_size         INTEGER NOT NULL,
    file_hash         TEXT NOT NULL,
    content_type      TEXT NOT NULL DEFAULT '',
    bank_hint         TEXT NOT NULL DEFAULT '',
    detected_bank     TEXT NOT NULL DEFAULT '',
    format            TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
    progress          INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    attempts          INTEGER NOT NULL DEFAULT 0,
    transaction_count INTEGER NOT NULL DEFAULT 0,
    reconciliation    TEXT NOT NULL DEFAULT 'unknown' CHECK (reconciliation IN ('balanced', 'mismatch', 'unknown')),
    difference_cents  INTEGER NOT NULL DEFAULT 0,
    error_message     TEXT NOT NULL DEFAULT '',
    input_file_id     TEXT NOT NULL DEFAULT '',
    output_file_id    TEXT NOT NULL DEFAULT '',
    summary           TEXT,
    email_message_id  TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    started_at        TIMESTAMP,
    completed_at      TIMESTAMP,
    expires_at        TIMESTAMP NOT NULL,
    file_deleted_at   TIMESTAMP
);

CREATE INDEX processing_jobs_user_created_idx ON processing_jobs (user_id, created_at DESC);
CREATE INDEX processing_jobs_user_hash_idx ON processing_jobs (user_id, file_hash);
CREATE INDEX processing_jobs_status_idx ON processing_jobs (status);
CREATE INDEX processing_jobs_expires_idx ON processing_jobs (expires_at) WHERE file_deleted_at IS NULL;

CREATE TABLE transactions (
    id            INTEGER PRIMARY KEY,
    job_id        TEXT NOT NULL REFERENCES processing_jobs (id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    line          INTEGER NOT NULL DEFAULT 0,
    posted_on     TEXT,
    amount_cents  INTEGER NOT NULL,
    description   TEXT NOT NULL,
    document      TEXT NOT NULL DEFAULT '',
    fitid         TEXT NOT NULL DEFAULT '',
    balance_cents INTEGER,
    account       TEXT NOT NULL DEFAULT '',
    bank          TEXT NOT NULL DEFAULT '',
    dedup         TEXT NOT NULL,
    CONSTRAINT transactions_job_dedup_key UNIQUE (job_id, dedup)
);

CREATE INDEX transactions_job_seq_idx ON transactions (job_id, seq);
CREATE INDEX transactions_user_date_idx ON transactions (user_id, posted_on);

-- Full-text index over descriptions, kept in sync by triggers. SQLite has no
-- Portuguese stemmer: diacritics are removed here and queries use prefixes.
CREATE VIRTUAL TABLE transactions_fts USING fts5(
    description,
    content = 'transactions',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER transactions_fts_insert AFTER INSERT ON transactions BEGIN
    INSERT INTO transactions_fts (rowid, description) VALUES (new.id, new.description);
END;

CREATE TRIGGER transactions_fts_delete AFTER DELETE ON transactions BEGIN
    INSERT INTO transactions_fts (transactions_fts, rowid, description) VALUES ('delete', old.id, old.description);
END;

CREATE TRIGGER transactions_fts_update AFTER UPDATE OF description ON transactions BEGIN
    INSERT INTO transactions_fts (transactions_fts, rowid, description) VALUES ('delete', old.id, old.description);
    INSERT INTO transactions_fts (rowid, description) VALUES (new.id, new.description);
END;

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP,
    CONSTRAINT api_tokens_hash_key UNIQUE (hash)
);

CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

CREATE TABLE audit_events (
    id        INTEGER PRIMARY KEY,
    at        TIMESTAMP NOT NULL,
    actor_id  TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    target_id TEXT NOT NULL DEFAULT '',
    ip        TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_events_at_idx ON audit_events (at);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, at);

-- Append-only: rows are never changed. Deletion is left to retention code.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TABLE email_cursors (
    mailbox     TEXT PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL DEFAULT 0,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE sender_addresses (
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    verified_at TIMESTAMP,
    PRIMARY KEY (user_id, email),
    CONSTRAINT sender_addresses_email_key UNIQUE (email)
);
