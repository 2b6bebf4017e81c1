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

# Debian's headless-only Chromium starts in less than half the time of the full browser and makes a run about a
# second faster (harness/detection/chromium.ts prefers it for headless runs). Optional: older releases lack it.
have_headless_shell() { [ -n "${CHROMIUM_PATH:-}" ] || [ -x /usr/lib/chromium/chromium-headless-shell ]; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

missing=()
have_chromium || missing+=(chromium)
have_cjk_fonts || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  if can_apt; then
    echo "preflight setup: installing ${missing[*]} from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "preflight setup: missing ${missing[*]}; install them (apt-get install ${missing[*]}) or set CHROMIUM_PATH" >&2
    have_chromium || exit 1
  fi
fi
# Only when the package index already knows it (no apt-get update on every run); a failure costs nothing but speed.
if ! have_headless_shell && can_apt && apt-cache show chromium-headless-shell >/dev/null 2>&1; then
  echo "preflight setup: installing chromium-headless-shell from Debian's packages (faster headless runs)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium-headless-shell >&2 \
    || echo "preflight setup: chromium-headless-shell could not be installed; runs use the full Chromium" >&2
fi
