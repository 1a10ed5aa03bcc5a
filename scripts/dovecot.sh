#!/usr/bin/env bash
# A throw-away, unprivileged Dovecot IMAP server for the mail integration
# tests (Debian 12, Dovecot 2.3), as in /work/shared/TOOLS.md: a passwd-file
# user acct/secret, Maildir, plaintext LOGIN on a loopback port.
#
#   scripts/dovecot.sh start            install when missing (root + apt-get), configure, start
#   scripts/dovecot.sh stop             stop it
#   scripts/dovecot.sh save [MAILBOX]   deliver the message on stdin (INBOX by default)
#   scripts/dovecot.sh status [MAILBOX] print "uidvalidity=.. uidnext=.. messages=.." of a mailbox
#   scripts/dovecot.sh doveadm ARGS...  any other doveadm command on this instance
#
# DOVECOT_DIR holds config, state, log and mail (default: a new temp dir,
# printed by start; give the same DOVECOT_DIR to the other commands).
# DOVECOT_PORT is the loopback IMAP port (default 10143). DOVECOT_USER is
# the non-root system user the server runs as (default dovetest as root,
# else the calling user).
set -euo pipefail

cmd=${1:-}
shift || true
PORT=${DOVECOT_PORT:-10143}
# As root the server runs as dovetest (created when missing); otherwise as
# the calling user.
if [ "$(id -u)" = 0 ]; then RUNAS=${DOVECOT_USER:-dovetest}; else RUNAS=${DOVECOT_USER:-$(id -un)}; fi
ACCT=acct

die() { echo "dovecot.sh: $*" >&2; exit 1; }

# as runs a command as the unprivileged user (directly when we are it).
as() {
  if [ "$(id -un)" = "$RUNAS" ]; then
    "$@"
  else
    su "$RUNAS" -s /bin/bash -c "$(printf '%q ' "$@")"
  fi
}

install_dovecot() {
  [ -x /usr/sbin/dovecot ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "dovecot.sh: installing dovecot-imapd" >&2
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null \
      || die "apt-get install dovecot-imapd failed"
  else
    die "dovecot is not installed (run scripts/test-deps.sh as root)"
  fi
}

ensure_user() {
  id "$RUNAS" >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "user $RUNAS does not exist (create it as root)"
  useradd -m -s /bin/bash "$RUNAS"
}

need_dir() {
  [ -n "${DOVECOT_DIR:-}" ] || die "set DOVECOT_DIR to the directory given by start"
  D=$DOVECOT_DIR
  [ -f "$D/dovecot.conf" ] || die "no dovecot.conf in $D (run start first)"
}

doveadm_() { as doveadm -c "$D/dovecot.conf" "$@"; }

write_config() {
  mkdir -p "$D"/run "$D"/mail "$D"/state
  echo "$ACCT:{PLAIN}secret" > "$D/users"
  cat > "$D/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $D/run
state_dir = $D/state
instance_name = bankflow-test-$PORT
log_path = $D/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $RUNAS
default_internal_group = $RUNAS
default_login_user = $RUNAS
mail_location = maildir:$D/mail/%u
mail_uid = $RUNAS
mail_gid = $RUNAS
first_valid_uid = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $D/users
}
userdb {
  driver = static
  args = uid=$RUNAS gid=$RUNAS home=$D/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $PORT
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
  user = $RUNAS
}
service anvil {
  chroot =
}
service imap {
  user = $RUNAS
}
service auth {
  user = $RUNAS
}
service auth-worker {
  user = $RUNAS
}
service stats {
  user = $RUNAS
}
namespace inbox {
  inbox = yes
  separator = /
}
protocol imap {
  mail_max_userip_connections = 50
}
CONF
}

case "$cmd" in
start)
  install_dovecot
  ensure_user
  D=${DOVECOT_DIR:-}
  if [ -z "$D" ]; then
    D=$(mktemp -d /tmp/bankflow-dovecot.XXXXXX)
  fi
  mkdir -p "$D"
  D=$(cd "$D" && pwd)
  write_config
  # The server's user must reach the directory: open the path to it.
  chmod 755 "$D"
  chown -R "$RUNAS:$RUNAS" "$D"
  # The master daemonizes: keep it off our stdout/stderr, or a caller
  # reading them to the end (a test) waits for the server to exit.
  if ! as dovecot -c "$D/dovecot.conf" </dev/null >"$D/start.out" 2>&1; then
    cat "$D/start.out" >&2
    die "dovecot did not start"
  fi
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
      echo "$D"
      exit 0
    fi
    sleep 0.1
  done
  cat "$D/dovecot.log" >&2 2>/dev/null || true
  die "dovecot did not listen on 127.0.0.1:$PORT"
  ;;
stop)
  need_dir
  doveadm_ stop 2>/dev/null || true
  ;;
save)
  need_dir
  doveadm_ save -u "$ACCT" -m "${1:-INBOX}"
  ;;
status)
  need_dir
  doveadm_ mailbox status -u "$ACCT" 'uidvalidity uidnext messages' "${1:-INBOX}"
  ;;
doveadm)
  need_dir
  doveadm_ "$@"
  ;;
*)
  sed -n '2,16p' "$0" >&2
  exit 2
  ;;
esac
