#!/usr/bin/env bash
# Every test: typecheck, unit tests, then the integration tests against a real Postfix + Dovecot
# on loopback (installed and started by scripts/mailserver.sh; stopped again if we started it).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== typecheck"
npx tsc -p tsconfig.json --noEmit

export MAILSRV_DIR="${MAILSRV_DIR:-/tmp/edoc-mailsrv}"
started=no
if ! bash scripts/mailserver.sh status "$MAILSRV_DIR" >/dev/null 2>&1; then
  bash scripts/mailserver.sh start "$MAILSRV_DIR" >/dev/null
  started=yes
fi
cleanup() { if [ "$started" = yes ]; then bash scripts/mailserver.sh stop "$MAILSRV_DIR" >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT

log=$(mktemp)
status=0
echo "== unit tests"
npx ava 2>&1 | tee -a "$log" || status=1
echo "== integration tests (real Postfix + Dovecot in $MAILSRV_DIR)"
npx ava --config ava.integration.config.js 2>&1 | tee -a "$log" || status=1

# One closing line for CI: "N passed, N failed, N skipped, N todo". A skipped or todo test is a
# failure here: a test that did not run proves nothing (e.g. the mail server was missing).
count() { { grep -Eo "([0-9]+) tests? $1" "$log" || true; } | awk '{s+=$1} END {print s+0}'; }
passed=$(count passed)
failed=$(count failed)
skipped=$(count skipped)
todo=$(count todo)
rm -f "$log"
echo "${passed} passed, ${failed} failed, ${skipped} skipped, ${todo} todo"
if [ "$skipped" -gt 0 ] || [ "$todo" -gt 0 ]; then
  echo "error: ${skipped} skipped and ${todo} todo test(s): every test must run" >&2
  status=1
fi
exit $status
