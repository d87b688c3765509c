#!/bin/sh
# Runs the Python client's tests against a running Dyad cluster (e.g. `dyad local --gateways 2`).
# The cluster comes from the environment, as `dyad local` prints it on its ready line:
#   DYAD_GATEWAYS DYAD_DDM DYAD_SECRET_FILE DYAD_TLS_CA DYAD_TLS_CERT DYAD_TLS_KEY
# plus DYAD_BIN (the dyad launcher) and DYAD_LOCAL_DATA (the running dyad local's --data) for the tests that kill
# and revive a gateway. Creates clients/python/.venv (Debian's python3 with --system-site-packages: python3-thrift,
# python3-crcmod, python3-pytest) if needed and installs the client into it. Extra arguments go to pytest.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
python=${DYAD_PYTHON:-/usr/bin/python3}

missing=""
for v in DYAD_GATEWAYS DYAD_DDM DYAD_BIN DYAD_LOCAL_DATA; do
  eval "val=\${$v:-}"
  [ -n "$val" ] || missing="$missing $v"
done
if [ -n "$missing" ]; then
  echo "run-tests.sh: missing environment:$missing" >&2
  echo "  start a cluster with \`dyad local --gateways 2 --data DIR\`, export what its ready line prints," >&2
  echo "  and DYAD_BIN=/path/to/bin/dyad DYAD_LOCAL_DATA=DIR" >&2
  exit 2
fi

for m in thrift crcmod pytest; do
  if ! "$python" -c "import $m" 2>/dev/null; then
    echo "run-tests.sh: $python cannot import $m: apt-get install python3-thrift python3-crcmod python3-pytest" >&2
    exit 2
  fi
done

venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv --system-site-packages "$venv"
fi
"$venv/bin/pip" install --quiet --no-deps --no-build-isolation --no-index "$here"
rm -rf "$here/build"

cd "$here"
exec "$venv/bin/python" -m pytest "$here/tests" "$@"
