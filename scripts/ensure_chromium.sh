#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (tests/browser) when it is not there yet.
# Playwright drives this browser; it never downloads one of its own.
set -euo pipefail

chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$chromium" ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
echo "Installing chromium (Debian package) for the browser tests"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium >/dev/null
test -x "$chromium" || { echo "chromium was installed but $chromium is missing" >&2; exit 1; }
