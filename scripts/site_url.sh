# Sourced by run.sh: SITE_URL, the address links in e-mails point at, from HOST and PORT
# unless it is set (in the environment or in .env). A wildcard address is not one a
# browser can open: the loopback stands in for it.
if [ -z "${SITE_URL:-}" ] && ! grep -qE '^[[:space:]]*SITE_URL=' .env 2>/dev/null; then
  _site_host=${HOST:-127.0.0.1}
  case "$_site_host" in
    0.0.0.0 | "::" | "[::]") _site_host=127.0.0.1 ;;
    \[*) ;;
    *:*) _site_host="[${_site_host}]" ;; # an IPv6 address in a URL is bracketed
  esac
  SITE_URL="http://${_site_host}:${PORT:-8000}"
  export SITE_URL
  unset _site_host
fi
