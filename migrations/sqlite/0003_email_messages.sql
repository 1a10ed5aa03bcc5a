-- Inbound e-mails (see the PostgreSQL migration of the same number).

CREATE TABLE email_messages (
    id          TEXT PRIMARY KEY,
    mailbox     TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid         INTEGER NOT NULL,
    dedup_key   TEXT NOT NULL,
    message_id  TEXT NOT NULL DEFAULT '',
    user_id     TEXT REFERENCES users (id) ON DELETE CASCADE,
    status      TEXT NOT NULL DEFAULT 'claimed'
        CHECK (status IN ('claimed', 'submitted', 'replied', 'refused', 'ignored')),
    reply_to    TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    refs        TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    files       TEXT NOT NULL DEFAULT '[]',
    failed      BOOLEAN NOT NULL DEFAULT 0,
    claimed_at  TIMESTAMP NOT NULL,
    replied_at  TIMESTAMP,
    CONSTRAINT email_messages_place_key UNIQUE (mailbox, uidvalidity, uid),
    CONSTRAINT email_messages_dedup_key UNIQUE (dedup_key)
);

CREATE INDEX email_messages_awaiting_idx ON email_messages (claimed_at)
    WHERE status = 'submitted' AND replied_at IS NULL;
CREATE INDEX email_messages_user_idx ON email_messages (user_id);
