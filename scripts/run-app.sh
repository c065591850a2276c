#!/usr/bin/env bash
# Starts the desktop app (built by `make run`).
#
# A fresh machine has no server to chat on: if nothing listens on
# 127.0.0.1:1883 (the sign-in form's default), Tether's embedded broker
# (`tether serve`) is started there for this session and stopped on exit.
# Other profiles and the CLI on this machine can chat over it too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
    echo "run-app: no display; run it in a desktop session (or: xvfb-run make run)" >&2
    exit 1
fi

broker_pid=""
if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
    echo "run-app: no broker on 127.0.0.1:1883; starting Tether's embedded broker there"
    "${CARGO_TARGET_DIR:-target}/debug/tether" serve --listen 127.0.0.1:1883 >/dev/null &
    broker_pid=$!
    trap 'kill "$broker_pid" 2>/dev/null || true' EXIT
fi

"${CARGO_TARGET_DIR:-target}/debug/tether-app"
