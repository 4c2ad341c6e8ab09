#!/usr/bin/env bash
# Runs Redis in the foreground on 127.0.0.1:<port>, persisting to <data-dir> (append-only file). SIGTERM stops it.
# usage: redis.sh <data-dir> <port>
set -euo pipefail
data=$(realpath -m "$1")
mkdir -p "$data"
exec redis-server --bind 127.0.0.1 --port "$2" --dir "$data" --appendonly yes --save "" --daemonize no --loglevel warning
