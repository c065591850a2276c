#!/usr/bin/env bash
# Starts the desktop app (built by `make run`).
#
# Until Tether embeds its own broker, a fresh machine has no server to chat
# on: if nothing listens on 127.0.0.1:1883 (the login screen's default), a
# local Mosquitto is started there for this session and stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
    echo "run-app: no display; run it in a desktop session (or: xvfb-run make run)" >&2
    exit 1
fi

broker_pid=""
if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
    mosquitto_bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
    echo "run-app: no broker on 127.0.0.1:1883; starting a local Mosquitto there"
    "$mosquitto_bin" -p 1883 >/dev/null 2>&1 &
    broker_pid=$!
    trap 'kill "$broker_pid" 2>/dev/null || true' EXIT
fi

"${CARGO_TARGET_DIR:-target}/debug/tether-app"
