#!/usr/bin/env bash
# The Node client's tests against a running Dyad cluster (e.g. dyad local), taken from the environment:
#   DYAD_GATEWAYS DYAD_DDM DYAD_SECRET_FILE DYAD_TLS_CA DYAD_TLS_CERT DYAD_TLS_KEY (the ready line of dyad local)
#   DYAD_BIN (the dyad launcher) and DYAD_LOCAL_DATA (its --data) for the gateway-failover test
# Installs the locked dependencies (npm ci) when node_modules is missing or older than the lockfile.
set -euo pipefail
cd "$(dirname "$0")"
missing=()
for v in DYAD_GATEWAYS DYAD_DDM DYAD_SECRET_FILE DYAD_TLS_CA DYAD_TLS_CERT DYAD_TLS_KEY DYAD_BIN DYAD_LOCAL_DATA; do
  [[ -n "${!v:-}" ]] || missing+=("$v")
done
if (( ${#missing[@]} )); then
  echo "run-tests.sh: no cluster to test against: set ${missing[*]} (start 'dyad local --gateways 2' and export what its ready line prints, plus DYAD_BIN=path/to/bin/dyad and DYAD_LOCAL_DATA=its --data directory)" >&2
  exit 2
fi
if [[ ! -d node_modules ]] || [[ ! -f node_modules/.package-lock.json ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
# one test file at a time: the failover test kills and revives a gateway the others use
exec node --test --test-concurrency=1 --test-timeout=170000 test/*.test.js
