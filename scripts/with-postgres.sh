#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster: initdb in a temporary
# directory, a free port on 127.0.0.1, a `receipts` database, and
# BISCOITO_TEST_POSTGRES set to its URL. The cluster is stopped and removed
# when the command ends, however it ends.
#
# initdb and pg_ctl refuse to run as root, so as root they run as the
# `postgres` user the Debian package creates (.ci/setup.sh installs it).
#
# Usage: scripts/with-postgres.sh COMMAND [ARG...]
set -euo pipefail

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ ! -x "$bin/initdb" ]; then
  echo "with-postgres: no PostgreSQL server here; run .ci/setup.sh postgres" >&2
  exit 2
fi

dir="$(mktemp -d /tmp/biscoito-pg.XXXXXX)"
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U biscoito -A trust -E UTF8 --no-instructions >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 2; }
# The socket goes in the cluster's own directory: /run/postgresql may not be ours.
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null ||
  { cat "$dir/server.log" >&2; exit 2; }
"${as_owner[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U biscoito receipts

export BISCOITO_TEST_POSTGRES="postgres://biscoito@127.0.0.1:$port/receipts"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $BISCOITO_TEST_POSTGRES" >&2
"$@"
