#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download
# cannot run here). Install it when missing and we are allowed to; otherwise
# the browser tests skip and say why.
set -u
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  (apt-get install -y -qq chromium >/dev/null 2>&1 ||
   { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; }) ||
    echo "warning: could not install chromium; browser tests will be skipped"
else
  echo "note: /usr/bin/chromium is missing; browser tests will be skipped (apt-get install chromium)"
fi
exit 0
