#!/usr/bin/env bash
# Installs the Debian packages the bots and their tests use, when missing:
# chromium (portal bots, through Playwright's executable_path), dovecot-imapd
# (the IMAP server the mailbox tests start on loopback), tesseract-ocr (reads
# scanned, image-only PDF advices) and postgresql (the store's second backend;
# tests start their own server on loopback as an unprivileged user). Needs root; otherwise it says what to install
# and leaves it to you.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
# the portal bots' browser when installed: half chromium's CPU per page (bots/portals/browser.py)
[ -x /usr/lib/chromium/chromium-headless-shell ] || need+=(chromium-headless-shell)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)  # scripts/abaplint.sh (ABAP check)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: please install ${need[*]} (Debian packages); tests that need them are skipped" >&2
  exit 0
fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
