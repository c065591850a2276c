#!/usr/bin/env bash
# Fails when ui/src/lib/bindings is not what the Rust types generate.
# `cargo test` regenerates the files (ts-rs export tests); run it first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=ui/src/lib/bindings
stale=$(git status --porcelain -- "$dir")
if [[ -n "$stale" ]]; then
    echo "check-bindings: $dir is out of date with the Rust types:" >&2
    echo "$stale" >&2
    echo "check-bindings: commit the regenerated files (cargo test regenerates them)" >&2
    exit 1
fi
echo "check-bindings: TypeScript bindings are current"
