# Tether developer entry points. `make test` is what CI runs (.ci/run).
#
# Cargo serialises builds on its own lock; these targets run one cargo
# command at a time, so `make -j` gains nothing but interleaved output.

CARGO ?= cargo

.PHONY: deps build test run fmt clippy

# System packages (mosquitto, C toolchain); fast no-op when present.
deps:
	scripts/install-deps.sh

build:
	$(CARGO) build --workspace

# The cross-component tests (crate tether-tests) run the `tether` binary but
# cannot depend on a binary crate, so it is built explicitly before testing.
test: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) build -p tether-cli
	$(CARGO) test --workspace

# For now this shows the CLI's help; it will start the desktop app once that
# exists.
run: deps build
	$(CARGO) run -p tether-cli -- --help

fmt:
	$(CARGO) fmt --all

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings
