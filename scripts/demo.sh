#!/usr/bin/env bash
# One line for a fresh clone: install everything, generate the demo stack, run the whole pipeline on it,
# then open the app on it (Electron where its binary exists, otherwise the browser host, URL printed).
#   bash scripts/demo.sh              # install + pipeline + app
#   bash scripts/demo.sh --headless   # install + pipeline, print where the outputs are
# Every problem is one line saying what to do; npm's own output goes to a log file.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "demo: $*" >&2; }
fail() {
  say "$*"
  exit 1
}
headless=0
for a in "$@"; do [ "$a" = --headless ] && headless=1; done

# Node: the version package.json's engines ask for (every pinned dependency accepts it)
need=$(sed -n 's/.*"node": *">=\([0-9.]*\)".*/\1/p' package.json | head -1)
command -v node >/dev/null || fail "Node.js ${need} or newer is needed and node is not on the PATH: install Node.js, then npm run demo"
if ! node -e "const [a,b]=process.versions.node.split('.').map(Number),[x,y]=process.argv[1].split('.').map(Number);process.exit(a>x||(a===x&&b>=y)?0:1)" "$need"; then
  fail "Node.js ${need} or newer is needed, this is $(node -v): install a newer Node.js, then npm run demo"
fi

mkdir -p out/logs
log=out/logs/npm-install.log
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing the dependencies (npm ci; a few minutes the first time; log in ${log})"
  t0=$(date +%s)
  # Electron's binary is fetched as a separate, optional step below: the install itself never downloads it
  if ! ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund >"$log" 2>&1; then
    if grep -qE 'gyp ERR!|npm error path .*better-sqlite3' "$log"; then
      missing=""
      for tool in python3 make g++; do command -v "$tool" >/dev/null || missing="$missing $tool"; done
      if [ -n "$missing" ]; then
        fail "better-sqlite3 has no prebuilt binary for this machine and must be compiled, which needs python3, make and g++ (missing:${missing}): install them (Debian/Ubuntu: apt-get install python3 make g++), then npm run demo"
      fi
      fail "compiling better-sqlite3 failed: see ${log} (it needs python3, make and g++)"
    fi
    if grep -qE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET' "$log"; then
      fail "npm could not reach the package registry (offline?): see ${log}"
    fi
    fail "npm ci failed: $(grep -m1 -E '^npm (error|ERR!)' "$log" | sed 's/^npm \(error\|ERR!\) *//') (full log: ${log})"
  fi
  rm -f out/logs/electron-download-failed
  say "dependencies installed in $(($(date +%s) - t0)) s"
fi

# Electron's binary: optional (the browser host serves the same app without it); tried once per install
if [ "$headless" = 0 ] && [ ! -f out/logs/electron-download-failed ] &&
  ! node -e "const p=require('electron');process.exit(typeof p==='string'&&require('fs').existsSync(p)?0:1)" 2>/dev/null; then
  say "fetching Electron's binary (optional; log in out/logs/electron-download.log)"
  if ! (cd node_modules/electron && timeout 600 node install.js) >out/logs/electron-download.log 2>&1; then
    touch out/logs/electron-download-failed
    if grep -qE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET' out/logs/electron-download.log; then
      say "Electron's binary could not be downloaded (no network access to its host): the app opens in the browser host instead"
    else
      say "Electron's binary could not be installed (see out/logs/electron-download.log): the app opens in the browser host instead"
    fi
  fi
fi
exec node scripts/demo.mjs "$@"
