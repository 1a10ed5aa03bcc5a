#!/usr/bin/env bash
# Runs every Fuzz* target of the module for a short time (default 10s each).
# New crashers are written to the package's testdata/fuzz and fail the run.
set -euo pipefail
t=${1:-10s}
cd "$(dirname "$0")/.."
status=0
while IFS= read -r file; do
  dir=$(dirname "$file")
  for fn in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$file" | awk '{print $2}'); do
    echo "fuzz: ./$dir $fn ($t)"
    # The outer timeout guards against a fuzzer stuck minimising on a busy machine.
    timeout 300 go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$t" "./$dir" || status=1
  done
done < <(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' || true)
exit $status
