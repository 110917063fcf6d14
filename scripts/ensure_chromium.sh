#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
# Installs it when missing and we can (root with apt-get). Never fails the build: without
# Chromium the browser tests skip and say why. Prints one line saying what happened.
if [ -x /usr/bin/chromium ]; then
  echo "ensure_chromium: /usr/bin/chromium is present."
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
    >/tmp/ensure_chromium.log 2>&1 && [ -x /usr/bin/chromium ]; then
    echo "ensure_chromium: installed Debian's chromium."
  else
    echo "ensure_chromium: could not install chromium (see /tmp/ensure_chromium.log); browser tests will skip."
  fi
else
  echo "ensure_chromium: no /usr/bin/chromium and cannot apt-get install it (not root or no apt-get); browser tests will skip."
fi
exit 0
