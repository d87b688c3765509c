#!/usr/bin/env bash
# Regenerates gen/ (the Thrift code of the Dyad IDL for Node) from thrift/idl with the Apache Thrift compiler.
#   ./generate.sh          rewrite gen/
#   ./generate.sh --check  fail (exit 1) if the committed gen/ differs from what the IDL produces
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
idl="$here/../../thrift/idl"
THRIFT="${THRIFT:-thrift}"
want="0.17.0"
have="$("$THRIFT" --version | awk '{print $3}')"
if [[ "$have" != "$want" ]]; then
  echo "generate.sh: needs the Thrift compiler $want (found '$have' at $(command -v "$THRIFT" || echo "$THRIFT"))" >&2
  exit 2
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for f in dosm.thrift ddm.thrift storage.thrift; do
  "$THRIFT" -r --gen js:node -out "$out" -I "$idl" "$idl/$f"
done
if [[ "${1:-}" == "--check" ]]; then
  if ! diff -r "$out" "$here/gen" >/dev/null; then
    diff -r "$out" "$here/gen" | head -40 >&2 || true
    echo "generate.sh --check: clients/node/gen differs from what thrift/idl produces; run clients/node/generate.sh" >&2
    exit 1
  fi
  echo "generate.sh --check: gen/ is up to date"
  exit 0
fi
rm -rf "$here/gen"
mkdir -p "$here/gen"
cp -r "$out"/. "$here/gen/"
echo "generated $(ls "$here/gen" | wc -l) files in $here/gen"
