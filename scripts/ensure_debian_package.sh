#!/usr/bin/env bash
# A tool from Debian's packages that tests or benchmarks use but can do without:
#   scripts/ensure_debian_package.sh PACKAGE COMMAND WITHOUT
# installs PACKAGE when COMMAND is missing and we can (root with apt-get), never fails the
# build, and prints one line saying what happened (WITHOUT: what happens if it is missing).
# Used for Chromium (`make test`'s browser tests) and wrk (`make bench`'s load).
package=$1 command=$2 without=$3
log=/tmp/ensure_$package.log
if command -v "$command" >/dev/null 2>&1; then
  echo "ensure $package: $(command -v "$command") is present."
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package"; } \
    >"$log" 2>&1 && command -v "$command" >/dev/null 2>&1; then
    echo "ensure $package: installed Debian's $package."
  else
    echo "ensure $package: could not install it (see $log); $without."
  fi
else
  echo "ensure $package: missing, and cannot apt-get install it (not root or no apt-get); $without."
fi
exit 0
