# owf — two commands: `make run` and `make test`. Each installs what is missing, idempotently.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run

TRUNK_VERSION := 0.21.14
BINARYEN_VERSION := 132
WASM_SPLIT_VERSION := 0.2.4
SCHEMATHESIS_VERSION := 4.32.5
# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock (pinned with `=`).
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/{getline; gsub(/"/,"",$$3); print $$3}' Cargo.lock)
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/tools/binaryen/node_modules/.bin:$(PATH)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)

ARGS ?= --demo

.PHONY: run test test-fast dist tools-build tools-test tools-fuzz check-wasm clean bench

## Build everything and serve the app on http://127.0.0.1:8080 with the demo accounts.
run: dist
	cargo build --release -p owf-backend
	./target/release/owf serve $(ARGS)

## Every test: format, lints, wasm build of the shared crate, the frontend's wasm unit tests
## (in Node), unit + integration tests on SQLite and PostgreSQL, end-to-end tests in headless
## Chromium, API fuzzing of the server.
test: tools-build tools-test tools-fuzz
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p owf-frontend --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo check -p owf-shared --target wasm32-unknown-unknown
	cargo test -p owf-frontend --target wasm32-unknown-unknown
	$(MAKE) dist
	scripts/with-postgres.sh cargo test --workspace --no-fail-fast -- --include-ignored
	tools/schemathesis/bin/python scripts/api-fuzz.py $(TARGET_DIR)/debug/owf

## Unit tests and backend integration tests on SQLite only: no browser, no PostgreSQL.
test-fast:
	cargo test -p owf-shared -p owf-backend

## The release frontend in dist/.
dist: tools-build
	cargo fetch
	trunk build --release

tools-build:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@# --debug: trunk only orchestrates and wasm-bindgen rewrites one module in under a second
	@# either way, while debug installs take ~2.5 + 1 min instead of ~10 + 2.3 on two cores.
	@trunk --version 2>/dev/null | grep -q " $(TRUNK_VERSION)$$" || cargo install trunk --version $(TRUNK_VERSION) --locked --debug
	@# no --locked: its lock names a webpki-roots release the registry does not offer
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)$$" || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force --debug
	@# The splitter of scripts/split.mjs (`wasm-split-cli`, no --version: cargo's list says); a debug
	@# build splits the app in ~2 s and installs in ~5 min.
	@cargo install --list | grep -qx "wasm_split_cli_support v$(WASM_SPLIT_VERSION):" || cargo install wasm_split_cli_support --version $(WASM_SPLIT_VERSION) --features build-binary --locked --debug
	@# npm's binaryen, whose wasm-opt scripts/split.mjs runs on every module: Debian's 108 silently
	@# breaks the module
	@wasm-opt --version 2>/dev/null | grep -q "version $(BINARYEN_VERSION) " || npm install --prefix tools/binaryen --no-fund --no-audit --silent binaryen@$(BINARYEN_VERSION)

tools-test:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	dpkg -s libssl-dev >/dev/null 2>&1 || missing="$$missing libssl-dev"; \
	dpkg -s pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing="$$missing fonts-wqy-microhei"; \
	python3 -c 'import ensurepip' >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

## schemathesis (API fuzzing) in a virtualenv under tools/.
tools-fuzz: tools-test
	@tools/schemathesis/bin/schemathesis --version 2>/dev/null | grep -q " $(SCHEMATHESIS_VERSION)$$" || { \
	  python3 -m venv tools/schemathesis && \
	  tools/schemathesis/bin/pip install --quiet --disable-pip-version-check schemathesis==$(SCHEMATHESIS_VERSION); }

clean:
	rm -rf dist target/e2e-screenshots

## Benchmarks (not part of `make test`): the release server beside baselines measured in the same
## run; prints the table and writes BENCHMARKS.md. `make bench BENCH_ARGS=--quick` for a short run.
## PostgreSQL runs with its default durability here (OWF_PG_DURABLE=1), not the tests' fsync=off.
BENCH_ARGS ?=
bench: tools-build tools-test dist
	cargo build --release -p owf-backend -p owf-bench
	@start=$$(date +%s); \
	OWF_PG_DURABLE=1 scripts/with-postgres.sh $(TARGET_DIR)/release/owf-bench --owf $(TARGET_DIR)/release/owf $(BENCH_ARGS); \
	echo "owf-bench took $$(( $$(date +%s) - start )) s"
