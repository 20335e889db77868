#!/usr/bin/env bash
# One line for a fresh clone: install everything, generate the demo stack, run the whole pipeline on it,
# then open the app on it (Electron where its binary exists, otherwise the browser host, URL printed).
#   bash scripts/demo.sh              # install + pipeline + app
#   bash scripts/demo.sh --headless   # install + pipeline, print where the outputs are
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # Electron's postinstall downloads its binary; where that is impossible (offline), install without it.
  if ! npm ci --no-audit --no-fund; then
    echo "demo: Electron's binary could not be downloaded (offline?): installing without it;" \
      "the app will open in the browser host instead." >&2
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
fi
exec node scripts/demo.mjs "$@"
