-- BankFlow initial schema (PostgreSQL).

CREATE TYPE subscription_tier AS ENUM ('free', 'professional', 'business', 'enterprise');
CREATE TYPE processing_status AS ENUM ('queued', 'processing', 'completed', 'failed', 'cancelled');

-- bankflow_fold removes the diacritics of Portuguese text so that full-text
-- search matches "transferência" and "TRANSFERENCIA" alike without the
-- unaccent extension (immutable, so usable in a generated column).
CREATE FUNCTION bankflow_fold(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT translate(s,
        'ÁÀÂÃÄÉÈÊËÍÌÎÏÓÒÔÕÖÚÙÛÜÇÑáàâãäéèêëíìîïóòôõöúùûüçñ',
        'AAAAAEEEEIIIIOOOOOUUUUCNaaaaaeeeeiiiiooooouuuucn')
$$;

CREATE TABLE users (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email             VARCHAR(255) NOT NULL,
    password_hash     VARCHAR(255) NOT NULL,
    name              VARCHAR(255) NOT NULL,
    company           VARCHAR(255) NOT NULL DEFAULT '',
    subscription_tier subscription_tier NOT NULL DEFAULT 'free',
    role              TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    inbox_token       TEXT,
    notify_email      BOOLEAN NOT NULL DEFAULT false,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_login        TIMESTAMPTZ,
    is_active         BOOLEAN NOT NULL DEFAULT true,
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_inbox_token_key UNIQUE (inbox_token)
);

CREATE TABLE processing_jobs (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id           UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source            TEXT NOT NULL CHECK (source IN ('upload', 'email', 'api', 'cli')),
    original_filename VARCHAR(255) NOT NULL,
    file_size         BIGINT NOT NULL,
    file_hash         VARCHAR(64) NOT NULL,
    content_type      TEXT NOT NULL DEFAULT '',
    bank_hint         TEXT NOT NULL DEFAULT '',
    detected_bank     VARCHAR(100) NOT NULL DEFAULT '',
    format            TEXT NOT NULL DEFAULT '',
    status            processing_status NOT NULL DEFAULT 'queued',
    progress          INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    attempts          INTEGER NOT NULL DEFAULT 0,
    transaction_count INTEGER NOT NULL DEFAULT 0,
    reconciliation    TEXT NOT NULL DEFAULT 'unknown' CHECK (reconciliation IN ('balanced', 'mismatch', 'unknown')),
    difference_cents  BIGINT NOT NULL DEFAULT 0,
    error_message     TEXT NOT NULL DEFAULT '',
    input_file_id     TEXT NOT NULL DEFAULT '',
    output_file_id    TEXT NOT NULL DEFAULT '',
    summary           JSONB,
    email_message_id  TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at        TIMESTAMPTZ,
    completed_at      TIMESTAMPTZ,
    expires_at        TIMESTAMPTZ NOT NULL,
    file_deleted_at   TIMESTAMPTZ
);

CREATE INDEX processing_jobs_user_created_idx ON processing_jobs (user_id, created_at DESC);
CREATE INDEX processing_jobs_user_hash_idx ON processing_jobs (user_id, file_hash);
CREATE INDEX processing_jobs_status_idx ON processing_jobs (status);
CREATE INDEX processing_jobs_expires_idx ON processing_jobs (expires_at) WHERE file_deleted_at IS NULL;

CREATE TABLE transactions (
    id            BIGSERIAL PRIMARY KEY,
    job_id        UUID NOT NULL REFERENCES processing_jobs (id) ON DELETE CASCADE,
    user_id       UUID NOT NULL,
    seq           INTEGER NOT NULL,
    line          INTEGER NOT NULL DEFAULT 0,
    posted_on     DATE,
    amount_cents  BIGINT NOT NULL,
    description   TEXT NOT NULL,
    document      TEXT NOT NULL DEFAULT '',
    fitid         TEXT NOT NULL DEFAULT '',
    balance_cents BIGINT,
    account       TEXT NOT NULL DEFAULT '',
    bank          TEXT NOT NULL DEFAULT '',
    dedup         TEXT NOT NULL,
    search        TSVECTOR GENERATED ALWAYS AS (to_tsvector('portuguese', bankflow_fold(description))) STORED,
    CONSTRAINT transactions_job_dedup_key UNIQUE (job_id, dedup)
);

CREATE INDEX transactions_job_seq_idx ON transactions (job_id, seq);
CREATE INDEX transactions_user_date_idx ON transactions (user_id, posted_on);
CREATE INDEX transactions_search_idx ON transactions USING GIN (search);

CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    hash         CHAR(64) NOT NULL,
    prefix       TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    CONSTRAINT api_tokens_hash_key UNIQUE (hash)
);

CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

CREATE TABLE audit_events (
    id        BIGSERIAL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_id  TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    target_id TEXT NOT NULL DEFAULT '',
    ip        TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_events_at_idx ON audit_events (at);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, at);

-- The audit log is append-only: UPDATE is always refused, DELETE only from
-- bankflow_prune_audit (retention), which sets a transaction-local flag.
CREATE FUNCTION bankflow_audit_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('bankflow.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION bankflow_audit_guard();

CREATE FUNCTION bankflow_prune_audit(before TIMESTAMPTZ) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE n BIGINT;
BEGIN
    PERFORM set_config('bankflow.audit_prune', 'on', true);
    DELETE FROM audit_events WHERE at < before;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('bankflow.audit_prune', 'off', true);
    RETURN n;
END
$$;

CREATE TABLE email_cursors (
    mailbox     TEXT PRIMARY KEY,
    uidvalidity BIGINT NOT NULL,
    last_uid    BIGINT NOT NULL DEFAULT 0,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE sender_addresses (
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       VARCHAR(255) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    verified_at TIMESTAMPTZ,
    PRIMARY KEY (user_id, email),
    CONSTRAINT sender_addresses_email_key UNIQUE (email)
);
