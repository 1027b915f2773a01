#!/usr/bin/env bash
# Throw-away Postfix + Dovecot on 127.0.0.1 for tests and demos, without systemd.
# Everything of one instance lives under one directory; nothing is written elsewhere except the
# package installation itself (and one debconf selection).
#
# usage: scripts/mailserver.sh start|stop|status|reset|env [DIR] [--purge]
#   start   install packages if missing, (re)generate config, start Dovecot then Postfix; print env
#   stop    stop both masters of DIR by their pid files; --purge also deletes DIR
#   status  exit 0 if both masters of DIR are running
#   reset   expunge every message of every mailbox of the instance (for tests)
#   env     print DIR/mailserver.env
#
# knobs (environment): MAILSRV_DIR (default /tmp/edoc-mailsrv), MAILSRV_PORT_OFFSET (added to every
# port), MAILSRV_USERS ("addr:password ..."), MAILSRV_MAX_MSG (message_size_limit, default 50 MiB),
# MAILSRV_FSYNC (Dovecot mail_fsync: optimized|never), MAILSRV_IMAP_SESSIONS (Dovecot imap process
# limit, default the stock 100; the scale benchmark raises it), MAILSRV_INSTALL=no (never run apt),
# MAILSRV_TRACE=1 (timestamped set -x).
set -euo pipefail
umask 022

if [[ "${MAILSRV_TRACE:-}" == 1 ]]; then
  PS4='+ $(date +%T.%3N) ${LINENO}: '
  set -x
fi

