#!/usr/bin/env bash
# Runs the fuzz targets of the decoders that face the network (see
# docs/fuzzing.md): 10 million executions each, or 200,000 with --quick
# (what `make test` runs). Installs cargo-fuzz when it is missing; needs the
# nightly toolchain (libFuzzer's instrumentation).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=10000000
if [[ "${1:-}" == "--quick" ]]; then
    runs=200000
fi

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz.sh: the nightly Rust toolchain is missing (rustup toolchain install nightly)" >&2
    exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

# CMPP: any bytes from an SMS gateway.
(cd crates/cmpp && cargo +nightly fuzz run decode -- -runs="$runs" -max_len=4200)
