#!/usr/bin/env bash
# A second, different IMAP server for tests: GNU Mailutils imap4d (Debian package mailutils-imap4d,
# installs beside Dovecot), on 127.0.0.1 without systemd. It differs from our Dovecot where servers
# differ in the field: no MOVE, no UIDPLUS (a plain EXPUNGE removes every \Deleted mail), "/" as the
# hierarchy separator (Dovecot's maildir uses "."), no keywords, "BAD" for a folder that exists.
# Mail is put in with APPEND by the tests (no SMTP here). Everything lives under one directory.
#
# usage: scripts/imap4d.sh start|stop|status|env [DIR]
#   start   install mailutils-imap4d if missing (apt-get update first), write config, users, TLS
#           certificate, start imap4d; print env
#   stop    stop the imap4d of DIR by its pid file
#   status  exit 0 if the imap4d of DIR is running
#   env     print DIR/imap4d.env
#
# knobs (environment): IMAP4D_DIR (default $MAILSRV_DIR-imap4d, else /tmp/edoc-imap4d),
# MAILSRV_PORT_OFFSET (added to both ports), MAILSRV_USERS ("addr:password ..."; the same default
# users as scripts/mailserver.sh), IMAP4D_INSTALL=no (never run apt).
set -euo pipefail
umask 022