PROG=${0##*/}
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
warn() { printf '%s: %s\n' "$PROG" "$*" >&2; }

usage() {
  sed -n '5,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# ---------------------------------------------------------------- arguments and settings
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
DIR=${DIR:-${MAILSRV_DIR:-/tmp/edoc-mailsrv}}
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
DIR=$(realpath -m -- "$DIR")
[[ "$DIR" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "DIR '$DIR' may only contain letters, digits, '.', '_', '-' and '/'"
[[ "$DIR" != / && "$(dirname "$DIR")" != / ]] || die "DIR '$DIR' is too close to / (use e.g. /tmp/edoc-mailsrv)"
# Unix socket paths are limited to 107 bytes (sun_path); DIR/run/dovecot/<socket> must fit.
(( ${#DIR} < 60 )) || die "DIR '$DIR' is ${#DIR} characters long; it must be shorter than 60 (unix socket path limit)"

OFF=${MAILSRV_PORT_OFFSET:-0}
[[ "$OFF" =~ ^[0-9]+$ ]] || die "MAILSRV_PORT_OFFSET must be a non-negative integer, got '$OFF'"
SMTP_PORT=$((12525 + OFF))
SUBMISSION_PORT=$((12587 + OFF))
SMTPS_PORT=$((12465 + OFF))
IMAP_PORT=$((14143 + OFF))
IMAPS_PORT=$((14993 + OFF))
(( IMAPS_PORT <= 65535 )) || die "MAILSRV_PORT_OFFSET=$OFF pushes ports above 65535"
HOST=127.0.0.1
MAX_MSG=${MAILSRV_MAX_MSG:-52428800}
[[ "$MAX_MSG" =~ ^[0-9]+$ ]] || die "MAILSRV_MAX_MSG must be a number of bytes, got '$MAX_MSG'"
FSYNC=${MAILSRV_FSYNC:-optimized}
IMAP_SESSIONS=${MAILSRV_IMAP_SESSIONS:-100}
[[ "$IMAP_SESSIONS" =~ ^[0-9]+$ ]] || die "MAILSRV_IMAP_SESSIONS must be a number, got '$IMAP_SESSIONS'"
[[ "$FSYNC" == optimized || "$FSYNC" == never || "$FSYNC" == always ]] || die "MAILSRV_FSYNC must be optimized, never or always"
USERS_SPEC=${MAILSRV_USERS:-"vanthu@soyte.vinhlong.test:vanthu-soyte vanthu@ubnd.vinhlong.test:vanthu-ubnd vanthu@stc.vinhlong.test:vanthu-stc giamdoc@soyte.vinhlong.test:giamdoc-soyte"}

ETC_DC=$DIR/etc/dovecot
ETC_PF=$DIR/etc/postfix
DC_CONF=$ETC_DC/dovecot.conf
RUN_DC=$DIR/run/dovecot
SPOOL_PF=$DIR/spool/postfix
SSL=$DIR/ssl
LOG=$DIR/log
MAIL_ROOT=$DIR/mail
DC_PIDFILE=$RUN_DC/master.pid
PF_PIDFILE=$SPOOL_PF/pid/master.pid
INSTANCE=mailsrv-$(basename "$DIR")

# ---------------------------------------------------------------- process helpers
# proc_state PID: the state letter from /proc/PID/stat, empty if there is no such process.
# kill -0 succeeds on zombies, and a stopped master stays a zombie until PID 1 reaps it.
proc_state() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  printf '%s' "${stat%% *}"
}

# read_pid FILE: the pid in FILE (Postfix pads it with spaces), empty if none.
read_pid() {
  local pid=""
  [[ -r "$1" ]] && pid=$(tr -dc '0-9' <"$1" 2>/dev/null || true)
  printf '%s' "$pid"
}

# master_alive PIDFILE CWD: the master is running (not a zombie) and works in CWD.
# Checking /proc/PID/cwd rules out stale pid files, reused pids and other instances.
master_alive() {
  local pid st
  pid=$(read_pid "$1")
  [[ -n "$pid" ]] || return 1
  st=$(proc_state "$pid")
  [[ -n "$st" && "$st" != Z && "$st" != X ]] || return 1
  [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$2" ]]
}

dovecot_alive() { master_alive "$DC_PIDFILE" "$RUN_DC"; }
postfix_alive() { master_alive "$PF_PIDFILE" "$SPOOL_PF"; }

# stop_master NAME PIDFILE CWD: SIGTERM, wait up to 10 s, then SIGKILL the master's process group.
stop_master() {
  local name=$1 pidfile=$2 cwd=$3 pid st i
  master_alive "$pidfile" "$cwd" || { rm -f "$pidfile"; return 0; }
  pid=$(read_pid "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    st=$(proc_state "$pid")
    [[ -z "$st" || "$st" == Z || "$st" == X ]] && break
    sleep 0.05
  done
  st=$(proc_state "$pid")
  if [[ -n "$st" && "$st" != Z && "$st" != X ]]; then
    warn "$name master (pid $pid) did not stop within 10 s; sending SIGKILL to its process group"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop_instance() {
  # Postfix first: it is Dovecot's client (LMTP, SASL).
  stop_master postfix "$PF_PIDFILE" "$SPOOL_PF"
  stop_master dovecot "$DC_PIDFILE" "$RUN_DC"
}

# port_busy PORT: something accepts connections on 127.0.0.1:PORT.
port_busy() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

log_tail() {
  local f
  for f in "$@"; do
    [[ -s "$f" ]] || continue
    printf -- '--- last lines of %s ---\n' "$f" >&2
    tail -n 15 "$f" >&2
  done
}

# ---------------------------------------------------------------- installation
PACKAGES=(postfix dovecot-imapd dovecot-lmtpd openssl)

packages_missing() {
  local f
  for f in /usr/sbin/postfix /usr/sbin/postconf /usr/lib/postfix/sbin/master /usr/sbin/dovecot \
           /usr/bin/doveadm /usr/bin/doveconf /usr/lib/dovecot/imap /usr/lib/dovecot/lmtp /usr/bin/openssl; do
    [[ -x "$f" ]] || return 0
  done
  getent passwd postfix >/dev/null && getent passwd dovecot >/dev/null && getent passwd dovenull >/dev/null || return 0
  return 1
}

CREATED_POLICY=no
remove_policy() { [[ "$CREATED_POLICY" == yes ]] && rm -f /usr/sbin/policy-rc.d; CREATED_POLICY=no; }

install_packages() {
  packages_missing || return 0
  [[ "${MAILSRV_INSTALL:-yes}" != no ]] || die "Postfix/Dovecot are not installed and MAILSRV_INSTALL=no; install: apt-get install --no-install-recommends ${PACKAGES[*]}"
  command -v apt-get >/dev/null || die "Postfix/Dovecot are missing and apt-get is not available (Debian/Ubuntu needed)"
  warn "installing ${PACKAGES[*]} (first run only, about 10-15 s)"
  # "No configuration": no /etc/postfix/main.cf, so no system Postfix exists to be started or confused with ours.
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  # policy-rc.d exit 101: dovecot's postinst must not start a system Dovecot on 143/993.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    CREATED_POLICY=yes
    trap remove_policy EXIT
  fi
  local apt=(apt-get -q -o DPkg::Lock::Timeout=300)
  local logf=$LOG/install.log
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >"$logf" 2>&1; then
    log_tail "$logf"; die "apt-get update failed (see $logf); is a Debian mirror reachable?"
  fi
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${PACKAGES[@]}" >>"$logf" 2>&1; then
    log_tail "$logf"; die "apt-get install ${PACKAGES[*]} failed (see $logf)"
  fi
  remove_policy
  trap - EXIT
  ! packages_missing || die "packages installed but some binaries are still missing (see $logf)"
}

# ---------------------------------------------------------------- users
USER_ADDRS=()
USER_PASSES=()
DOMAINS=()

parse_users() {
  local entry addr pass dom d seen entries bad='[:"\\[:space:]]'
  read -r -a entries <<<"$USERS_SPEC"
  for entry in "${entries[@]}"; do
    [[ "$entry" == *:* ]] || die "MAILSRV_USERS entry '$entry' is not addr:password"
    addr=${entry%%:*}
    pass=${entry#*:}
    addr=${addr,,}
    [[ "$addr" =~ ^[a-z0-9._+-]+@[a-z0-9.-]+\.[a-z0-9-]+$ ]] || die "MAILSRV_USERS: '$addr' is not a plain ASCII address local@domain"
    [[ -n "$pass" && ! "$pass" =~ $bad ]] || die "MAILSRV_USERS: the password of $addr must be non-empty without ':', '\"', '\\' or whitespace"
    for d in "${USER_ADDRS[@]}"; do [[ "$d" != "$addr" ]] || die "MAILSRV_USERS: $addr is listed twice"; done
    USER_ADDRS+=("$addr")
    USER_PASSES+=("$pass")
    dom=${addr#*@}
    seen=no
    for d in "${DOMAINS[@]}"; do [[ "$d" != "$dom" ]] || seen=yes; done
    [[ $seen == yes ]] || DOMAINS+=("$dom")
  done
  (( ${#USER_ADDRS[@]} > 0 )) || die "MAILSRV_USERS is empty"
}

# ---------------------------------------------------------------- TLS
gen_certs() {
  [[ -s $SSL/ca.crt && -s $SSL/server.key && -s $SSL/server-chain.crt ]] && return 1
  mkdir -p "$SSL"
  chmod 755 "$SSL"
  local tmp
  tmp=$(mktemp -d "$SSL/.gen.XXXXXX")
  (
    cd "$tmp"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout ca.key -out ca.crt \
      -subj '/O=edoc-bridge test/CN=edoc-bridge test CA' \
      -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'
    openssl req -new -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr \
      -subj '/O=edoc-bridge test/CN=localhost'
    printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
      'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:mail.vinhlong.test' >server.ext
    openssl x509 -req -sha256 -days 3650 -in server.csr -CA ca.crt -CAkey ca.key \
      -set_serial "0x$(openssl rand -hex 12)" -extfile server.ext -out server.crt
    cat server.crt ca.crt >server-chain.crt
  ) >"$LOG/openssl.log" 2>&1 || { log_tail "$LOG/openssl.log"; rm -rf "$tmp"; die "certificate generation with openssl failed"; }
  chmod 600 "$tmp/ca.key" "$tmp/server.key"
  mv -f "$tmp/ca.key" "$tmp/ca.crt" "$tmp/server.key" "$tmp/server.crt" "$tmp/server-chain.crt" "$SSL/"
  rm -rf "$tmp"
  return 0
}

# ---------------------------------------------------------------- configuration
gen_dovecot_conf() {
  local postmaster="postmaster@${DOMAINS[0]}"
  cat <<EOF
# Generated by scripts/mailserver.sh; do not edit (overwritten on every start).
# Standalone: does NOT include /etc/dovecot, so distribution defaults cannot leak in.
instance_name = $INSTANCE
base_dir = $RUN_DC
state_dir = $DIR/lib/dovecot
log_path = $LOG/dovecot.log
log_timestamp = "%Y-%m-%d %H:%M:%S "
protocols = imap lmtp
listen = $HOST
shutdown_clients = yes

ssl = yes
ssl_cert = <$SSL/server-chain.crt
ssl_key = <$SSL/server.key
ssl_dh = </usr/share/dovecot/dh.pem
ssl_min_protocol = TLSv1.2

# Clear-text LOGIN allowed on the plain port (loopback test server).
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Lu
# The default 2 s per failed login slows down negative tests.
auth_failure_delay = 0

# Mail is stored as the system user mail (uid 8): Dovecot refuses uid 0, and the default
# first_valid_uid = 500 would refuse uid 8.
first_valid_uid = 8
mail_location = maildir:~/Maildir
mail_fsync = $FSYNC
# Polling fallback for IDLE when inotify is unavailable (default 30 s).
mailbox_idle_check_interval = 1 secs

# passwd-file as passdb AND userdb: doveadm -A needs a userdb that can list users.
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu $ETC_DC/users
}
userdb {
  driver = passwd-file
  args = username_format=%Lu $ETC_DC/users
  default_fields = uid=mail gid=mail home=$MAIL_ROOT/%Ld/%Ln
}

service imap-login {
  # With TLS each login process stays on as the session's proxy: as many as imap sessions.
  process_limit = $IMAP_SESSIONS
  inet_listener imap {
    address = $HOST
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = $HOST
    port = $IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
service auth {
  unix_listener postfix-auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}

# One imap process per session: the stock limit is 100 (MAILSRV_IMAP_SESSIONS raises it).
service imap {
  process_limit = $IMAP_SESSIONS
}
default_client_limit = $(( IMAP_SESSIONS * 2 + 100 > 1000 ? IMAP_SESSIONS * 2 + 100 : 1000 ))

protocol imap {
  # The default 10 per user and IP is hit quickly by parallel test workers.
  mail_max_userip_connections = 200
}
protocol lmtp {
  postmaster_address = $postmaster
}
EOF
}

gen_dovecot_users() {
  local i
  for i in "${!USER_ADDRS[@]}"; do
    printf '%s:{PLAIN}%s::::::\n' "${USER_ADDRS[$i]}" "${USER_PASSES[$i]}"
  done
}

gen_vmailbox() {
  local a
  for a in "${USER_ADDRS[@]}"; do printf '%s OK\n' "$a"; done
}

gen_main_cf() {
  cat <<EOF
# Generated by scripts/mailserver.sh; do not edit (overwritten on every start).
compatibility_level = 3.6
queue_directory = $SPOOL_PF
data_directory = $DIR/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.vinhlong.test
mydomain = vinhlong.test
myorigin = \$myhostname
# Empty: the domains are virtual mailbox domains only (a domain in both breaks delivery).
mydestination =
inet_interfaces = $HOST
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
smtpd_peername_lookup = no
smtpd_banner = \$myhostname ESMTP edoc-bridge test server
smtputf8_enable = no

# Delivery: every valid recipient is a Dovecot mailbox via LMTP; nothing leaves the box.
virtual_mailbox_domains = ${DOMAINS[*]}
virtual_mailbox_maps = texthash:$ETC_PF/vmailbox
virtual_alias_maps =
virtual_transport = lmtp:unix:$RUN_DC/lmtp
local_transport = error:5.1.1 local delivery is disabled on this test server
default_transport = error:5.1.1 outbound mail is disabled on this test server
relay_transport = error:5.1.1 outbound mail is disabled on this test server
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination

# SASL via Dovecot (enabled per service in master.cf); AUTH only after TLS.
smtpd_sasl_type = dovecot
smtpd_sasl_path = $RUN_DC/postfix-auth
smtpd_sasl_auth_enable = no
smtpd_tls_cert_file = $SSL/server-chain.crt
smtpd_tls_key_file = $SSL/server.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_loglevel = 1
smtp_tls_security_level = none

# Sizes: base64 inflates attachments by about 1.37x; the default 10 MB is too small.
message_size_limit = $MAX_MSG
mailbox_size_limit = 0
virtual_mailbox_limit = 0

# Logging to a file via postlogd; the prefix list must contain the directory, or postfix
# start/check exit 1 and print nothing.
maillog_file = $LOG/postfix.log
maillog_file_prefixes = /var, /dev/stdout, $LOG

# Test-friendly timings.
in_flow_delay = 0
minimal_backoff_time = 5s
maximal_backoff_time = 60s
queue_run_delay = 5s
EOF
}

gen_master_cf() {
  cat <<EOF
# Generated by scripts/mailserver.sh; do not edit. Nothing is chrooted (no configure-instance.sh here).
# service          type  private unpriv chroot wakeup maxproc command + args
$HOST:$SMTP_PORT  inet  n       -      n      -      -       smtpd
$HOST:$SUBMISSION_PORT  inet  n       -      n      -      -       smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
$HOST:$SMTPS_PORT  inet  n       -      n      -      -       smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
pickup     unix  n       -      n      60     1       pickup
cleanup    unix  n       -      n      -      0       cleanup
qmgr       unix  n       -      n      300    1       qmgr
tlsmgr     unix  -       -      n      1000?  1       tlsmgr
rewrite    unix  -       -      n      -      -       trivial-rewrite
bounce     unix  -       -      n      -      0       bounce
defer      unix  -       -      n      -      0       bounce
trace      unix  -       -      n      -      0       bounce
verify     unix  -       -      n      -      1       verify
flush      unix  n       -      n      1000?  0       flush
proxymap   unix  -       -      n      -      -       proxymap
proxywrite unix  -       -      n      -      1       proxymap
smtp       unix  -       -      n      -      -       smtp
relay      unix  -       -      n      -      -       smtp
showq      unix  n       -      n      -      -       showq
error      unix  -       -      n      -      -       error
retry      unix  -       -      n      -      -       error
discard    unix  -       -      n      -      -       discard
lmtp       unix  -       -      n      -      -       lmtp
anvil      unix  -       -      n      -      1       anvil
scache     unix  -       -      n      -      1       scache
postlog    unix-dgram n  -      n      -      1       postlogd
EOF
}

CHANGED=no
# install_file SRC DEST MODE [OWNER]: replace DEST by SRC if different; back-date it.
# Postfix re-reads files whose mtime is the current second in 300 ms steps until the
# mtime is in the past, so fresh files would make every start about 2.4 s slower.
install_file() {
  local src=$1 dest=$2 mode=$3 owner=${4:-root:root}
  if [[ -f "$dest" ]] && cmp -s "$src" "$dest"; then
    rm -f "$src"
  else
    mv -f "$src" "$dest"
    CHANGED=yes
  fi
  chmod "$mode" "$dest"
  chown "$owner" "$dest"
  [[ "$(stat -c %Y "$dest")" -lt "$(date +%s)" ]] || touch -d '-2 seconds' "$dest"
}

write_config() {
  mkdir -p "$ETC_DC" "$ETC_PF" "$DIR/lib/dovecot" "$DIR/lib/postfix" "$SPOOL_PF" "$LOG" "$DIR/run"
  chmod 755 "$DIR" "$DIR/etc" "$ETC_DC" "$ETC_PF" "$DIR/lib" "$DIR/run" "$DIR/spool" "$SPOOL_PF" "$LOG"
  chown root:root "$SPOOL_PF"
  chown postfix:postfix "$DIR/lib/postfix"
  mkdir -p "$MAIL_ROOT"
  chown mail:mail "$MAIL_ROOT"
  chmod 770 "$MAIL_ROOT"
  local t=$DIR/etc/.new
  rm -rf "$t"; mkdir -p "$t"
  gen_dovecot_conf >"$t/dovecot.conf"
  gen_dovecot_users >"$t/users"
  gen_main_cf >"$t/main.cf"
  gen_master_cf >"$t/master.cf"
  gen_vmailbox >"$t/vmailbox"
  install_file "$t/dovecot.conf" "$DC_CONF" 644
  # Read by the Dovecot auth process, which runs as the dovecot user.
  install_file "$t/users" "$ETC_DC/users" 640 root:dovecot
  install_file "$t/main.cf" "$ETC_PF/main.cf" 644
  install_file "$t/master.cf" "$ETC_PF/master.cf" 644
  install_file "$t/vmailbox" "$ETC_PF/vmailbox" 644
  rm -rf "$t"
}

check_traversable() {
  local u
  for u in postfix mail dovecot; do
    runuser -u "$u" -- test -x "$DIR/etc" -a -r "$ETC_PF/main.cf" 2>/dev/null ||
      die "user '$u' cannot reach $DIR (a parent directory is not traversable, e.g. /root is 0700); use a DIR under /tmp"
  done
  runuser -u mail -- test -w "$MAIL_ROOT" 2>/dev/null || die "user 'mail' cannot write $MAIL_ROOT"
}

# ---------------------------------------------------------------- env output
write_env() {
  local users_json="" i sep=""
  for i in "${!USER_ADDRS[@]}"; do
    users_json+="$sep    {\"address\": \"${USER_ADDRS[$i]}\", \"password\": \"${USER_PASSES[$i]}\"}"
    sep=$',\n'
  done
  local spec=""
  for i in "${!USER_ADDRS[@]}"; do spec+="${spec:+ }${USER_ADDRS[$i]}:${USER_PASSES[$i]}"; done
  cat >"$DIR/.mailserver.env.new" <<EOF
MAILSRV_DIR=$DIR
SMTP_HOST=$HOST
SMTP_PORT=$SMTP_PORT
SUBMISSION_PORT=$SUBMISSION_PORT
SMTPS_PORT=$SMTPS_PORT
IMAP_HOST=$HOST
IMAP_PORT=$IMAP_PORT
IMAPS_PORT=$IMAPS_PORT
TLS_CA_FILE=$SSL/ca.crt
MAIL_ROOT=$MAIL_ROOT
DOVECOT_CONF=$DC_CONF
POSTFIX_CONF_DIR=$ETC_PF
MAILSRV_USERS="$spec"
EOF
  cat >"$DIR/.mailserver.json.new" <<EOF
{
  "MAILSRV_DIR": "$DIR",
  "SMTP_HOST": "$HOST",
  "SMTP_PORT": $SMTP_PORT,
  "SUBMISSION_PORT": $SUBMISSION_PORT,
  "SMTPS_PORT": $SMTPS_PORT,
  "IMAP_HOST": "$HOST",
  "IMAP_PORT": $IMAP_PORT,
  "IMAPS_PORT": $IMAPS_PORT,
  "TLS_CA_FILE": "$SSL/ca.crt",
  "MAIL_ROOT": "$MAIL_ROOT",
  "DOVECOT_CONF": "$DC_CONF",
  "POSTFIX_CONF_DIR": "$ETC_PF",
  "users": [
$users_json
  ]
}
EOF
  chmod 644 "$DIR/.mailserver.env.new" "$DIR/.mailserver.json.new"
  mv -f "$DIR/.mailserver.env.new" "$DIR/mailserver.env"
  mv -f "$DIR/.mailserver.json.new" "$DIR/mailserver.json"
}

# ---------------------------------------------------------------- start
start_dovecot() {
  local out=$LOG/dovecot-start.log i
  if ! doveconf -c "$DC_CONF" -n >/dev/null 2>"$LOG/doveconf.log"; then
    cat "$LOG/doveconf.log" >&2
    die "Dovecot rejects $DC_CONF (see above)"
  fi
  rm -f "$DC_PIDFILE"
  # Dovecot keeps fd 2 open for ever: never let it inherit the caller's stdout/stderr pipes.
  if ! dovecot -c "$DC_CONF" </dev/null >>"$out" 2>&1; then
    log_tail "$out" "$LOG/dovecot.log"
    die "dovecot failed to start (logs: $out, $LOG/dovecot.log)"
  fi
  for ((i = 0; i < 100; i++)); do
    if dovecot_alive && [[ -S "$RUN_DC/lmtp" && -S "$RUN_DC/postfix-auth" ]]; then
      # No auth penalty: after a failed login, Dovecot's auth process otherwise delays every later
      # authentication from the same IP (127.0.0.1: all tests, and Postfix SASL too) by 2..15 s
      # (src/auth/auth-penalty.h). The auth process disables the penalty silently when this anvil
      # socket does not exist (ANVIL_CLIENT_FLAG_HIDE_ENOENT); a mode-0 listener instead makes it
      # retry the connection for 5 s. The auth process starts on first use, i.e. after this.
      rm -f "$RUN_DC/anvil-auth-penalty"
      return 0
    fi
    sleep 0.05
  done
  log_tail "$out" "$LOG/dovecot.log"
  die "dovecot did not come up within 5 s (logs: $out, $LOG/dovecot.log)"
}

start_postfix() {
  local out=$LOG/postfix-start.log
  rm -f "$PF_PIDFILE"
  # postfix start runs check-fatal (post-install create-missing makes the queue subdirectories),
  # then master -w, which returns once the daemonized master has initialized.
  if ! postfix -c "$ETC_PF" start </dev/null >>"$out" 2>&1 || ! postfix_alive; then
    log_tail "$out" "$LOG/postfix.log"
    die "postfix failed to start (logs: $out, $LOG/postfix.log; try: postfix -c $ETC_PF check)"
  fi
}

check_ports_free() {
  local p
  for p in "$SMTP_PORT" "$SUBMISSION_PORT" "$SMTPS_PORT" "$IMAP_PORT" "$IMAPS_PORT"; do
    ! port_busy "$p" || die "port $HOST:$p is already in use by another process (another instance? set MAILSRV_PORT_OFFSET=100 or stop it)"
  done
}

cmd_start() {
  [[ $EUID -eq 0 ]] || die "start must run as root (it installs packages and starts daemons that setuid)"
  parse_users
  mkdir -p "$LOG"
  install_packages
  write_config
  if gen_certs; then CHANGED=yes; fi
  check_traversable
  write_env
  if [[ $CHANGED == no ]] && dovecot_alive && postfix_alive; then
    cat "$DIR/mailserver.env"
    return 0
  fi
  if dovecot_alive || postfix_alive; then
    warn "restarting the instance in $DIR (configuration changed or one daemon was down)"
    stop_instance
  fi
  check_ports_free
  start_dovecot
  start_postfix
  cat "$DIR/mailserver.env"
}

cmd_stop() {
  stop_instance
  if [[ $PURGE == yes && -d "$DIR" ]]; then
    [[ -f "$DIR/mailserver.env" || -f "$DC_CONF" || -d "$SPOOL_PF" ]] ||
      die "refusing to purge $DIR: it does not look like a mail server directory"
    rm -rf -- "$DIR"
  fi
}

cmd_status() {
  local dc=stopped pf=stopped
  dovecot_alive && dc="running (pid $(read_pid "$DC_PIDFILE"))"
  postfix_alive && pf="running (pid $(read_pid "$PF_PIDFILE"))"
  printf 'dir:     %s\ndovecot: %s\npostfix: %s\n' "$DIR" "$dc" "$pf"
  [[ $dc != stopped && $pf != stopped ]]
}

cmd_reset() {
  [[ -f "$DC_CONF" ]] || die "no instance in $DIR (run: bash scripts/mailserver.sh start $DIR)"
  dovecot_alive || die "dovecot of $DIR is not running (run: bash scripts/mailserver.sh start $DIR)"
  # UIDVALIDITY stays the same and UIDNEXT keeps growing; only purge + start gives a new UIDVALIDITY.
  doveadm -c "$DC_CONF" expunge -A mailbox '*' all
}

case "$CMD" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  env) [[ -f "$DIR/mailserver.env" ]] || die "no $DIR/mailserver.env (run start first)"; cat "$DIR/mailserver.env" ;;
  -h|--help|help) usage ;;
  *) die "unknown command '$CMD' (start|stop|status|reset|env)" ;;
esac
