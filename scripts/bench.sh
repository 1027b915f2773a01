#!/usr/bin/env bash
# `npm run bench`: hostile input (bench/fuzz-bench.ts: parser fuzz, FUZZ_COUNT mutants, must end
# with 0 internal errors; bench/hostile-bench.ts: compression bombs through inspect, peak RSS each;
# bench/hostile-intake-bench.ts: the bombs, HOSTILE_MUTANTS mutated mails and good ones through the
# real intake, every delivered mail accounted for), then intake throughput, latency with IDLE and peak memory (bench/intake-bench.ts),
# then signature verification throughput (bench/signature-bench.ts), then the web app's register
# paging and upload memory (bench/web-bench.ts, no mail server), against a mail server
# instance of their own (port offset 400, 100 MiB message limit for the 50 MB mail); then the scale
# part on one more instance (port offset 450, SCALE_MAILBOXES mailboxes, default 300):
#   bench/scale-bench.ts service,once   Dovecot's imap process limit raised for them (as a server
#                                       hosting them would be configured): `start`, then `run --once`
#   bench/scale-workers-bench.ts        one worker against two on PostgreSQL (scripts/postgres.sh,
#                                       a cluster of its own: /tmp/edoc-bench-pg, port 15452), and the
#                                       takeover of a SIGKILLed one (SCALE_WORKER_MAILBOXES, default 100)
#   bench/scale-bench.ts stock          the same instance restarted with stock limits (100 imap
#                                       sessions; Postfix is stock throughout): the default budget
# SCALE_ONLY=1 runs the scale part alone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export EDOC_BRIDGE_LOG_LEVEL=silent
if [ "${SCALE_ONLY:-}" != 1 ]; then
  node --import tsx bench/fuzz-bench.ts
  node --import tsx bench/hostile-bench.ts
  (
    export MAILSRV_DIR="${EDOC_BENCH_MAILSRV_DIR:-/tmp/edoc-bench-mailsrv}"
    export MAILSRV_PORT_OFFSET="${EDOC_BENCH_PORT_OFFSET:-400}"
    export MAILSRV_MAX_MSG=$((100 * 1024 * 1024))
    bash scripts/mailserver.sh start "$MAILSRV_DIR" >/dev/null
    node --import tsx bench/hostile-intake-bench.ts
    node --import tsx bench/intake-bench.ts
    if [ -f bench/signature-bench.ts ]; then node --import tsx bench/signature-bench.ts; fi
    node --import tsx bench/web-bench.ts
  )
fi
(
  n="${SCALE_MAILBOXES:-300}"
  export SCALE_MAILBOXES="$n"
  export MAILSRV_DIR="${EDOC_SCALE_MAILSRV_DIR:-/tmp/edoc-scale-mailsrv}" MAILSRV_PORT_OFFSET="${EDOC_SCALE_PORT_OFFSET:-450}"
  export MAILSRV_USERS="$(node --import tsx bench/scale-bench.ts users "$n")"
  MAILSRV_IMAP_SESSIONS=$((n + 100)) bash scripts/mailserver.sh start "$MAILSRV_DIR" >/dev/null
  SCALE_PARTS=service,once node --import tsx bench/scale-bench.ts
  export PG_DIR="${EDOC_BENCH_PG_DIR:-/tmp/edoc-bench-pg}" PG_PORT="${EDOC_BENCH_PG_PORT:-15452}"
  bash scripts/postgres.sh start >/dev/null
  node --import tsx bench/scale-workers-bench.ts
  # The stock server: Dovecot's default 100 imap sessions (the script's default), the default budget.
  MAILSRV_IMAP_SESSIONS=100 bash scripts/mailserver.sh start "$MAILSRV_DIR" >/dev/null
  SCALE_PARTS=stock node --import tsx bench/scale-bench.ts
)
