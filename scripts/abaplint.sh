#!/usr/bin/env bash
# Runs abaplint over the ABAP wrappers (bots/sap/abap, an abapGit repository).
# Installs the pinned @abaplint/cli from the npm registry into a local cache
# directory the first time (needs node >= 18 and npm); later runs need no
# network: the SAP standard objects the code uses are stubs in
# bots/sap/abap/stubs, not a clone of a dependency repository.
# Exit status: 0 when abaplint finds no issue, 1 otherwise.
set -euo pipefail
VERSION=2.120.105
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${ARBOTS_ABAPLINT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arbots/abaplint-$VERSION}"
BIN="$CACHE/node_modules/.bin/abaplint"
if [ ! -x "$BIN" ]; then
  command -v npm >/dev/null 2>&1 || { echo "abaplint.sh: npm (node >= 18) is needed" >&2; exit 2; }
  mkdir -p "$CACHE"
  npm install --prefix "$CACHE" --no-save --no-audit --no-fund --silent "@abaplint/cli@$VERSION" >&2
fi
cd "$ROOT/bots/sap/abap"
exec "$BIN" abaplint.json "$@"
