#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port, for the shared-corpus tests and benchmarks.
#   scripts/pg.sh start [PORT] [DIR]   initdb (trust auth) + start + create database "litlens"; prints the URL
#   scripts/pg.sh stop  [PORT] [DIR]   stop it and remove DIR
# Defaults: PORT 55433, DIR /tmp/litlens-pg-PORT. Debian's PostgreSQL 15 (`apt-get install postgresql`).
# PG_SHARED_BUFFERS (default 128MB: the machine is shared) sizes the buffer cache; a benchmark at 1M
# papers wants the papers table's heap in it (3GB: docs/postgresql.md, "1M papers").
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
set -euo pipefail
cmd=${1:-}
port=${2:-55433}
dir=${3:-/tmp/litlens-pg-$port}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "pg.sh: no PostgreSQL found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    if [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      echo "postgresql://postgres@127.0.0.1:$port/litlens"
      exit 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # The read-only member role of the tests signs in with a password (the wrong-password test); everyone else is trusted.
    sed -i '/^# TYPE/a host all litlens_reader 127.0.0.1/32 scram-sha-256' "$dir/data/pg_hba.conf"
    # Small shared_buffers unless asked (the machine is shared); fsync off: a throwaway cluster.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c shared_buffers=${PG_SHARED_BUFFERS:-128MB} -c max_wal_size=2GB" start >/dev/null \
      || { cat "$dir/log" >&2; exit 1; }
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres litlens
    echo "postgresql://postgres@127.0.0.1:$port/litlens"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/pg.sh start|stop [PORT] [DIR]" >&2
    exit 2
    ;;
esac
