#!/usr/bin/env bash
# Runs RabbitMQ in the foreground on 127.0.0.1:<amqp-port> with its data in <data-dir>. Erlang needs an epmd
# (port mapper) beside the node; this one gets its own port and is stopped with the node, so nothing is left behind.
# usage: rabbitmq.sh <data-dir> <amqp-port> <dist-port> <epmd-port>
set -euo pipefail
data=$(realpath -m "$1")
mkdir -p "$data/log"
export HOME="$data"
export ERL_EPMD_PORT="$4"
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
export RABBITMQ_NODENAME=platform@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="$2"
export RABBITMQ_DIST_PORT="$3"
export RABBITMQ_MNESIA_BASE="$data/mnesia"
export RABBITMQ_LOG_BASE="$data/log"
export RABBITMQ_LOGS=-
export RABBITMQ_PID_FILE="$data/rabbitmq.pid"
export RABBITMQ_ENABLED_PLUGINS_FILE="$data/enabled_plugins"
export RABBITMQ_CONFIG_FILE="$data/rabbitmq"
[ -f "$data/enabled_plugins" ] || echo '[].' > "$data/enabled_plugins"
cat > "$data/rabbitmq.conf" <<CONF
loopback_users.guest = true
log.console.level = warning
CONF

/usr/lib/rabbitmq/bin/rabbitmq-server &
node=$!
stop() {
  kill -TERM "$node" 2>/dev/null || true
  wait "$node" 2>/dev/null || true
  epmd -port "$ERL_EPMD_PORT" -kill >/dev/null 2>&1 || true
  exit 0
}
trap stop TERM INT HUP
wait "$node" || true
epmd -port "$ERL_EPMD_PORT" -kill >/dev/null 2>&1 || true
