#!/usr/bin/env bash
# Every test: typecheck, unit tests, the integration tests against a real Postfix + Dovecot
# on loopback (installed and started by scripts/mailserver.sh; stopped again if we started it), a second
# IMAP server (GNU Mailutils imap4d, scripts/imap4d.sh, same rule)
# and a real clamd (scripts/clamav.sh, same rule), then the browser tests (Chromium from scripts/setup.sh),
# then the PostgreSQL pass: a throw-away cluster (scripts/postgres.sh, same rule) and the repository,
# pipeline and integration suites again with EDOC_TEST_DB=pg (EDOC_TEST_PG=no skips that pass).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== typecheck [${SECONDS} s in]"
npx tsc -p tsconfig.json --noEmit

export MAILSRV_DIR="${MAILSRV_DIR:-/tmp/edoc-mailsrv}"
started=no
if ! bash scripts/mailserver.sh status "$MAILSRV_DIR" >/dev/null 2>&1; then
  bash scripts/mailserver.sh start "$MAILSRV_DIR" >/dev/null
  started=yes
fi
# The test clamd (scripts/clamav.sh: clamav-daemon with a tiny test database), same rule.
export CLAMAV_DIR="${CLAMAV_DIR:-${MAILSRV_DIR}-clamav}"
clam_started=no
if ! bash scripts/clamav.sh status "$CLAMAV_DIR" >/dev/null 2>&1; then
  bash scripts/clamav.sh start "$CLAMAV_DIR" >/dev/null
  clam_started=yes
fi
# The second IMAP server (scripts/imap4d.sh: GNU Mailutils imap4d, no MOVE, no UIDPLUS), same rule.
export IMAP4D_DIR="${IMAP4D_DIR:-${MAILSRV_DIR}-imap4d}"
imap4d_started=no
if ! bash scripts/imap4d.sh status "$IMAP4D_DIR" >/dev/null 2>&1; then
  bash scripts/imap4d.sh start "$IMAP4D_DIR" >/dev/null
  imap4d_started=yes
fi
# The test PostgreSQL (scripts/postgres.sh: postgresql-15 from apt when missing), same rule.
export PG_DIR="${PG_DIR:-/tmp/edoc-pg}"
pg_started=no
if [ "${EDOC_TEST_PG:-yes}" != no ] && ! bash scripts/postgres.sh status "$PG_DIR" >/dev/null 2>&1; then
  bash scripts/postgres.sh start "$PG_DIR" >/dev/null
  pg_started=yes
fi
cleanup() {
  if [ "$started" = yes ]; then bash scripts/mailserver.sh stop "$MAILSRV_DIR" >/dev/null 2>&1 || true; fi
  if [ "$imap4d_started" = yes ]; then bash scripts/imap4d.sh stop "$IMAP4D_DIR" >/dev/null 2>&1 || true; fi
  if [ "$clam_started" = yes ]; then bash scripts/clamav.sh stop "$CLAMAV_DIR" >/dev/null 2>&1 || true; fi
  if [ "$pg_started" = yes ]; then bash scripts/postgres.sh stop "$PG_DIR" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

log=$(mktemp)
status=0
echo "== unit tests [${SECONDS} s in]"
npx ava 2>&1 | tee -a "$log" || status=1
echo "== integration tests (real Postfix + Dovecot in $MAILSRV_DIR) [${SECONDS} s in]"
npx ava --config ava.integration.config.js 2>&1 | tee -a "$log" || status=1
echo "== browser tests (Debian's Chromium; the journey also uses the mail servers) [${SECONDS} s in]"
npx ava --config ava.browser.config.js 2>&1 | tee -a "$log" || status=1
if [ "${EDOC_TEST_PG:-yes}" != no ]; then
  echo "== PostgreSQL pass: repositories and pipelines (cluster in $PG_DIR) [${SECONDS} s in]"
  EDOC_TEST_DB=pg npx ava --config ava.pg.config.js 2>&1 | tee -a "$log" || status=1
  echo "== PostgreSQL pass: integration tests [${SECONDS} s in]"
  EDOC_TEST_DB=pg npx ava --config ava.integration.config.js 2>&1 | tee -a "$log" || status=1
else
  echo "error: EDOC_TEST_PG=no: the PostgreSQL pass did not run" >&2
  status=1
fi

# One closing line for CI: "N passed, N failed, N skipped, N todo". A skipped or todo test is a
# failure here: a test that did not run proves nothing (e.g. the mail server was missing).
count() { { grep -Eo "([0-9]+) tests? $1" "$log" || true; } | awk '{s+=$1} END {print s+0}'; }
passed=$(count passed)
failed=$(count failed)
skipped=$(count skipped)
todo=$(count todo)
rm -f "$log"
echo "== done [${SECONDS} s in all]"
echo "${passed} passed, ${failed} failed, ${skipped} skipped, ${todo} todo"
if [ "$skipped" -gt 0 ] || [ "$todo" -gt 0 ]; then
  echo "error: ${skipped} skipped and ${todo} todo test(s): every test must run" >&2
  status=1
fi
exit $status
