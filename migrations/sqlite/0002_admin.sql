-- Admin and LGPD: one-time password reset links, and the one update the
-- append-only audit log accepts: pseudonymising an erased user's trace.

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);

CREATE INDEX password_resets_user_idx ON password_resets (user_id);

-- SQLite has no session settings: the guard accepts only an update that
-- removes identity (id, time and action unchanged; actor and target kept or
-- replaced by an "anon-" pseudonym; IP kept or cleared; and at least one of
-- them pseudonymised or the detail shortened). Anything else is refused.
DROP TRIGGER audit_events_no_update;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NOT (
    new.id = old.id AND new.at = old.at AND new.action = old.action
    AND (new.actor_id = old.actor_id OR new.actor_id LIKE 'anon-%')
    AND (new.target_id = old.target_id OR new.target_id LIKE 'anon-%')
    AND (new.ip = old.ip OR new.ip = '')
    AND (new.actor_id <> old.actor_id OR new.target_id <> old.target_id OR length(new.detail) < length(old.detail))
)
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

-- Deletion is retention's only: events younger than 30 days never go.
CREATE TRIGGER audit_events_no_recent_delete BEFORE DELETE ON audit_events
WHEN old.at > strftime('%Y-%m-%d %H:%M:%S', 'now', '-30 days')
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
