#!/usr/bin/env bash
# Fails unless the window may call exactly the commands the UI uses: the
# `call('…')` names in ui/src/lib/backend.ts and backend/ (the one place that invokes),
# the commands src-tauri/build.rs makes permissions for, the `allow-…`
# permissions capabilities/default.json grants, and the handlers lib.rs
# registers must be one and the same set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -oh "call[^(]*('[a-z_]*'" ui/src/lib/backend.ts ui/src/lib/backend/*.ts \
    | sed "s/.*('\(.*\)'/\1/" | sort -u > "$tmp/ui"
sed -n '/^const COMMANDS/,/^];/p' src-tauri/build.rs \
    | grep -o '"[a-z_]*"' | tr -d '"' | sort -u > "$tmp/build"
grep -o '"allow-[a-z-]*"' src-tauri/capabilities/default.json \
    | sed 's/"allow-\(.*\)"/\1/; s/-/_/g' | sort -u > "$tmp/granted"
sed -n '/generate_handler!\[/,/\]/p' src-tauri/src/lib.rs \
    | grep -o '::[a-z_]*,' | tr -d ':,' | sort -u > "$tmp/registered"

status=0
for other in build granted registered; do
    if ! diff -u --label "used by the UI" --label "$other" "$tmp/ui" "$tmp/$other"; then
        echo "check-capabilities: the UI's calls and the $other commands differ" >&2
        status=1
    fi
done
if [[ ! -s "$tmp/ui" ]]; then
    echo "check-capabilities: found no calls in ui/src/lib/backend.ts" >&2
    status=1
fi
[[ $status == 0 ]] && echo "check-capabilities: $(wc -l < "$tmp/ui") commands, used = listed = granted = registered"
exit $status
