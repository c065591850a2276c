#!/usr/bin/env bash
# Bundles the desktop app with the Tauri bundler (the CLI from ui/'s npm
# packages), run inside src-tauri/ so it finds the app crate there (from
# the root it would take the workspace Cargo.toml for the app).
#
# Usage: scripts/bundle.sh [--debug] BUNDLES
#   BUNDLES  comma-separated: deb,rpm (AppImage needs a download of its
#            tooling and is built in CI, see .github/workflows/build.yml)
#   --debug  bundle the debug build (fast when it exists; for tests)
# Output: target/{release,debug}/bundle/<kind>/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../src-tauri"

args=()
if [[ "${1:-}" == "--debug" ]]; then
    args+=(--debug)
    shift
fi
bundles=${1:?usage: scripts/bundle.sh [--debug] deb,rpm}
# No signing keys, no updater here: plain, unsigned packages.
exec ../ui/node_modules/.bin/tauri build "${args[@]}" --bundles "$bundles" --ci
