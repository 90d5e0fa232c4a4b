#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster: initdb into a temp folder, a free port on
# 127.0.0.1, OWF_TEST_PG_URL exported for the tests, stopped and removed on exit (also on failure).
# Tests run it with fsync=off for speed; OWF_PG_DURABLE=1 (make bench) keeps PostgreSQL's default
# durability (fsync, synchronous_commit and full_page_writes on).
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not found (make test installs them)" >&2; exit 1; }

dir=$(mktemp -d /tmp/owf-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi

stop() {
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_pg[@]}" "$PGBIN/initdb" -D "$dir/data" -A trust -U owf >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
durability="-c fsync=off"
if [ "${OWF_PG_DURABLE:-0}" = 1 ]; then durability=""; fi
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $durability -c max_connections=300" start >/dev/null \
  || { cat "$dir/log" >&2; exit 1; }

export OWF_TEST_PG_URL="postgres://owf@127.0.0.1:$port/postgres"
export OWF_REQUIRE_PG=1
echo "PostgreSQL test cluster on 127.0.0.1:$port${durability:+ ($durability)}"
"$@"
