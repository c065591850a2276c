#!/usr/bin/env bash
# Checks that `make run` reuses what `make test` built: after the test's
# build, the run's build must compile nothing. cargo chooses dependency
# features per command, so a different package list (as `make run` once
# had) recompiled ~32 crates (syn, icu, glib…) every time.
#
# Run by `make test` after its build; takes a second when nothing is stale.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_of() {
    # The cargo build line a make target would run (make -n prints it).
    make -n "$1" CARGO=cargo | grep -E '^cargo build ' | head -n 1
}

test_build=$(build_of test)
run_build=$(build_of run)
if [[ "$test_build" != "$run_build" ]]; then
    echo "check-shared-build: make run builds with '$run_build'" >&2
    echo "check-shared-build: make test built with '$test_build'" >&2
    exit 1
fi
# And that build is current: nothing compiles (the line cargo prints for
# each crate it builds starts with "Compiling").
compiled=$($run_build 2>&1 | grep -E '^\s*Compiling ' || true)
if [[ -n "$compiled" ]]; then
    echo "check-shared-build: make run would compile again:" >&2
    echo "$compiled" >&2
    exit 1
fi
echo "check-shared-build: make run reuses make test's build"
