#!/usr/bin/env bash
# The main job end to end on the embedded default (SQLite + file store): a local Postfix +
# Dovecot with two agencies' official mailboxes, a document mailed from one to the other, the
# gateway run once, the register entry and the receipt that came back; then the web app's
# address and logins (`npm run demo -- --serve` keeps the service and the web app running).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
[ -f dist/src/cli/main.js ] || npx tsc -p tsconfig.build.json

# A mail server instance of its own, so the demo never touches the test instance's mailboxes.
export MAILSRV_DIR="${EDOC_DEMO_MAILSRV_DIR:-/tmp/edoc-demo-mailsrv}"
export MAILSRV_PORT_OFFSET="${EDOC_DEMO_PORT_OFFSET:-300}"
bash scripts/mailserver.sh start "$MAILSRV_DIR" >/dev/null
bash scripts/mailserver.sh reset "$MAILSRV_DIR" >/dev/null

node --import tsx scripts/demo.ts "$@"
