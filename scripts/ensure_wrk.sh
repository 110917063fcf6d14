#!/usr/bin/env bash
# The benchmarks' load generator: Debian's wrk (bench/loadgen.py falls back to Python threads
# without it, which saturate sooner). Installed when missing and we can (root with apt-get).
# Never fails the build; prints one line saying what happened.
if command -v wrk >/dev/null 2>&1; then
  echo "ensure_wrk: $(command -v wrk) is present."
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } \
    >/tmp/ensure_wrk.log 2>&1 && command -v wrk >/dev/null 2>&1; then
    echo "ensure_wrk: installed Debian's wrk."
  else
    echo "ensure_wrk: could not install wrk (see /tmp/ensure_wrk.log); the bench uses Python threads."
  fi
else
  echo "ensure_wrk: no wrk and cannot apt-get install it; the bench uses Python threads."
fi
exit 0
