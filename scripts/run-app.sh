#!/usr/bin/env bash
# Starts the desktop app (built by `make run`).
#
# Nothing else is needed: a first start offers "This computer" as the
# server, and the app then hosts Tether's embedded broker on
# 127.0.0.1:1883 itself (or uses the one another Tether already serves
# there). Other profiles and the CLI on this machine can chat over it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
    echo "run-app: no display; run it in a desktop session (or: xvfb-run make run)" >&2
    exit 1
fi

exec "${CARGO_TARGET_DIR:-target}/debug/tether-app"
