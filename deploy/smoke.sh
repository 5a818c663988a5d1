#!/usr/bin/env bash
# Check a running Anju over HTTPS, as a county's IT staff would after installing it.
#
#   deploy/smoke.sh https://anju.example.gov.cn
#   SMOKE_USER=admin SMOKE_PASSWORD=… deploy/smoke.sh https://localhost:8443 --cacert /etc/ssl/anju/fullchain.pem \
#       --http http://localhost:8080
#
# Checks: the certificate (against --cacert, or the system's CAs), HTTP → HTTPS redirect,
# HSTS, /healthz (database and Redis), security headers, compression, static files cached
# for a year, the service worker, and — with SMOKE_USER/SMOKE_PASSWORD — signing in, a
# page with personal data sent no-store, the background jobs page, signing out.
set -uo pipefail

BASE=${1:?usage: smoke.sh https://host[:port] [--cacert FILE] [--http http://host[:port]]}
shift
CACERT=()
HTTP_BASE=
while [ $# -gt 0 ]; do
  case "$1" in
    --cacert) CACERT=(--cacert "$2"); shift 2 ;;
    --http) HTTP_BASE=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
JAR=$(mktemp)
trap 'rm -f "$JAR" "$JAR".*' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "  ok    $*"; }
bad() { failed=$((failed + 1)); echo "  FAIL  $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
get() { curl -sS --max-time 20 "${CACERT[@]}" -b "$JAR" -c "$JAR" "$@"; }
header() { grep -i "^$1:" | head -1 | cut -d' ' -f2- | tr -d '\r'; }

echo "smoke test of $BASE"
get -o /dev/null "$BASE/healthz"
check "TLS: the certificate is accepted${CACERT:+ (against ${CACERT[1]})}" test $? -eq 0

if [ -n "$HTTP_BASE" ]; then
  location=$(get -o /dev/null -D - "$HTTP_BASE/auth/login" | header Location)
  check "plain HTTP redirects to HTTPS ($location)" bash -c '[[ "$0" == https://* ]]' "$location"
fi

health=$(get -D "$JAR.h" "$BASE/healthz")
check "/healthz answers 200" grep -q "^HTTP/[0-9.]* 200" "$JAR.h"
check "/healthz: database ok" bash -c 'grep -q "\"database\": *\"ok\"" <<<"$0"' "$health"
check "/healthz: redis ok" bash -c 'grep -q "\"redis\": *\"ok\"" <<<"$0"' "$health"
check "HSTS on HTTPS responses" grep -qi "^strict-transport-security: max-age=[1-9]" "$JAR.h"

login=$(get -D "$JAR.h" -H "Accept-Encoding: br, gzip" --compressed "$BASE/auth/login")
check "login page answers 200" grep -q "^HTTP/[0-9.]* 200" "$JAR.h"
check "pages are compressed (brotli)" grep -qi "^content-encoding: br" "$JAR.h"
check "Content-Security-Policy sent" grep -qi "^content-security-policy: default-src 'self'" "$JAR.h"
check "Referrer-Policy: no-referrer" grep -qi "^referrer-policy: no-referrer" "$JAR.h"
css=$(grep -o '/static/css/app\.[0-9a-f]\{12\}\.css' <<<"$login" | head -1)
check "static files have content-hashed names ($css)" test -n "$css"
get -o /dev/null -D "$JAR.h" -H "Accept-Encoding: br" "$BASE$css"
check "static files: Cache-Control public, max-age=31536000, immutable" \
  grep -qi "^cache-control: public, max-age=31536000, immutable" "$JAR.h"
check "static files sent precompressed (brotli)" grep -qi "^content-encoding: br" "$JAR.h"
get -o /dev/null -D "$JAR.h" "$BASE/sw.js"
check "service worker served from the root" grep -qi "^service-worker-allowed: /" "$JAR.h"

if [ -n "${SMOKE_USER:-}" ]; then
  token=$(grep -o 'name="csrf_token"[^>]*value="[^"]*"' <<<"$login" | sed 's/.*value="\([^"]*\)"/\1/' | head -1)
  get -o /dev/null -D "$JAR.h" --data-urlencode "csrf_token=$token" --data-urlencode "username=$SMOKE_USER" \
    --data-urlencode "password=$SMOKE_PASSWORD" "$BASE/auth/login"
  check "signing in as $SMOKE_USER" grep -q "^HTTP/[0-9.]* 302" "$JAR.h"
  check "the session cookie is HttpOnly" grep -qi "^set-cookie: session=.*HttpOnly" "$JAR.h"
  get -o /dev/null -D "$JAR.h" "$BASE/jobs/"
  check "a signed-in page answers 200" grep -q "^HTTP/[0-9.]* 200" "$JAR.h"
  check "pages with personal data: Cache-Control no-store" grep -qi "^cache-control: no-store" "$JAR.h"
  page=$(get "$BASE/jobs/")
  token=$(grep -o '"X-CSRFToken": "[^"]*"' <<<"$page" | sed 's/.*: "\(.*\)"/\1/')
  get -o /dev/null -D "$JAR.h" --data-urlencode "csrf_token=$token" "$BASE/auth/logout"
  check "signing out" grep -q "^HTTP/[0-9.]* 302" "$JAR.h"
fi

echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
