#!/usr/bin/env bash
# Shows and replays dead letters: the messages MassTransit moved to a consumer's error queue (<queue>_error) after the
# consumer failed on them for good (its retries spent). Runs rabbitmqctl against the local node that scripts/rabbitmq.sh
# started (node platform@localhost, its cookie in the data folder, its own epmd port); replay moves the messages with a
# shovel (the plugin ships with RabbitMQ and is enabled on first use) that deletes itself once the queue is moved.
#
# usage: scripts/dead-letters.sh list                  error queues with messages: name, messages, consumers
#        scripts/dead-letters.sh list --all            every error queue, empty ones too
#        scripts/dead-letters.sh replay <queue>_error  moves its messages back to <queue>, to be consumed again
# env:   RABBITMQ_DATA  the node's data folder (default: .data/rabbitmq, the app host's)
#        ERL_EPMD_PORT  the node's epmd port (default: 4469, the app host's Platform:RabbitMqEpmdPort)
#        VHOST          the virtual host (default: /)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$(realpath -m "${RABBITMQ_DATA:-$here/../.data/rabbitmq}")
vhost=${VHOST:-/}
bin=/usr/lib/rabbitmq/bin
node=platform@localhost
export HOME="$data" ERL_EPMD_PORT="${ERL_EPMD_PORT:-4469}" RABBITMQ_ENABLED_PLUGINS_FILE="$data/enabled_plugins"

ctl() { "$bin/rabbitmqctl" -q -n "$node" "$@"; }

case "${1:-}" in
  list)
    ctl list_queues -p "$vhost" --no-table-headers name messages consumers |
      awk -v all="${2:-}" '$1 ~ /_error$/ && (all == "--all" || $2 > 0) { print $1 "\t" $2 "\t" $3 }' | sort
    ;;
  replay)
    source_queue=${2:?usage: $0 replay <queue>_error}
    case "$source_queue" in *_error) ;; *) echo "$source_queue is not an error queue (<queue>_error)" >&2; exit 2 ;; esac
    target=${source_queue%_error}
    if ! ctl list_queues -p "$vhost" --no-table-headers name | grep -qx "$target"; then
      echo "queue $target does not exist in virtual host $vhost" >&2; exit 1
    fi
    "$bin/rabbitmq-plugins" -q -n "$node" enable --online rabbitmq_shovel >/dev/null
    # amqp:// is the node's own broker; a virtual host other than / goes in the path, percent-encoded.
    uri="amqp://"
    if [ "$vhost" != / ]; then uri="amqp:///$(printf %s "$vhost" | jq -sRr @uri 2>/dev/null || printf %s "$vhost")"; fi
    name="replay-$source_queue-$(date +%s)"
    ctl set_parameter -p "$vhost" shovel "$name" "{\"src-protocol\":\"amqp091\",\"src-uri\":\"$uri\",\"src-queue\":\"$source_queue\",\
\"dest-protocol\":\"amqp091\",\"dest-uri\":\"$uri\",\"dest-queue\":\"$target\",\"src-delete-after\":\"queue-length\",\"ack-mode\":\"on-confirm\"}"
    # The shovel removes itself once it has moved as many messages as the queue held when it started.
    for _ in $(seq 300); do
      if ! ctl list_parameters -p "$vhost" --no-table-headers | grep -q "$name"; then
        echo "replayed $source_queue to $target"
        exit 0
      fi
      sleep 0.2
    done
    echo "the replay shovel $name has not finished in 60 s; see: rabbitmqctl shovel_status" >&2
    exit 1
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
