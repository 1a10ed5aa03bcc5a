#!/usr/bin/env bash
# govulncheck without network access to vuln.go.dev: builds the vulnerability
# database from the golang.org/x/vulndb module (served by the Go module proxy)
# into a cache directory once, then scans the module against it.
set -euo pipefail
cd "$(dirname "$0")/.."
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018
GOVULNCHECK_VERSION=v1.9.0
cache=${BANKFLOW_VULNDB_DIR:-$(go env GOCACHE)/bankflow-vulndb-$VULNDB_VERSION}
if [ ! -f "$cache/index/db.json" ]; then
  echo "vuln: building the vulnerability database ($VULNDB_VERSION) into $cache"
  src=$(go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  rm -rf "$cache.tmp"
  (cd "$src" && go run ./cmd/indexdb -vulns "$src/data/osv" -out "$cache.tmp")
  rm -rf "$cache" && mv "$cache.tmp" "$cache"
fi
go run "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION" -db "file://$cache" ./...
