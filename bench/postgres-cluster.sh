#!/usr/bin/env bash
# A throwaway Postgres for the benches with the settings Postgres ships with (autovacuum on: the machine's
# CI server runs without it, so an aged database there is never vacuumed or analyzed). With --keep-memory
# its backends keep the memory of their large queries (glibc's malloc thresholds) instead of giving it back
# to the kernel after each one; docs/PERFORMANCE.md ("Session 10") measures both on the same data.
#
#   bash bench/postgres-cluster.sh start [--keep-memory] [--port 5499] [--dir /tmp/mailroom-bench-pg]
#   bash bench/postgres-cluster.sh restart [--keep-memory] …   (the same data, the memory setting changed)
#   bash bench/postgres-cluster.sh stop [--dir …]
#
# It prints the URL to hand to a bench (`million-rows -- --pg-url <url>/test`). Data stays in --dir until
# it is removed by hand. Uses the machine's Postgres binaries (pg_config --bindir, or Debian's
# /usr/lib/postgresql/<version>/bin); as root, the server runs as the user `postgres`.
set -euo pipefail

cmd="${1:-}"
shift || true
port=5499
dir=/tmp/mailroom-bench-pg
keep_memory=false
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --keep-memory) keep_memory=true; shift ;;
    *) echo "postgres-cluster.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

bindir="$(pg_config --bindir 2>/dev/null || true)"
if [ ! -x "$bindir/initdb" ]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ ! -x "$bindir/initdb" ]; then
  echo "postgres-cluster.sh: no Postgres server binaries found (initdb)" >&2
  exit 1
fi

# As root the server runs as `postgres`, from / (the caller's directory may be closed to it).
as_owner() {
  if [ "$(id -u)" = 0 ]; then (cd / && su postgres -s /bin/bash -c "$1"); else bash -c "$1"; fi
}
running() {
  [ -d "$dir/data" ] && as_owner "'$bindir/pg_ctl' -D '$dir/data' status" >/dev/null 2>&1
}

# Allocations under 32 MB from the heap, and up to 128 MB of freed heap kept: a backend then faults its
# memory in once instead of after every large query.
memory_env=""
[ "$keep_memory" = true ] && memory_env="MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=134217728"

start() {
  if running; then
    echo "postgres-cluster.sh: a server is already running on $dir (stop it, or use restart)" >&2
    exit 1
  fi
  if [ ! -d "$dir/data" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    # Trust on loopback: a throwaway server for benches; any local user may connect as its superuser.
    as_owner "'$bindir/initdb' -D '$dir/data' -A trust -U postgres" >"$dir/initdb.log"
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
EOF
  fi
  as_owner "env $memory_env '$bindir/pg_ctl' -D '$dir/data' -l '$dir/log' -o '-p $port' -w start" >/dev/null
  as_owner "'$bindir/psql' -h 127.0.0.1 -p $port -U postgres -Atqc \"select 1 from pg_database where datname = 'test'\" postgres" |
    grep -q 1 || as_owner "'$bindir/createdb' -h 127.0.0.1 -p $port -U postgres test"
  echo "postgres://postgres@127.0.0.1:$port (backends keep their memory: $keep_memory)"
}

stop() {
  if running; then as_owner "'$bindir/pg_ctl' -D '$dir/data' -m fast -w stop" >/dev/null; fi
}

case "$cmd" in
  start) start ;;
  restart) stop; start ;;
  stop) stop ;;
  *) echo "usage: postgres-cluster.sh start|restart|stop [--keep-memory] [--port N] [--dir D]" >&2; exit 2 ;;
esac
