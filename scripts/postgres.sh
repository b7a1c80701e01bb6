#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 server for tests, on loopback, owned by the `postgres`
# system user (PostgreSQL refuses to run as root).
#   scripts/postgres.sh start DATA_DIR PORT   -> prints the server's URL (postgres://postgres@127.0.0.1:PORT)
#   scripts/postgres.sh stop DATA_DIR
# Settings are tuned for test speed (no fsync); POSTGRES_SERVER_OPTIONS replaces them, e.g. with ""
# for PostgreSQL's durable defaults (the benchmark: bench/postgres.py).
set -euo pipefail

action=${1:?usage: postgres.sh start|stop DATA_DIR [PORT]}
data_dir=${2:?data directory required}
port=${3:-54329}
server_options=${POSTGRES_SERVER_OPTIONS--c fsync=off -c synchronous_commit=off -c full_page_writes=off}
bin_dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin_dir/pg_ctl" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    if [ ! -s "$data_dir/PG_VERSION" ]; then
      mkdir -p "$data_dir"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$data_dir"
      as_postgres "$bin_dir/initdb" -D "$data_dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_postgres "$bin_dir/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w -t 30 \
      -o "-h 127.0.0.1 -p $port -k /tmp -c max_connections=300 $server_options" \
      start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_postgres "$bin_dir/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null || true
    ;;
  *)
    echo "unknown action: $action" >&2; exit 2 ;;
esac
