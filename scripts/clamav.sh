#!/usr/bin/env bash
# Throw-away ClamAV daemon (clamd) for tests, without systemd: its own config, its own directory,
# a unix socket under that directory, and a tiny signature database made here (the official
# databases cannot be downloaded on the test machines): one custom test signature and one that
# matches the EICAR test string. Nothing is written outside DIR except the package installation.
#
# usage: scripts/clamav.sh start|stop|status|env [DIR]
#   start   install clamav-daemon if missing (apt-get update first), write config + database, start clamd; print env
#   stop    stop the clamd of DIR by its pid file
#   status  exit 0 if the clamd of DIR is running and answers PING
#   env     print CLAMAV_SOCKET=DIR/run/clamd.sock
#
# knobs (environment): CLAMAV_DIR (default /tmp/edoc-clamav), CLAMAV_INSTALL=no (never run apt),
#   CLAMAV_STREAM_MAX (clamd's StreamMaxLength and MaxFileSize, default 128M: above our largest file,
#   see docs/hostile-input.md §Scanning; tests set it small to see clamd's size-limit answer).
set -euo pipefail
umask 022

PROG=${0##*/}
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
warn() { printf '%s: %s\n' "$PROG" "$*" >&2; }

CMD=${1:-}
[[ -n "$CMD" ]] || { sed -n '7,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
DIR=${2:-${CLAMAV_DIR:-/tmp/edoc-clamav}}
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
DIR=$(realpath -m -- "$DIR")
[[ "$DIR" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "DIR '$DIR' may only contain letters, digits, '.', '_', '-' and '/'"
[[ "$DIR" != / && "$(dirname "$DIR")" != / ]] || die "DIR '$DIR' is too close to /"
(( ${#DIR} < 80 )) || die "DIR '$DIR' is too long for a unix socket path"

CONF=$DIR/clamd.conf
DB=$DIR/db
RUN=$DIR/run
LOG=$DIR/log
SOCK=$RUN/clamd.sock
PIDFILE=$RUN/clamd.pid
CLAMD=/usr/sbin/clamd
STREAM_MAX=${CLAMAV_STREAM_MAX:-128M}
[[ "$STREAM_MAX" =~ ^[0-9]+[KM]?$ ]] || die "CLAMAV_STREAM_MAX '$STREAM_MAX' must be a number with an optional K or M"

# The test signatures (ClamAV "ndb" body signatures: Name:TargetType:Offset:HexSignature).
CUSTOM_TEXT='EDOC-BRIDGE-CLAMAV-TEST-SIGNATURE-7F3A'
# The EICAR anti-virus test file (eicar.org), split so this script itself is no test file.
EICAR_TEXT='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTI'"VIRUS-TEST-FILE!\$H+H*"

hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }

pid_alive() {
  local pid
  [[ -r "$PIDFILE" ]] || return 1
  pid=$(tr -dc '0-9' <"$PIDFILE")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == clamd ]]
}

# ping: clamd answers "PONG" on its socket (node is there: this is a Node project).
ping() {
  [[ -S "$SOCK" ]] || return 1
  node -e '
    const s = require("net").connect(process.argv[1]);
    let out = ""; const t = setTimeout(() => process.exit(1), 2000);
    s.on("data", d => { out += d; }); s.on("error", () => process.exit(1));
    s.on("end", () => { clearTimeout(t); process.exit(out.startsWith("PONG") ? 0 : 1); });
    s.write("zPING\0");' "$SOCK" 2>/dev/null
}

install_packages() {
  [[ -x "$CLAMD" ]] && return 0
  [[ "${CLAMAV_INSTALL:-yes}" != no ]] || die "clamd is not installed and CLAMAV_INSTALL=no; install: apt-get install --no-install-recommends clamav-daemon"
  command -v apt-get >/dev/null || die "clamd is missing and apt-get is not available (Debian/Ubuntu needed)"
  mkdir -p "$LOG"
  warn "installing clamav-daemon (first run only)"
  # policy-rc.d exit 101: the package must not start a system clamd or freshclam (no network for it).
  local created=no
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created=yes
  fi
  local apt=(apt-get -q -o DPkg::Lock::Timeout=300) ok=yes
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >"$LOG/install.log" 2>&1 || ok=no
  [[ $ok == yes ]] && { DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends clamav-daemon >>"$LOG/install.log" 2>&1 || ok=no; }
  [[ $created == yes ]] && rm -f /usr/sbin/policy-rc.d
  [[ $ok == yes && -x "$CLAMD" ]] || { tail -n 20 "$LOG/install.log" >&2; die "apt-get install clamav-daemon failed (see $LOG/install.log)"; }
}

write_files() {
  mkdir -p "$DB" "$RUN" "$LOG" "$DIR/tmp"
  {
    printf 'Edoc.Test.CustomSignature:0:*:%s\n' "$(hex "$CUSTOM_TEXT")"
    printf 'Edoc.Test.EICAR:0:*:%s\n' "$(hex "$EICAR_TEXT")"
  } >"$DB/edoc-test.ndb"
  cat >"$CONF" <<CONF
# Written by scripts/clamav.sh: a test clamd of its own, not the system's.
LocalSocket $SOCK
LocalSocketMode 600
PidFile $PIDFILE
DatabaseDirectory $DB
TemporaryDirectory $DIR/tmp
LogFile $LOG/clamd.log
LogTime yes
Foreground no
# Our largest file is 64 MiB (a ZIP entry; a mail is at most 60 MiB): 128M leaves room. MaxFileSize
# equal to it, since a file over MaxFileSize would be answered OK unscanned; MaxScanSize counts the
# unpacked content of archives and PDFs too.
StreamMaxLength $STREAM_MAX
MaxFileSize $STREAM_MAX
MaxScanSize 512M
MaxThreads 4
SelfCheck 3600
CONF
}

start() {
  install_packages
  if pid_alive && ping; then echo "CLAMAV_SOCKET=$SOCK"; return 0; fi
  pid_alive && stop_clamd
  write_files
  rm -f "$SOCK"
  "$CLAMD" --config-file="$CONF" >>"$LOG/start.log" 2>&1 || { tail -n 20 "$LOG/start.log" "$LOG/clamd.log" >&2 2>/dev/null; die "clamd did not start (see $LOG)"; }
  local i
  for ((i = 0; i < 300; i++)); do
    ping && { echo "CLAMAV_SOCKET=$SOCK"; return 0; }
    sleep 0.1
  done
  tail -n 20 "$LOG/clamd.log" >&2 2>/dev/null || true
  die "clamd started but does not answer on $SOCK"
}

stop_clamd() {
  local pid i
  pid_alive || { rm -f "$PIDFILE" "$SOCK"; return 0; }
  pid=$(tr -dc '0-9' <"$PIDFILE")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE" "$SOCK"
}

case "$CMD" in
  start) start ;;
  stop) stop_clamd ;;
  status) pid_alive && ping ;;
  env) echo "CLAMAV_SOCKET=$SOCK" ;;
  *) die "unknown command: $CMD (start|stop|status|env)" ;;
esac
