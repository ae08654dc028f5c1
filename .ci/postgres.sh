#!/usr/bin/env bash
# Starts a private PostgreSQL cluster on 127.0.0.1 for the tests (installing PostgreSQL from
# Debian when missing) and prints the URL to use as SLUICE_TEST_POSTGRES_URL.
#   bash .ci/postgres.sh start [DIR] [PORT]    bash .ci/postgres.sh stop [DIR]
set -euo pipefail
cmd=${1:-start}
dir=${2:-/tmp/sluice-pg}
port=${3:-55432}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ "$cmd" = stop ]; then
  [ -n "$bin" ] && [ -d "$dir" ] && su postgres -s /bin/sh -c "$bin/pg_ctl -D '$dir' -m fast stop" >/dev/null 2>&1 || true
  exit 0
fi
if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
# PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if [ ! -f "$dir/PG_VERSION" ]; then
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  run "$bin/initdb -D '$dir' -U postgres --auth=trust -E UTF8 >/dev/null"
fi
if run "$bin/pg_ctl -D '$dir' status" >/dev/null 2>&1; then
  port=$(cat "$dir/port")
else
  # Take the first free port from PORT on (another cluster may hold it).
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  run "$bin/pg_ctl -D '$dir' -l '$dir/log' -w -o \"-h 127.0.0.1 -p $port -k /tmp -c fsync=on -c max_connections=200\" start" >/dev/null
  echo "$port" >"$dir/port"
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