PROG=${0##*/}
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
warn() { printf '%s: %s\n' "$PROG" "$*" >&2; }

CMD=${1:-}
[[ -n "$CMD" ]] || { sed -n '8,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
DEFAULT_DIR=/tmp/edoc-imap4d
[[ -n "${MAILSRV_DIR:-}" ]] && DEFAULT_DIR="${MAILSRV_DIR}-imap4d"
DIR=${2:-${IMAP4D_DIR:-$DEFAULT_DIR}}
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
DIR=$(realpath -m -- "$DIR")
[[ "$DIR" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "DIR '$DIR' may only contain letters, digits, '.', '_', '-' and '/'"
[[ "$DIR" != / && "$(dirname "$DIR")" != / ]] || die "DIR '$DIR' is too close to /"

OFF=${MAILSRV_PORT_OFFSET:-0}
[[ "$OFF" =~ ^[0-9]+$ ]] || die "MAILSRV_PORT_OFFSET must be a non-negative integer, got '$OFF'"
# Ports chosen apart from scripts/mailserver.sh's (…25, …43, …65, …87, …93) for offsets in steps of 100.
PORT=$((14150 + OFF))
TLS_PORT=$((14151 + OFF))
HOST=127.0.0.1
USERS_SPEC=${MAILSRV_USERS:-"vanthu@soyte.vinhlong.test:vanthu-soyte vanthu@ubnd.vinhlong.test:vanthu-ubnd vanthu@stc.vinhlong.test:vanthu-stc giamdoc@soyte.vinhlong.test:giamdoc-soyte"}

CONF=$DIR/imap4d.conf
VIRT=$DIR/virt
MAIL_ROOT=$DIR/mail
SSL=$DIR/ssl
LOG=$DIR/log
PIDFILE=$DIR/run/imap4d.pid
IMAP4D=/usr/sbin/imap4d

alive() {
  local pid
  [[ -r "$PIDFILE" ]] || return 1
  pid=$(tr -dc '0-9' <"$PIDFILE")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == imap4d ]] &&
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$CONF"
}

port_busy() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

install_package() {
  [[ -x $IMAP4D ]] && return 0
  [[ "${IMAP4D_INSTALL:-yes}" != no ]] || die "imap4d is not installed and IMAP4D_INSTALL=no; install: apt-get install --no-install-recommends mailutils-imap4d"
  command -v apt-get >/dev/null || die "imap4d is missing and apt-get is not available (Debian/Ubuntu needed)"
  warn "installing mailutils-imap4d (first run only)"
  local apt=(apt-get -q -o DPkg::Lock::Timeout=300) created=no
  # policy-rc.d exit 101: the package must not start a system imap4d.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created=yes
  fi
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >"$LOG/install.log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends mailutils-imap4d >>"$LOG/install.log" 2>&1 ||
    { [[ $created == yes ]] && rm -f /usr/sbin/policy-rc.d; tail -n 15 "$LOG/install.log" >&2; die "apt-get install mailutils-imap4d failed (see $LOG/install.log)"; }
  [[ $created == yes ]] && rm -f /usr/sbin/policy-rc.d
  [[ -x $IMAP4D ]] || die "mailutils-imap4d installed but $IMAP4D is missing"
}

gen_certs() {
  [[ -s $SSL/ca.crt && -s $SSL/server.key && -s $SSL/server-chain.crt ]] && return 0
  mkdir -p "$SSL"
  (
    cd "$SSL"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout ca.key -out ca.crt \
      -subj '/O=edoc-bridge test/CN=edoc-bridge imap4d test CA' \
      -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'
    openssl req -new -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr -subj '/O=edoc-bridge test/CN=localhost'
    printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
      'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:localhost,IP:127.0.0.1' >server.ext
    openssl x509 -req -sha256 -days 3650 -in server.csr -CA ca.crt -CAkey ca.key \
      -set_serial "0x$(openssl rand -hex 12)" -extfile server.ext -out server.crt
    cat server.crt ca.crt >server-chain.crt
    chmod 600 ca.key server.key
  ) >"$LOG/openssl.log" 2>&1 || { tail -n 15 "$LOG/openssl.log" >&2; die "certificate generation failed"; }
}

# Users: virtdomain passwd files, one per domain (DIR/virt/<domain>: local:crypt:uid:gid::home:shell).
write_users() {
  local entry addr pass local_part domain home entries
  rm -rf "$VIRT"
  mkdir -p "$VIRT" "$MAIL_ROOT"
  read -r -a entries <<<"$USERS_SPEC"
  for entry in "${entries[@]}"; do
    [[ "$entry" == *:* ]] || die "MAILSRV_USERS entry '$entry' is not addr:password"
    addr=${entry%%:*}
    addr=${addr,,}
    pass=${entry#*:}
    [[ "$addr" =~ ^[a-z0-9._+-]+@[a-z0-9.-]+$ ]] || die "MAILSRV_USERS: '$addr' is not a plain address"
    local_part=${addr%%@*}
    domain=${addr#*@}
    home=$MAIL_ROOT/$domain/$local_part
    mkdir -p "$home"
    printf '%s:%s:8:8::%s:/bin/false\n' "$local_part" "$(openssl passwd -6 "$pass")" "$home" >>"$VIRT/$domain"
  done
  chown -R mail:mail "$MAIL_ROOT"
  chmod 644 "$VIRT"/*
}

write_config() {
  cat >"$CONF" <<EOF
# Generated by scripts/imap4d.sh; do not edit (overwritten on every start).
logging { syslog false; }
mode daemon;
pidfile $PIDFILE;
timeout 600;
auth { authentication generic:virtdomain; authorization virtdomain; }
virtdomain { passwd-dir $VIRT; }
mailbox { mailbox-type maildir; }
namespace personal { prefix "" { directory "\$home"; delimiter "/"; mailbox-type maildir; }; };
tls { ssl-certificate-file $SSL/server-chain.crt; ssl-key-file $SSL/server.key; }
tls-file-checks { key-file none; cert-file none; ca-file none; }
# Plain IMAP (LOGIN in clear, STARTTLS offered) and implicit TLS.
server $HOST:$PORT { tls-mode ondemand; }
server $HOST:$TLS_PORT { tls-mode connection; }
EOF
}

write_env() {
  local users_json="" sep="" entry addr entries
  read -r -a entries <<<"$USERS_SPEC"
  for entry in "${entries[@]}"; do
    addr=${entry%%:*}
    users_json+="$sep    {\"address\": \"${addr,,}\", \"password\": \"${entry#*:}\"}"
    sep=$',\n'
  done
  printf 'IMAP4D_DIR=%s\nIMAP4D_HOST=%s\nIMAP4D_PORT=%s\nIMAP4D_TLS_PORT=%s\nIMAP4D_CA_FILE=%s\nIMAP4D_MAIL_ROOT=%s\n' \
    "$DIR" "$HOST" "$PORT" "$TLS_PORT" "$SSL/ca.crt" "$MAIL_ROOT" >"$DIR/imap4d.env"
  cat >"$DIR/imap4d.json" <<EOF
{
  "IMAP4D_DIR": "$DIR",
  "IMAP4D_HOST": "$HOST",
  "IMAP4D_PORT": $PORT,
  "IMAP4D_TLS_PORT": $TLS_PORT,
  "IMAP4D_CA_FILE": "$SSL/ca.crt",
  "IMAP4D_MAIL_ROOT": "$MAIL_ROOT",
  "users": [
$users_json
  ]
}
EOF
  chmod 644 "$DIR/imap4d.env" "$DIR/imap4d.json"
}

cmd_start() {
  [[ $EUID -eq 0 ]] || die "start must run as root (imap4d switches to the mail user after login)"
  mkdir -p "$DIR/run" "$LOG"
  chmod 755 "$DIR"
  install_package
  if alive; then write_env; cat "$DIR/imap4d.env"; return 0; fi
  local p
  for p in "$PORT" "$TLS_PORT"; do
    ! port_busy "$p" || die "port $HOST:$p is already in use (another instance? set MAILSRV_PORT_OFFSET)"
  done
  gen_certs
  write_users
  write_config
  "$IMAP4D" --config-lint --config-file="$CONF" >"$LOG/lint.log" 2>&1 || { cat "$LOG/lint.log" >&2; die "imap4d rejects $CONF"; }
  rm -f "$PIDFILE"
  "$IMAP4D" --config-file="$CONF" </dev/null >>"$LOG/imap4d.log" 2>&1 || { tail -n 15 "$LOG/imap4d.log" >&2; die "imap4d failed to start"; }
  local i
  for ((i = 0; i < 100; i++)); do
    if alive && port_busy "$PORT" && port_busy "$TLS_PORT"; then
      write_env
      cat "$DIR/imap4d.env"
      return 0
    fi
    sleep 0.05
  done
  tail -n 15 "$LOG/imap4d.log" >&2
  die "imap4d did not come up within 5 s (log: $LOG/imap4d.log)"
}

cmd_stop() {
  alive || { rm -f "$PIDFILE"; return 0; }
  local pid i
  pid=$(tr -dc '0-9' <"$PIDFILE")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

case "$CMD" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) if alive; then echo "imap4d: running (pid $(tr -dc '0-9' <"$PIDFILE")) in $DIR"; else echo "imap4d: stopped ($DIR)"; exit 1; fi ;;
  env) [[ -f "$DIR/imap4d.env" ]] || die "no $DIR/imap4d.env (run start first)"; cat "$DIR/imap4d.env" ;;
  *) die "unknown command '$CMD' (start|stop|status|env)" ;;
esac
