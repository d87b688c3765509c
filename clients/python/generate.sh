#!/bin/sh
# Regenerates the Thrift code of the Python client (src/dyad/_gen/) from the IDL in thrift/idl/.
#   clients/python/generate.sh           rewrite src/dyad/_gen/
#   clients/python/generate.sh --check   fail (exit 1) if the committed code differs from what the IDL produces
# Needs the Apache Thrift compiler 0.17 (THRIFT=/path/to/thrift to use another binary).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
idl="$here/../../thrift/idl"
out="$here/src/dyad/_gen"
thrift=${THRIFT:-thrift}
check=no
case "${1:-}" in
  --check) check=yes ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
command -v "$thrift" >/dev/null 2>&1 || { echo "generate.sh: no thrift compiler ($thrift) on PATH" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# -r generates the included files too (common, directory); the package prefix makes the imports resolve
# inside the dyad package: dyad._gen.dyad.dosm, dyad._gen.dyad.common, ...
for f in dosm ddm storage; do
  "$thrift" -r --gen py:package_prefix=dyad._gen. -out "$tmp" -I "$idl" "$idl/$f.thrift"
done
# the generated command-line "-remote" scripts are not part of the library
find "$tmp" -name '*-remote' -exec rm -f {} +
if [ "$check" = yes ]; then
  if diff -r -x __pycache__ "$out" "$tmp" >/dev/null 2>&1; then
    echo "generate.sh: src/dyad/_gen is up to date with thrift/idl"
  else
    echo "generate.sh: src/dyad/_gen differs from what thrift/idl produces; run clients/python/generate.sh" >&2
    diff -r -x __pycache__ "$out" "$tmp" >&2 || true
    exit 1
  fi
else
  rm -rf "$out"
  mkdir -p "$out"
  cp -R "$tmp"/. "$out"/
  echo "generate.sh: wrote $out"
fi
