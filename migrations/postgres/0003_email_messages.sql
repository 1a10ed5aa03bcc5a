-- Inbound e-mails: each message of the BankFlow inbox is claimed here before
-- any of its statements is submitted, so it is handled exactly once across
-- restarts and instances; the outcome tells where the message is moved and
-- what the reply says.

CREATE TABLE email_messages (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    mailbox     TEXT NOT NULL,
    uidvalidity BIGINT NOT NULL,
    uid         BIGINT NOT NULL,
    dedup_key   TEXT NOT NULL,
    message_id  TEXT NOT NULL DEFAULT '',
    user_id     UUID REFERENCES users (id) ON DELETE CASCADE,
    status      TEXT NOT NULL DEFAULT 'claimed'
        CHECK (status IN ('claimed', 'submitted', 'replied', 'refused', 'ignored')),
    reply_to    TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    refs        TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    files       JSONB NOT NULL DEFAULT '[]',
    failed      BOOLEAN NOT NULL DEFAULT false,
    claimed_at  TIMESTAMPTZ NOT NULL,
    replied_at  TIMESTAMPTZ,
    CONSTRAINT email_messages_place_key UNIQUE (mailbox, uidvalidity, uid),
    CONSTRAINT email_messages_dedup_key UNIQUE (dedup_key)
);

CREATE INDEX email_messages_awaiting_idx ON email_messages (claimed_at)
    WHERE status = 'submitted' AND replied_at IS NULL;
CREATE INDEX email_messages_user_idx ON email_messages (user_id);
