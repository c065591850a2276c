#!/usr/bin/env bash
# Builds the Linux .deb, installs it with apt, checks that the installed app
# starts and shows its sign-in window (WebDriver under Xvfb, the test in
# tests/tests/installed_package.rs), and uninstalls it again.
#
# Part of `make test`. It bundles the debug build that `make test` has just
# made (no second, release compile); `make package` makes the release ones.
# Needs root or sudo (apt install / remove).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
    sudo=(sudo)
fi

scripts/bundle.sh --debug deb
deb=$(ls -t target/debug/bundle/deb/*.deb | head -n 1)
package=$(dpkg-deb --field "$deb" Package)
echo "test-package: installing $deb"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "./$deb"
trap '"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get remove -y "$package" >/dev/null' EXIT

# The one executable the package puts on the PATH.
app=$(dpkg -L "$package" | grep -m 1 '^/usr/bin/')
echo "test-package: $package installs $app"
# --workspace, not -p tether-tests: cargo picks dependencies' features from
# the packages selected, so this reuses what `cargo test --workspace` just
# built; -p compiled a second copy of ~130 crates (the disk of a CI run
# filled up there).
TETHER_INSTALLED_APP="$app" cargo test --workspace --test installed_package -- --ignored
