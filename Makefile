# Tether developer entry points. `make test` is what CI runs (.ci/run).
#
# Cargo serialises builds on its own lock; these targets run one cargo
# command at a time, so `make -j` gains nothing but interleaved output.

CARGO ?= cargo
NPM ?= npm

# CI builds once, from a clean clone: incremental caches would only take
# disk there.
ifeq ($(CI),true)
export CARGO_INCREMENTAL := 0
endif

.PHONY: deps ui build test e2e bench package run fmt clippy

# The binaries every target builds, always as one cargo command: cargo
# picks dependency features per command, so `make run` after `make test`
# (or the reverse) builds nothing again only if both ask for the same set
# (scripts/check-shared-build.sh checks that they do).
APP_BUILD := $(CARGO) build -p tether-cli -p tether-app -p tether-bench -p tether-app-bench

# System packages (mosquitto, WebKitGTK, Xvfb, keyring, node), tauri-driver
# and the UI's npm packages; a fast no-op when everything is present.
deps:
	scripts/install-deps.sh --with-app

# The web UI; the app embeds ui/dist at compile time, so it comes first.
ui: deps
	$(NPM) --prefix ui run build

build: ui
	$(CARGO) build --workspace

# Everything CI checks, fastest failures first. The cross-component tests
# run the `tether` and `tether-app` binaries, so those are built before
# `cargo test`, then the benchmarks run once on tiny sizes; the ts-rs
# export tests regenerate ui/src/lib/bindings,
# which must then be unchanged, and the commands the window may call must
# be exactly the ones the UI calls, `make run` must reuse this build, and
# what ships must link no bench or test bed, and the network decoders are
# fuzzed briefly (docs/fuzzing.md). Last, the .deb is built from that debug
# build, installed with apt, started under Xvfb and removed again.
test: deps
	$(CARGO) fmt --all -- --check
	$(NPM) --prefix ui run check
	$(NPM) --prefix ui run lint
	$(NPM) --prefix ui run test
	$(NPM) --prefix ui run build
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(APP_BUILD)
	$(CARGO) test --workspace
	target/debug/tether-bench --quick
	target/debug/tether-app-bench --quick
	scripts/check-bindings.sh
	scripts/check-capabilities.sh
	scripts/check-shared-build.sh
	scripts/check-shipped-deps.sh
	scripts/fuzz.sh --quick
	scripts/test-package.sh

# Only the desktop app's end-to-end tests (Xvfb + WebDriver; part of `test`),
# built with the workspace's features so `make test`'s build is reused.
e2e: deps ui
	$(APP_BUILD)
	$(CARGO) test --workspace --test app_e2e --test app_conversations --test app_files -- --nocapture

# The benchmark suites at full size on a release build (about 20 minutes):
# the engine (`tether-bench`), then the desktop app under Xvfb
# (`tether-app-bench`); each prints its table and writes it into its own
# section of docs/BENCHMARKS.md. `make test` only runs them on tiny sizes
# (`--quick`) to show they work.
bench: deps ui
	$(CARGO) build --release -p tether-cli -p tether-app -p tether-bench -p tether-app-bench
	target/release/tether-bench --out docs/BENCHMARKS.md
	target/release/tether-app-bench --out docs/BENCHMARKS.md

# Release .deb and .rpm in target/release/bundle/ (AppImage, .msi/NSIS and
# .dmg are built by .github/workflows/build.yml on their own platforms).
package: ui
	scripts/bundle.sh deb,rpm

# Builds and starts the desktop app; its first start offers "This
# computer", where the app hosts Tether's embedded broker itself.
run: ui
	$(APP_BUILD)
	scripts/run-app.sh

fmt:
	$(CARGO) fmt --all

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings
