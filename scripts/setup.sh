#!/usr/bin/env bash
# System packages the tests and the demo need besides Node: a Unicode font to draw Vietnamese
# into PDFs (fonts-dejavu-core), poppler's pdfsig as a second signature oracle, openssl, and
# Debian's Chromium for the web app's browser tests (playwright-core drives it; no browser download).
# Postfix and Dovecot are installed by scripts/mailserver.sh, PostgreSQL by scripts/postgres.sh.
# Runs apt only when something is missing.
set -euo pipefail

need=()
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v pdfsig >/dev/null 2>&1 || need+=(poppler-utils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing packages ${need[*]}; run as root or install them: apt-get install ${need[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
