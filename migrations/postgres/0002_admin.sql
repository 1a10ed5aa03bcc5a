-- Admin and LGPD: one-time password reset links, and the one update the
-- append-only audit log accepts: pseudonymising an erased user's trace.

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

CREATE INDEX password_resets_user_idx ON password_resets (user_id);

-- UPDATE is refused unless bankflow_pseudonymize_audit set its
-- transaction-local flag, and even then id, time and action never change.
-- DELETE only from bankflow_prune_audit (retention), as before.
CREATE OR REPLACE FUNCTION bankflow_audit_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('bankflow.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND current_setting('bankflow.audit_pseudonymize', true) = 'on'
        AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;

-- bankflow_pseudonymize_audit replaces subject (a user id) by pseudonym in
-- actor and target, removes the address email and the subject from details
-- and clears the IP of the subject's events. It returns the rows changed.
CREATE FUNCTION bankflow_pseudonymize_audit(subject TEXT, pseudonym TEXT, email TEXT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE n BIGINT;
BEGIN
    PERFORM set_config('bankflow.audit_pseudonymize', 'on', true);
    UPDATE audit_events SET
        actor_id  = CASE WHEN actor_id = subject THEN pseudonym ELSE actor_id END,
        target_id = CASE WHEN target_id = subject THEN pseudonym ELSE target_id END,
        ip        = CASE WHEN actor_id = subject OR target_id = subject THEN '' ELSE ip END,
        detail    = replace(CASE WHEN email = '' THEN detail ELSE replace(detail, email, '') END, subject, pseudonym)
    WHERE actor_id = subject OR target_id = subject OR strpos(detail, subject) > 0
        OR (email <> '' AND strpos(detail, email) > 0);
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('bankflow.audit_pseudonymize', 'off', true);
    RETURN n;
END
$$;
