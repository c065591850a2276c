#!/usr/bin/env bash
# Bundles the desktop app with the Tauri bundler (the CLI from ui/'s npm
# packages), run inside src-tauri/ so it finds the app crate there (from
# the root it would take the workspace Cargo.toml for the app).
#
# Usage: scripts/bundle.sh [--debug] BUNDLES
#   BUNDLES  comma-separated: deb,rpm (AppImage needs a download of its
#            tooling and is built in CI, see .github/workflows/build.yml)
#   --debug  bundle the debug build that is already in target/debug (for
#            tests; `make test` builds it), without compiling anything
# Output: target/{release,debug}/bundle/<kind>/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../src-tauri"
tauri=../ui/node_modules/.bin/tauri

if [[ "${1:-}" == "--debug" ]]; then
    shift
    bundles=${1:?usage: scripts/bundle.sh [--debug] deb,rpm}
    if [[ ! -x ../target/debug/tether-app ]]; then
        echo "bundle.sh: no debug build in target/debug; run 'cargo build -p tether-app' first" >&2
        exit 1
    fi
    # `tauri build --debug` would compile again: with only tether-app
    # selected, cargo picks features for that selection, so tether-core and
    # the app are built a second time beside `make test`'s build.
    exec "$tauri" bundle --debug --bundles "$bundles" --ci
fi
bundles=${1:?usage: scripts/bundle.sh [--debug] deb,rpm}
# No signing keys, no updater here: plain, unsigned packages.
exec "$tauri" build --bundles "$bundles" --ci
