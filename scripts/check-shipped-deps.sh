#!/usr/bin/env bash
# Fails if what ships (the `tether` command and the desktop app) links the
# benchmarks or the test bed: those are for `make bench` and the tests.
# Normal dependencies only (`-e normal`); reads Cargo.lock, builds nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

status=0
for package in tether-cli tether-app; do
    linked=$(cargo tree --offline -e normal -p "$package" --prefix none \
        | grep -E '^tether-(bench|testbed|tests|app-bench) ' | sort -u || true)
    if [[ -n "$linked" ]]; then
        echo "check-shipped-deps: $package links scaffolding:" >&2
        echo "$linked" >&2
        status=1
    fi
done
[[ $status -eq 0 ]] && echo "check-shipped-deps: tether and the app link no bench or test bed"
exit $status
