#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, from Debian's packages: PostgreSQL (server binaries for the
# PostgreSQL pass) and Chromium (end-to-end tests of the console). Does nothing for what is already there; without
# root or apt-get it only says what is missing.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "install-test-deps: installing ${missing[*]} (Debian packages)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-test-deps: please install the Debian packages: ${missing[*]} (needs root)" >&2
fi
