#!/usr/bin/env bash
# Installs the system packages Tether's build and tests need (Debian/Ubuntu).
#
# Idempotent and fast when everything is present: packages are checked with
# dpkg first, and `apt-get update` runs only if something must be installed.
# Runs as root, or through sudo otherwise.
#
# Usage: scripts/install-deps.sh [--with-app]
#   --with-app  also install what the Tauri desktop app needs to build and
#               to run its tests headless (WebKitGTK, Xvfb, keyring, ...).
#
# The Rust toolchain itself is not installed here (use rustup); the script
# only checks that cargo, rustfmt and clippy are available.
set -euo pipefail

# Broker for the cross-component tests, plus a C toolchain for crates with
# build scripts (rusqlite's bundled SQLite, ring).
# dbus (dbus-run-session) and gnome-keyring give the keyring test a real,
# private Secret Service to store passwords in. iproute2's `ss` counts TCP
# segments for the test of rumqttc's batched writes.
BASE_APT_PACKAGES=(
    mosquitto
    mosquitto-clients
    build-essential
    pkg-config
    dbus
    gnome-keyring
    iproute2
)

# >>> Tauri desktop app (only with --with-app) <<<
TAURI_APT_PACKAGES=(
    libwebkit2gtk-4.1-dev
    libgtk-3-dev
    libayatana-appindicator3-dev
    librsvg2-dev
    libsoup-3.0-dev
    xvfb
    webkit2gtk-driver
    xdotool
    openbox
    imagemagick
    dunst
    dbus
    gnome-keyring
    # Glyphs for emoji and Chinese: without them a fresh Debian draws empty
    # boxes (app.css names both as fallbacks; the .deb recommends them).
    fonts-noto-color-emoji
    fonts-noto-cjk
)

with_app=false
for arg in "$@"; do
    case "$arg" in
        --with-app) with_app=true ;;
        -h | --help)
            sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "install-deps: unknown argument: $arg" >&2
            exit 2
            ;;
    esac
done

wanted=("${BASE_APT_PACKAGES[@]}")
if [[ "$with_app" == true ]]; then
    wanted+=("${TAURI_APT_PACKAGES[@]}")
    # Node may come from elsewhere (nodesource, nvm): only ask apt when absent.
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        wanted+=(nodejs npm)
    fi
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: this script needs a Debian-based system (dpkg, apt-get)." >&2
    echo "install-deps: please install by hand: ${wanted[*]}" >&2
    exit 1
fi

# `dpkg -s` also succeeds for removed-but-configured packages, so look at the
# exact status instead.
installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == "installed" ]]
}

missing=()
for pkg in "${wanted[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
    if [[ "$(id -u)" -eq 0 ]]; then
        sudo=()
    elif command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
        exit 1
    fi
    echo "install-deps: installing ${missing[*]}"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
else
    echo "install-deps: system packages already installed"
fi

if [[ "$with_app" == true ]]; then
    # WebDriver bridge between the tests and WebKitWebDriver (pinned to the
    # Tauri 2 line; 3.x is alpha).
    if ! command -v tauri-driver >/dev/null 2>&1 &&
        ! [[ -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]]; then
        echo "install-deps: installing tauri-driver"
        cargo install tauri-driver --locked --version '^2'
    fi
    # The UI's packages, exactly as locked; skipped when already in place.
    ui_dir="$(dirname "${BASH_SOURCE[0]}")/../ui"
    if [[ ! -f "$ui_dir/node_modules/.package-lock.json" ||
        "$ui_dir/package-lock.json" -nt "$ui_dir/node_modules/.package-lock.json" ]]; then
        echo "install-deps: installing the UI's npm packages (npm ci)"
        (cd "$ui_dir" && npm ci --no-audit --no-fund)
    fi
fi

# The toolchain comes from rustup, not apt; say so clearly instead of failing
# later with "command not found".
toolchain_ok=true
for tool in "cargo --version" "cargo fmt --version" "cargo clippy --version"; do
    if ! $tool >/dev/null 2>&1; then
        echo "install-deps: '$tool' failed; install Rust with rustup" \
            "(rustup component add rustfmt clippy)" >&2
        toolchain_ok=false
    fi
done
[[ "$toolchain_ok" == true ]]
