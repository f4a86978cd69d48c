#!/usr/bin/env bash
# Installs what the editor tests and `npm start` need to run a real VS Code here:
# Debian's chromium (as root, when missing) and code-server 4.100.3 + playwright-core into
# .e2e/tools (git-ignored, never the extension's own dependencies).
# Exit codes: 0 ready; 3 chromium missing and not installable (callers may skip); other = failure.
# Usage: scripts/e2e-setup.sh [--no-browser]
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.100.3 # the last release that runs on Node 20 (VS Code 1.100.3)
RG_VERSION=1.15.11          # @vscode/ripgrep used by that code-server
TOOLS=.e2e/tools
need_browser=1
[ "${1:-}" = "--no-browser" ] && need_browser=0

log() { echo "e2e-setup: $*" >&2; }

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then return 1; fi
  # Said in plain words before it happens: this changes the system, not only this folder.
  echo "" >&2
  echo "LitLens: running as root, so I will now install these Debian packages with apt-get" >&2
  echo "(apt-get update, then apt-get install): $*" >&2
  echo "Why: ripgrep, build-essential, python3, pkg-config and libkrb5-dev let code-server's installer" >&2
  echo "build VS Code's native modules offline; chromium is the browser the editor tests drive." >&2
  echo "To avoid this, install them yourself first, or run as a normal user (then nothing is installed" >&2
  echo "system-wide, and a missing package is reported instead)." >&2
  echo "" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@") >/dev/null 2>&1
}

# 1. System packages, in one apt run: ripgrep (seeds code-server's rg download), the toolchain
#    node-pty may need, and chromium (the browser).
browser=${CHROMIUM:-/usr/bin/chromium} # CHROMIUM: another chromium binary, as the tests read it too
missing=()
command -v rg >/dev/null || missing+=(ripgrep build-essential python3 pkg-config libkrb5-dev)
[ "$need_browser" = 1 ] && [ ! -x "$browser" ] && missing+=(chromium)
[ ${#missing[@]} -gt 0 ] && { apt_install "${missing[@]}" || true; }
if [ "$need_browser" = 1 ] && [ ! -x "$browser" ]; then
  log "chromium ($browser) is not installed and cannot be installed here (needs root + apt)"
  exit 3
fi

# 2. code-server + playwright-core, once.
if [ -x "$TOOLS/node_modules/.bin/code-server" ] && [ -d "$TOOLS/node_modules/playwright-core" ] \
  && grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$TOOLS/node_modules/code-server/package.json" 2>/dev/null; then
  exit 0
fi
command -v rg >/dev/null || { log "ripgrep (rg) is needed to install code-server offline"; exit 1; }

# @vscode/ripgrep downloads rg from GitHub in its postinstall: hand it Debian's rg instead.
tmp=${TMPDIR:-/tmp}
cache="$tmp/vscode-ripgrep-cache-$RG_VERSION"
mkdir -p "$cache"
for asset in ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz; do
  if [ ! -s "$cache/$asset" ]; then
    stage=$(mktemp -d)
    cp "$(command -v rg)" "$stage/rg"
    tar -C "$stage" -czf "$cache/$asset" ./rg
    rm -rf "$stage"
  fi
done

mkdir -p "$TOOLS"
# allowScripts: npm 11 runs these install scripts anyway, and says so unless they are listed.
echo '{ "name": "litlens-e2e-tools", "private": true, "allowScripts": { "code-server": true, "argon2": true } }' > "$TOOLS/package.json"
install_log=.e2e/tools-install.log
log "installing code-server@$CODE_SERVER_VERSION and playwright-core into $TOOLS: about two minutes on 2 cores, most of it"
log "code-server's own install step building VS Code's native modules (log: $install_log)"
# code-server's postinstall refuses root without unsafe_perm, which only the scripts' shell sets
# (scripts/npm-root-shell.sh); node-pty's runs `npx node-gyp`. The http log level and foreground
# scripts let scripts/install-progress.mjs say what is being fetched and built.
set +e
npm_config_script_shell="$PWD/scripts/npm-root-shell.sh" npm_config_yes=true npm_config_fund=false npm_config_audit=false \
  npm install --prefix "$TOOLS" --no-save --loglevel=http --foreground-scripts "code-server@$CODE_SERVER_VERSION" playwright-core 2>&1 \
  | node scripts/install-progress.mjs "$install_log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" != 0 ] || [ ! -x "$TOOLS/node_modules/.bin/code-server" ]; then
  tail -n 40 "$install_log" >&2
  log "code-server did not install (npm exit $status; the whole log: $install_log)"
  exit 1
fi
log "ready"
