#!/usr/bin/env bash
# Runs PostgreSQL 15 in the foreground on 127.0.0.1:<port> with its data in <data-dir>, creating the cluster
# on first use (UTF-8, C.UTF-8 locale: pg_trgm indexes CJK text). PostgreSQL refuses to run as root, so as root
# it runs as the 'postgres' user. SIGTERM stops it (smart shutdown).
# usage: postgres.sh <data-dir> <port>
set -euo pipefail
data=$(realpath -m "$1")
port=$2
bin=/usr/lib/postgresql/15/bin

mkdir -p "$data"
as_postgres=()
if [ "$(id -u)" = 0 ]; then
  as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups)
  chown postgres:postgres "$data"
  # The server user must be able to reach its data folder: grant traverse (not read) on ancestors that deny it.
  dir=$(dirname "$data")
  while [ "$dir" != / ]; do
    if ! "${as_postgres[@]}" test -x "$dir"; then chmod o+x "$dir"; fi
    dir=$(dirname "$dir")
  done
fi
chmod 700 "$data"

if [ ! -s "$data/PG_VERSION" ]; then
  "${as_postgres[@]}" "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >/dev/null
fi
rm -f "$data/postmaster.pid.stale"

exec "${as_postgres[@]}" "$bin/postgres" -D "$data" \
  -c listen_addresses=127.0.0.1 -c port="$port" -c unix_socket_directories="$data" \
  -c max_connections=300 -c shared_buffers=256MB -c log_min_messages=warning
