#!/usr/bin/env bash
# Throw-away PostgreSQL cluster on 127.0.0.1 for tests and demos, without systemd.
# Everything of one instance lives under one directory (data, socket, log); nothing is written
# elsewhere except the package installation itself.
#
# usage: scripts/postgres.sh start|stop|status|env [DIR] [--purge]
#   start   install postgresql-15 if missing, initdb on first use, pg_ctl start; print env
#   stop    pg_ctl stop (fast); --purge also deletes DIR
#   status  exit 0 if the cluster of DIR accepts connections
#   env     print DIR/postgres.env (EDOC_TEST_PG_URL: the superuser URL tests create databases with)
#
# knobs (environment): PG_DIR (default /tmp/edoc-pg), PG_PORT (default 15432), PG_VERSION (15),
# PG_INSTALL=no (never run apt), PG_TRACE=1 (timestamped set -x).
set -euo pipefail
umask 022

if [[ "${PG_TRACE:-}" == 1 ]]; then
  PS4='+ $(date +%T.%3N) ${LINENO}: '
  set -x
fi

PROG=${0##*/}
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
warn() { printf '%s: %s\n' "$PROG" "$*" >&2; }
usage() {
  sed -n '5,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

CMD=${1:-}
[[ -n "$CMD" ]] || usage
shift
DIR=""
PURGE=no
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=yes ;;
    -h|--help) usage ;;
    -*) die "unknown option: $arg" ;;
    *) [[ -z "$DIR" ]] || die "only one DIR may be given"; DIR=$arg ;;
  esac
done
DIR=${DIR:-${PG_DIR:-/tmp/edoc-pg}}
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
DIR=$(realpath -m -- "$DIR")
[[ "$DIR" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "DIR '$DIR' may only contain letters, digits, '.', '_', '-' and '/'"
[[ "$DIR" != / && "$(dirname "$DIR")" != / ]] || die "DIR '$DIR' is too close to / (use e.g. /tmp/edoc-pg)"
# The socket DIR/run/.s.PGSQL.<port> must fit in sun_path (107 bytes).
(( ${#DIR} < 80 )) || die "DIR '$DIR' is ${#DIR} characters long; it must be shorter than 80 (unix socket path limit)"

# The port: PG_PORT, else the one this DIR's cluster was started with, else 15432.
saved_port() { [[ -f "$DIR/postgres.env" ]] && sed -n 's/^PG_PORT=\([0-9]*\)$/\1/p' "$DIR/postgres.env" | head -n 1 || true; }
PORT=${PG_PORT:-$(saved_port)}
PORT=${PORT:-15432}
[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT > 0 && PORT < 65536 )) || die "PG_PORT must be a TCP port, got '$PORT'"
VERSION=${PG_VERSION:-15}
BIN=/usr/lib/postgresql/$VERSION/bin
DATA=$DIR/data
RUN=$DIR/run
LOG=$DIR/log
ENVFILE=$DIR/postgres.env
# The superuser of the throw-away cluster; the password only keeps the URL well-formed (loopback, trust is not used).
PGUSER_NAME=edoc
PGPASS=edoc-test
# initdb and the server refuse to run as root: they run as the 'postgres' system user (the package creates it).
RUNAS=postgres

as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u "$RUNAS" -- "$@"; else "$@"; fi
}

install_packages() {
  [[ -x "$BIN/pg_ctl" && -x "$BIN/initdb" ]] && return 0
  [[ "${PG_INSTALL:-yes}" != no ]] || die "PostgreSQL $VERSION is not installed and PG_INSTALL=no; install: apt-get install --no-install-recommends postgresql-$VERSION"
  command -v apt-get >/dev/null || die "PostgreSQL is missing and apt-get is not available (Debian/Ubuntu needed)"
  [[ $(id -u) == 0 ]] || die "PostgreSQL $VERSION is missing; installing it needs root (apt-get install postgresql-$VERSION)"
  mkdir -p "$LOG"
  warn "installing postgresql-$VERSION (first run only)"
  # policy-rc.d exit 101: the package must not start the system's own cluster.
  local created=no
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created=yes
  fi
  local apt=(apt-get -q -o DPkg::Lock::Timeout=300) ok=yes
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >"$LOG/install.log" 2>&1 || ok=no
  [[ $ok == yes ]] && { DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "postgresql-$VERSION" "postgresql-client-$VERSION" >>"$LOG/install.log" 2>&1 || ok=no; }
  [[ $created == yes ]] && rm -f /usr/sbin/policy-rc.d
  [[ $ok == yes && -x "$BIN/pg_ctl" ]] || { tail -n 20 "$LOG/install.log" >&2; die "apt-get install postgresql-$VERSION failed (see $LOG/install.log)"; }
}

url() { printf 'postgres://%s:%s@127.0.0.1:%s/postgres' "$PGUSER_NAME" "$PGPASS" "$PORT"; }

ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2 2>/dev/null; }

running() { [[ -f "$DATA/postmaster.pid" ]] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

init_cluster() {
  [[ -f "$DATA/PG_VERSION" ]] && return 0
  mkdir -p "$DIR" "$RUN" "$LOG"
  if [[ $(id -u) == 0 ]]; then
    id "$RUNAS" >/dev/null 2>&1 || die "system user '$RUNAS' is missing (the postgresql package creates it)"
    chown "$RUNAS" "$DIR" "$RUN" "$LOG"
  fi
  local pwfile=$DIR/.pw
  printf '%s\n' "$PGPASS" >"$pwfile"
  [[ $(id -u) == 0 ]] && chown "$RUNAS" "$pwfile"
  # scram on TCP: the tests connect like the gateway does, by URL with a password.
  as_pg "$BIN/initdb" -D "$DATA" -U "$PGUSER_NAME" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$LOG/initdb.log" 2>&1 || { tail -n 20 "$LOG/initdb.log" >&2; die "initdb failed (see $LOG/initdb.log)"; }
  rm -f "$pwfile"
  # A test cluster: small, loopback only, no fsync (a crash loses the throw-away data, nothing else).
  cat >>"$DATA/postgresql.conf" <<CONF
# Written by scripts/postgres.sh: a throw-away test cluster.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUN'
max_connections = 200
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
CONF
}

start() {
  install_packages
  init_cluster
  if running && ready; then
    warn "already running on 127.0.0.1:$PORT"
  else
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG/postgres.log" -w -t 60 start >/dev/null || { tail -n 20 "$LOG/postgres.log" >&2; die "pg_ctl start failed (see $LOG/postgres.log)"; }
  fi
  ready || die "PostgreSQL started but does not accept connections on 127.0.0.1:$PORT (see $LOG/postgres.log)"
  printf 'EDOC_TEST_PG_URL=%s\nPG_DIR=%s\nPG_PORT=%s\n' "$(url)" "$DIR" "$PORT" >"$ENVFILE"
  cat "$ENVFILE"
}

stop() {
  if [[ -f "$DATA/postmaster.pid" ]]; then
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null 2>&1 || warn "pg_ctl stop failed (see $LOG/postgres.log)"
  fi
  if [[ $PURGE == yes ]]; then rm -rf -- "$DIR"; fi
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  status) if running && ready; then exit 0; else exit 1; fi ;;
  env) [[ -f "$ENVFILE" ]] || die "$ENVFILE is missing: run '$PROG start' first"; cat "$ENVFILE" ;;
  *) usage ;;
esac
