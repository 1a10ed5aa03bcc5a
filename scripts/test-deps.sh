#!/usr/bin/env bash
# Installs what browser and mail tests need from Debian's packages (Chromium,
# Dovecot), when missing and when we may (root with apt-get). Safe to re-run.
set -uo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd) # scripts/dovecot.sh runs it unprivileged
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test-deps: installing ${need[*]}"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || echo "test-deps: install failed"
  else
    echo "test-deps: missing ${need[*]} (run as root to install); browser and Dovecot tests will skip"
  fi
fi
exit 0
