#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (Playwright's own browser download is not available).
# Install it when we can; otherwise say how, and the browser tests will be skipped loudly.
set -u
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
    || echo "Could not install chromium with apt-get."
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "************************************************************************"
  echo "Chromium is missing, so the browser tests will be SKIPPED."
  echo "Install it with:  sudo apt-get install chromium"
  echo "************************************************************************"
fi
exit 0
