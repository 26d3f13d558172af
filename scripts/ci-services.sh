#!/usr/bin/env bash
# Starts PostgreSQL 15 with pgvector and Redis 7 on loopback for the test run (Debian 12, as
# root). Source it: it exports DATABASE_URL and REDIS_URL and defines services_stop.
# Debian 12 has no pgvector package for PostgreSQL 15, so Debian's own pgvector source package
# (from the next release) is built against the installed server. Adapted from
# ../shared/ci/services.sh.
set -euo pipefail
SVC=${SVC_DIR:-$(mktemp -d /tmp/maestro-ci-XXXXXX)}
PGPORT=${PGPORT:-55432}
REDISPORT=${REDISPORT:-56379}
PGBIN=/usr/lib/postgresql/15/bin
export DEBIAN_FRONTEND=noninteractive
chmod 755 "$SVC"

echo "== installing postgresql-15, redis-server (Debian packages)"
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-server-dev-15 redis-server >/dev/null

if [ ! -f /usr/lib/postgresql/15/lib/vector.so ]; then
  echo "== building pgvector from Debian's source package"
  A="$SVC/apt"
  mkdir -p "$A/lists/partial" "$A/parts" "$A/src"
  mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" >"$A/parts/next-src.sources"
  O="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$A/parts -o Dir::State::Lists=$A/lists"
  # shellcheck disable=SC2086
  apt-get $O update -qq
  chown _apt "$A/src" 2>/dev/null || true
  # shellcheck disable=SC2086
  (cd "$A/src" && apt-get $O source --download-only -qq pgvector >/dev/null)
  tar -xzf "$A"/src/pgvector_*.orig.tar.gz -C "$A/src"
  make -s -C "$A"/src/pgvector-*/ -j"$(nproc)" PG_CONFIG=$PGBIN/pg_config >/dev/null 2>&1
  make -s -C "$A"/src/pgvector-*/ install PG_CONFIG=$PGBIN/pg_config >/dev/null
fi

echo "== starting a throw-away PostgreSQL cluster on 127.0.0.1:$PGPORT"
id postgres >/dev/null 2>&1 || useradd --system --home-dir "$SVC" --shell /usr/sbin/nologin postgres
PGDATA="$SVC/pgdata"
install -d -o postgres -g postgres "$SVC/pgrun" "$PGDATA"
runuser -u postgres -- $PGBIN/initdb -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -l "$SVC/pgrun/pg.log" -w -t 30 start \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $SVC/pgrun -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE app" -c "\c app" -c "CREATE EXTENSION IF NOT EXISTS vector"

echo "== starting Redis on 127.0.0.1:$REDISPORT"
redis-server --bind 127.0.0.1 --port "$REDISPORT" --save '' --appendonly no --daemonize yes \
  --pidfile "$SVC/redis.pid" --logfile "$SVC/redis.log" --dir "$SVC"
for _ in $(seq 50); do redis-cli -p "$REDISPORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done

export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/app"
export REDIS_URL="redis://127.0.0.1:$REDISPORT"
export MAESTRO_CI_SERVICES_DIR="$SVC"

services_stop() {
  runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  if [ -f "$SVC/redis.pid" ]; then
    local pid
    pid=$(cat "$SVC/redis.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$SVC" || true
}
