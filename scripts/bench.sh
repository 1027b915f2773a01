#!/usr/bin/env bash
# `npm run bench`: hostile input (bench/fuzz-bench.ts: parser fuzz, FUZZ_COUNT mutants, must end
# with 0 internal errors; bench/hostile-bench.ts: compression bombs through inspect, peak RSS each;
# bench/hostile-intake-bench.ts: the bombs, HOSTILE_MUTANTS mutated mails and good ones through the
# real intake, every delivered mail accounted for), then intake throughput, latency with IDLE and peak memory (bench/intake-bench.ts),
# then signature verification throughput (bench/signature-bench.ts), then the web app's register
# paging and upload memory (bench/web-bench.ts, no mail server), against a mail server
# instance of their own (port offset 400, 100 MiB message limit for the 50 MB mail); then the scale
# part (bench/scale-bench.ts: SCALE_MAILBOXES mailboxes, default 300, on one more instance with
# raised Dovecot limits, port offset 450).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
EDOC_BRIDGE_LOG_LEVEL=silent node --import tsx bench/fuzz-bench.ts
EDOC_BRIDGE_LOG_LEVEL=silent node --import tsx bench/hostile-bench.ts
export MAILSRV_DIR="${EDOC_BENCH_MAILSRV_DIR:-/tmp/edoc-bench-mailsrv}"
export MAILSRV_PORT_OFFSET="${EDOC_BENCH_PORT_OFFSET:-400}"
export MAILSRV_MAX_MSG=$((100 * 1024 * 1024))
bash scripts/mailserver.sh start "$MAILSRV_DIR" >/dev/null
export EDOC_BRIDGE_LOG_LEVEL=silent
node --import tsx bench/hostile-intake-bench.ts
node --import tsx bench/intake-bench.ts
if [ -f bench/signature-bench.ts ]; then node --import tsx bench/signature-bench.ts; fi
node --import tsx bench/web-bench.ts
(
  n="${SCALE_MAILBOXES:-300}"
  export MAILSRV_DIR="${EDOC_SCALE_MAILSRV_DIR:-/tmp/edoc-scale-mailsrv}" MAILSRV_PORT_OFFSET="${EDOC_SCALE_PORT_OFFSET:-450}"
  export MAILSRV_IMAP_SESSIONS=$((n + 100)) MAILSRV_USERS="$(node --import tsx bench/scale-bench.ts users "$n")"
  bash scripts/mailserver.sh start "$MAILSRV_DIR" >/dev/null
  SCALE_MAILBOXES="$n" node --import tsx bench/scale-bench.ts
)
