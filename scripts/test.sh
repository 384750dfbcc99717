#!/usr/bin/env bash
# `npm test`: the whole suite on SQLite, then again on a throw-away PostgreSQL server.
# Set TOUCHPOINT_TEST_POSTGRES=0 to run the SQLite pass only; with TEST_DATABASE_URL set, only that database is used.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
[ -f dist/main.js ] && [ -f web/dist/index.html ] || npm run build --silent

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "== test suite on PostgreSQL =="
  exec npx vitest run "$@"
fi

echo "== test suite on SQLite =="
npx vitest run "$@"
if [ "${TOUCHPOINT_TEST_POSTGRES:-1}" != 0 ]; then
  echo "== test suite on PostgreSQL =="
  bash scripts/with-postgres.sh npx vitest run "$@"
fi
