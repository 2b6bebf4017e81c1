#!/usr/bin/env bash
# Installs what a run needs and is missing, on a fresh Debian machine with Node 20: the npm packages, and Debian's
# Chromium with CJK fonts (Playwright's own browser download cannot work offline). Idempotent and quick when done.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/@playwright/test ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "preflight setup: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

have_chromium() {
  [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ] && return 0
  command -v chromium >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromium ]
}
have_cjk_fonts() { fc-list :lang=zh 2>/dev/null | grep -q .; }

missing=()
have_chromium || missing+=(chromium)
have_cjk_fonts || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "preflight setup: installing ${missing[*]} from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "preflight setup: missing ${missing[*]}; install them (apt-get install ${missing[*]}) or set CHROMIUM_PATH" >&2
    have_chromium || exit 1
  fi
fi
