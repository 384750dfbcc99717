#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL server: initialised in a temp folder, listening on a loopback port
# only, removed afterwards. The command sees TEST_DATABASE_URL. Used by .ci/run and `npm run test:pg`.
# Installs Debian's postgresql package when no server binaries are found (needs root, as on CI machines).
set -euo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PGBIN="$(find_bin || true)"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres: installing PostgreSQL (Debian package postgresql)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  PGBIN="$(find_bin)"
fi

# initdb refuses to run as root; run the server as the unprivileged postgres user then.
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  RUN_AS=(runuser -u postgres --)
fi

PGDATA_ROOT="$(mktemp -d /tmp/tp-pg.XXXXXX)"
chmod 755 "$PGDATA_ROOT"
[ "$(id -u)" = 0 ] && chown postgres "$PGDATA_ROOT"
PGPORT="${PGPORT:-$(( 54000 + RANDOM % 1000 ))}"

cleanup() {
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA_ROOT/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA_ROOT"
}
trap cleanup EXIT

"${RUN_AS[@]}" "$PGBIN/initdb" -D "$PGDATA_ROOT/data" -U touchpoint --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA_ROOT/data" -l "$PGDATA_ROOT/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA_ROOT -c fsync=off -c max_connections=300" start >/dev/null
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT"

export TEST_DATABASE_URL="postgres://touchpoint@127.0.0.1:$PGPORT/postgres"
"$@"
