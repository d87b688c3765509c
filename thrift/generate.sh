#!/usr/bin/env bash
# Regenerates the Java sources of the Dyad Thrift IDL into thrift/src/main/gen-java.
#   thrift/generate.sh          regenerate in place (commit the result)
#   thrift/generate.sh --check  regenerate into a temporary directory and fail if it differs from what is committed
# Needs Debian's thrift-compiler 0.17 (apt-get install -y thrift-compiler); the output compiles against libthrift 0.20.0.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
want="0.17.0"
command -v thrift >/dev/null || { echo "generate.sh: the thrift compiler is not installed (apt-get install -y thrift-compiler)" >&2; exit 1; }
have=$(thrift --version | awk '{print $3}')
[ "$have" = "$want" ] || { echo "generate.sh: thrift $want expected, found $have" >&2; exit 1; }

generate() { # $1: output directory
  rm -rf "$1" && mkdir -p "$1"
  for idl in "$here"/idl/*.thrift; do
    thrift --gen java:generated_annotations=suppress -I "$here/idl" -out "$1" "$idl"
  done
}

target="$here/src/main/gen-java"
if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  generate "$tmp/gen-java"
  if ! diff -r "$tmp/gen-java" "$target" >/dev/null; then
    diff -r "$tmp/gen-java" "$target" | head -40 >&2
    echo "generate.sh: the committed Java sources differ from the IDL; run thrift/generate.sh and commit" >&2
    exit 1
  fi
  echo "generate.sh: generated sources match the IDL"
else
  generate "$target"
  echo "generate.sh: wrote $(find "$target" -name '*.java' | wc -l) files to $target"
fi
