#!/usr/bin/env bash
# Starts throw-away PostgreSQL, Redis and RabbitMQ servers for the test suite (data in a temporary folder) and
# prints the environment the tests read. `stop` ends them and removes their data.
# usage: eval "$(scripts/test-servers.sh start <state-dir>)"; ...; scripts/test-servers.sh stop <state-dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=$1
state=$(realpath -m "$2")

pg_port=${TEST_PG_PORT:-55432}
redis_port=${TEST_REDIS_PORT:-56379}
amqp_port=${TEST_AMQP_PORT:-55672}
dist_port=${TEST_RABBITMQ_DIST_PORT:-55772}
epmd_port=${TEST_EPMD_PORT:-54369}
vhosts=(catalog trading metrics e2e tools)

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  local what=$1 seconds=$2; shift 2
  for _ in $(seq "$((seconds * 5))"); do
    if "$@"; then return 0; fi
    sleep 0.2
  done
  echo "$what did not start in ${seconds}s; its log:" >&2
  tail -n 40 "$state/$what.log" >&2 || true
  return 1
}

case "$cmd" in
  start)
    mkdir -p "$state"
    for port in $pg_port $redis_port $amqp_port $dist_port $epmd_port; do
      if port_open "$port"; then echo "port $port is already in use; set TEST_*_PORT to free ports" >&2; exit 1; fi
    done
    setsid "$here/postgres.sh" "$state/postgres" "$pg_port" >"$state/postgres.log" 2>&1 & echo $! >"$state/postgres.pid"
    setsid "$here/redis.sh" "$state/redis" "$redis_port" >"$state/redis.log" 2>&1 & echo $! >"$state/redis.pid"
    setsid "$here/rabbitmq.sh" "$state/rabbitmq" "$amqp_port" "$dist_port" "$epmd_port" >"$state/rabbitmq.log" 2>&1 & echo $! >"$state/rabbitmq.pid"
    wait_for postgres 60 port_open "$pg_port" >&2
    wait_for redis 30 port_open "$redis_port" >&2
    wait_for rabbitmq 120 port_open "$amqp_port" >&2
    for vhost in "${vhosts[@]}"; do
      HOME="$state/rabbitmq" ERL_EPMD_PORT=$epmd_port /usr/lib/rabbitmq/bin/rabbitmqctl -q -n platform@localhost add_vhost "$vhost" >&2
      HOME="$state/rabbitmq" ERL_EPMD_PORT=$epmd_port /usr/lib/rabbitmq/bin/rabbitmqctl -q -n platform@localhost set_permissions -p "$vhost" guest '.*' '.*' '.*' >&2
    done
    echo "export ConnectionStrings__postgres='Host=127.0.0.1;Port=$pg_port;Username=postgres'"
    echo "export ConnectionStrings__redis='127.0.0.1:$redis_port'"
    echo "export TEST_RABBITMQ_URI='amqp://guest:guest@127.0.0.1:$amqp_port/'"
    ;;
  stop)
    for server in rabbitmq redis postgres; do
      if [ -f "$state/$server.pid" ]; then
        kill -TERM "$(cat "$state/$server.pid")" 2>/dev/null || true
      fi
    done
    for server in rabbitmq redis postgres; do
      if [ -f "$state/$server.pid" ]; then
        pid=$(cat "$state/$server.pid")
        for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done
    rm -rf "$state"
    ;;
  *)
    echo "usage: $0 start|stop <state-dir>" >&2
    exit 2
    ;;
esac
