#!/usr/bin/env bash
# Runs every Fuzz* target of the module for a short time (default 10s each).
# A real finding writes its input to the package's testdata/fuzz and fails
# the run. A bare "context deadline exceeded" with no input written is Go's
# own fuzz-coordinator race at the -fuzztime boundary (go.dev/issue/75804,
# fixed in Go 1.27): that target is run once more, and only counted as a
# flake if it happens again.
set -uo pipefail
t=${1:-10s}
cd "$(dirname "$0")/.."
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run() { # dir fn
  # The outer timeout guards against a fuzzer stuck minimising on a busy machine.
  timeout 300 go test -run '^$' -fuzz "^${2}\$" -fuzztime "$t" "./$1" >"$log" 2>&1
  local rc=$?
  grep -v '^fuzz: elapsed' "$log"
  return $rc
}

boundary_flake() {
  grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log" && ! grep -q 'panic:' "$log"
}

while IFS= read -r file; do
  dir=$(dirname "$file")
  for fn in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$file" | awk '{print $2}'); do
    echo "fuzz: ./$dir $fn ($t)"
    run "$dir" "$fn" && continue
    if boundary_flake; then
      echo "fuzz: $fn hit the -fuzztime boundary race (no input written); running it again"
      run "$dir" "$fn" && continue
      if boundary_flake; then
        echo "fuzz: $fn: boundary race again, no failing input: counted as a flake, not a finding"
        continue
      fi
    fi
    status=1
  done
done < <(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' || true)
exit $status
