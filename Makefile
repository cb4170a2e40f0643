# The two commands that matter: `make demo` and `make test`. Both install
# what they need on a fresh machine (see .ci/setup.sh) and skip what is there.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/tests/e2e/node_modules/.bin:$(PATH)

setting = $(shell awk -F' *= *' '$$1 == "$(1)" { gsub(/"/, "", $$2); print $$2; exit }' wasm-pack.toml)
TARGET := $(call setting,target)
WASM_OPT_LEVEL := $(call setting,wasm_opt_level)
DIST_TOOLCHAIN := $(call setting,dist_toolchain)
BUDGET := $(call setting,dist_gzip_bytes)
VERSION := $(shell awk -F'"' '/^version = / { print $$2; exit }' Cargo.toml)
PORT ?= 8080
# The wasm features rustc enables by default for wasm32-unknown-unknown.
WASM_FEATURES := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue

.PHONY: setup dist checker release size demo receipts-lookup receipts-verify bench-receipts test test-native test-wasm test-e2e lint pkg clean docs test-fuzz test-model bench bench-back-forward bench-scan

setup:
	.ci/setup.sh all

# dist/: biscoito.js (glue + loader in one closure) and biscoito_bg.wasm.
# Built with the pinned nightly in wasm-pack.toml, which rebuilds std for size
# (-Z build-std) with panics that abort at once and without Debug formatting
# or panic locations. Legacy mangling keeps the closure shims' export names,
# which the glue repeats, short. The flags are appended to .cargo/config.toml's.
# Then binaryen gives every import and export a one- or two-letter name and
# scripts/short-names.mjs renames them in the glue to match.
DIST_RUSTFLAGS := target.wasm32-unknown-unknown.rustflags=["-Zunstable-options","-Cpanic=immediate-abort","-Zfmt-debug=none","-Zlocation-detail=none","-Csymbol-mangling-version=legacy"]
DIST_BUILD := target/dist-build
# Chromium's explicit compile hint (V8, Chrome 136+; a comment elsewhere):
# most of the glue runs while the page loads, so it asks V8 to compile all of
# it eagerly, off the main thread where the script is streamed, rather than
# at each function's first call (script time at 4x a few ms lower in two A/B
# runs; docs/bench/README.md).
JS_COMPILE_HINT := //\# allFunctionsCalledOnLoad
# binaryen's -Oz inlines every function that has a single caller, however
# large. Capping that at 25 instructions makes the module 2.4 kB smaller
# gzipped (more, smaller functions compress better), and Chromium's lazy
# compilation costs the same CPU: more functions are compiled, but a callee
# that a visit never reaches is no longer compiled with its caller.
# docs/bench/README.md has the figures.
WASM_OPT_INLINE := --one-caller-inline-max-function-size=25
# Before -Oz, the control flow is flattened and rebuilt by binaryen's
# relooper, which leaves -Oz a shape it shrinks further: 320 bytes less
# gzipped, the same main-thread CPU (bench/cpu.mjs, 4x, returning visits).
WASM_OPT_REFLOW := --flatten --rereloop
# $(call shrink,bindgen wasm,scratch wasm,shipped wasm,glue): size-optimize,
# then short names in the wasm and in its glue. dist and pkg ship the same bytes.
define shrink
	wasm-opt $(WASM_OPT_REFLOW) $(WASM_OPT_LEVEL) $(WASM_OPT_INLINE) $(WASM_FEATURES) --strip-debug --strip-producers --strip-target-features $(1) -o $(2)
	wasm-opt $(WASM_FEATURES) --minify-imports-and-exports-and-modules $(2) -o $(3) > /dev/null
	node scripts/short-names.mjs $(2) $(3) $(4)
endef
dist:
	.ci/setup.sh wasm
	cargo +$(DIST_TOOLCHAIN) build --quiet --release --lib --target wasm32-unknown-unknown \
	  -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size \
	  --config '$(DIST_RUSTFLAGS)' --target-dir $(DIST_BUILD)
	wasm-bindgen --target $(TARGET) --no-typescript --out-dir $(DIST_BUILD)/bindgen $(DIST_BUILD)/wasm32-unknown-unknown/release/biscoito.wasm
	rm -rf dist && mkdir -p dist
	{ echo '(function(){'; cat $(DIST_BUILD)/bindgen/biscoito.js src/browser/guard-hosts.js src/browser/guard.js src/browser/loader.js; echo '})();'; } > $(DIST_BUILD)/bundle.js
	$(call shrink,$(DIST_BUILD)/bindgen/biscoito_bg.wasm,$(DIST_BUILD)/optimized.wasm,dist/biscoito_bg.wasm,$(DIST_BUILD)/bundle.js)
	terser $(DIST_BUILD)/bundle.js --compress passes=2 --mangle --ecma 2017 --format 'preamble="$(JS_COMPILE_HINT)"' --output dist/biscoito.js
	@$(MAKE) --no-print-directory size

# Prints gzipped sizes and fails over the budget in wasm-pack.toml.
size:
	@total=0; for f in dist/biscoito.js dist/biscoito_bg.wasm; do \
	  n=$$(gzip -9 -c $$f | wc -c); total=$$((total + n)); \
	  printf '%-24s %7d bytes, %6d gzipped\n' $$f $$(wc -c < $$f) $$n; done; \
	printf 'dist/ total gzipped: %d bytes (budget %d)\n' $$total $(BUDGET); \
	if [ $$total -gt $(BUDGET) ]; then echo "dist/ is over the budget in wasm-pack.toml" >&2; exit 1; fi

# The demo portals send their receipts to /recibos, which the server relays
# to `biscoito receipts serve` on RECEIPTS_DB, as a portal's reverse proxy
# would; `make receipts-lookup ID=…` and `make receipts-verify` read it.
RECEIPTS_PORT ?= 8787
RECEIPTS_DB ?= sqlite:target/demo-receipts.db
demo: dist checker
	.ci/setup.sh e2e
	cargo build --quiet --bin biscoito
	@echo "Serving the demo portals on http://localhost:$(PORT)/ and the consent log on 127.0.0.1:$(RECEIPTS_PORT) ($(RECEIPTS_DB)) (Ctrl+C to stop)"
	@target/debug/biscoito receipts serve --listen 127.0.0.1:$(RECEIPTS_PORT) --db $(RECEIPTS_DB) \
	  --allow-origin http://localhost:$(PORT) --allow-origin http://127.0.0.1:$(PORT) & receipts=$$!; \
	  trap 'kill $$receipts 2>/dev/null; wait $$receipts' EXIT INT TERM; \
	  BISCOITO_RECEIPTS=http://127.0.0.1:$(RECEIPTS_PORT) node tests/e2e/server.mjs $(PORT)

# Not part of `make test`: receipts a second and p50/p99 on SQLite and on a
# throwaway PostgreSQL, then 10 000 receipts with a SIGKILL part-way
# (bench/receipts.mjs; figures in docs/receipts.md).
bench-receipts:
	.ci/setup.sh postgres
	.ci/setup.sh e2e
	cargo build --quiet --profile native-release --bin biscoito
	scripts/with-postgres.sh node bench/receipts.mjs

receipts-lookup:
	@target/debug/biscoito receipts lookup $(ID) --db $(RECEIPTS_DB)
receipts-verify:
	@target/debug/biscoito receipts verify --db $(RECEIPTS_DB)

test: setup lint test-native test-wasm dist checker pkg test-e2e

# The configurator's module (www/configurador/): the banner plus check(),
# built with the `checker` feature into target/checker/, never into dist/.
checker:
	.ci/setup.sh wasm
	wasm-pack --quiet build --release --no-pack --target web --out-dir target/checker -- --features checker

# tests/receipts.rs runs against SQLite and a throwaway PostgreSQL cluster;
# tests/csp_servers.rs against nginx, Apache and Caddy.
test-native:
	.ci/setup.sh postgres
	.ci/setup.sh servers
	scripts/with-postgres.sh cargo test

# One run per browser of wasm-pack.toml, each with only its own driver, and
# a failure when the runner's log does not name that browser (scripts/test-wasm.sh).
test-wasm:
	scripts/test-wasm.sh

# scan.test.mjs drives the native `biscoito scan`, built here.
test-e2e:
	.ci/setup.sh servers
	cargo build --quiet --bin biscoito
	cd tests/e2e && node --test --test-concurrency=1 ./*.test.mjs

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings

# The ES-module package for bundlers and npm, in pkg/.
# Not part of `make test`. Fuzzes the config and stored-record readers for
# FUZZ_SECONDS each (60 by default; use 3600 before a release). cargo-fuzz
# needs nightly flags: RUSTC_BOOTSTRAP lets the stable toolchain accept them.
# The growing corpus stays in fuzz/corpus (not committed); fuzz/seeds is the
# kept one. A crash leaves its input in fuzz/artifacts/<target>/: copy it to
# fuzz/regressions/<target>/ so `cargo test` replays it from then on.
# FUZZ_RUNS stops each target after that many executions (0, the default,
# sets no such limit; FUZZ_SECONDS=0 none on time): for ten million
# executions each, `make test-fuzz FUZZ_RUNS=10000000 FUZZ_SECONDS=0`.
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 0
test-fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd fuzz && for target in config record; do \
	  mkdir -p corpus/$$target; \
	  RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none $$target corpus/$$target seeds/$$target -- -max_total_time=$(FUZZ_SECONDS) -runs=$(if $(filter 0,$(FUZZ_RUNS)),-1,$(FUZZ_RUNS)) -max_len=8192 || exit 1; \
	done

# The randomized session test in long mode (make test runs 30 sessions on the day's seed).
MODEL_SESSIONS ?= 2000
# Sessions at once, each in its own browser context. On 2 cores (2026-12-04
# evening, seed 42, 80 sessions, the browser and its headless shell): 0.73 s
# a session three at a time, 0.79 at four, 0.81 at five, 0.78 at six (runs
# of the same set-up differ by up to a tenth). Run it on a quiet machine:
# 10 000 sessions (2026-12-06, seed 1273578070) took 7 120 s, 0.71 s each,
# with nothing heavy beside them, against 1.03 s for 4 000 on 2026-12-04
# beside other work; at that rate two hours hold about 10 100 sessions.
MODEL_PARALLEL ?= 4
# Biscoito beside vanilla-cookieconsent, Klaro and tarteaucitron; figures go
# to docs/bench/. Not part of `make test`: it measures, it does not judge.
BENCH_RUNS ?= 15
bench: dist
	.ci/setup.sh bench
	cd bench && BENCH_RUNS=$(BENCH_RUNS) node bench.mjs

# What a Back to a page with Biscoito costs with Chromium's back/forward
# cache and without it (docs/bench/README.md). Measures; judges nothing.
bench-back-forward: dist
	.ci/setup.sh bench
	cd bench && BENCH_RUNS=$(BENCH_RUNS) node back-forward.mjs

# `biscoito scan` of a generated 20-page portal, three runs: figures only.
bench-scan: dist
	.ci/setup.sh e2e
	cargo build --quiet --release --bin biscoito
	node bench/scan.mjs

test-model: dist
	.ci/setup.sh model
	cd tests/e2e && BISCOITO_RANDOM_SEED=1 BISCOITO_SESSIONS=$(MODEL_SESSIONS) BISCOITO_PARALLEL=$(MODEL_PARALLEL) node --test model.test.mjs

# Generated from src/engine/schema.rs; a native test fails while they are stale.
docs:
	mkdir -p docs
	cargo run --quiet --bin biscoito -- schema > docs/biscoito.schema.json
	cargo run --quiet --bin biscoito -- guard-hosts > src/browser/guard-hosts.js
	cargo run --quiet --bin biscoito -- reference en > docs/config-reference.en.md
	cargo run --quiet --bin biscoito -- reference pt-BR > docs/config-reference.pt-BR.md

# The npm package: an ES module (for bundlers, with types) plus the drop-in
# script of dist/ under dist/, which is what unpkg/jsdelivr serve. The module is
# dist's size-built wasm bound again for ES modules, so npm users get the same
# bytes as script-tag users; package.json comes from Cargo.toml.
# Publishing: docs/RELEASING.md.
pkg: dist
	rm -rf pkg && mkdir -p pkg/dist
	wasm-bindgen --target web --out-dir pkg $(DIST_BUILD)/wasm32-unknown-unknown/release/biscoito.wasm
	$(call shrink,pkg/biscoito_bg.wasm,$(DIST_BUILD)/pkg-optimized.wasm,pkg/biscoito_bg.wasm,pkg/biscoito.js)
	rm pkg/biscoito_bg.wasm.d.ts
	cp src/browser/start.js pkg/index.js
	cp src/browser/start.d.ts pkg/index.d.ts
	cp dist/biscoito.js dist/biscoito_bg.wasm pkg/dist/
	cp README.md LICENSE-MIT LICENSE-APACHE docs/biscoito.schema.json pkg/
	node scripts/npm-package.mjs Cargo.toml pkg/package.json
	cd pkg && npm pack --dry-run 2>&1 | grep -E "notice (name|version|total files|package size):"

# A release archive of dist/ with checksums, reproducible byte for byte from
# the same commit. On a tag it must be the tag of Cargo.toml's version.
RELEASE_DIR := target/release-artifacts
release: dist docs
	@tag=$$(git describe --exact-match --tags HEAD 2>/dev/null || true); \
	if [ -n "$$tag" ] && [ "$$tag" != "v$(VERSION)" ]; then \
	  echo "tag $$tag does not match Cargo.toml's version $(VERSION)" >&2; exit 1; fi; \
	if [ -z "$$tag" ]; then echo "note: HEAD is not tagged; building an untagged archive of $(VERSION)"; fi
	rm -rf $(RELEASE_DIR) && mkdir -p $(RELEASE_DIR)/biscoito-$(VERSION)
	cp dist/biscoito.js dist/biscoito_bg.wasm README.md docs/LEIAME.md LICENSE-MIT LICENSE-APACHE \
	  docs/biscoito.schema.json docs/config-reference.en.md docs/config-reference.pt-BR.md $(RELEASE_DIR)/biscoito-$(VERSION)/
	cd $(RELEASE_DIR) && tar --sort=name --mtime=@$$(git log -1 --format=%ct) --owner=0 --group=0 --numeric-owner \
	  -cf - biscoito-$(VERSION) | gzip -9n > biscoito-$(VERSION).tar.gz
	cd $(RELEASE_DIR)/biscoito-$(VERSION) && sha256sum biscoito.js biscoito_bg.wasm > ../SHA256SUMS
	cd $(RELEASE_DIR) && sha256sum biscoito-$(VERSION).tar.gz >> SHA256SUMS && rm -rf biscoito-$(VERSION)
	cd $(RELEASE_DIR) && mkdir check && tar -xzf biscoito-$(VERSION).tar.gz -C check && \
	  (cd check/biscoito-$(VERSION) && grep -v tar.gz ../../SHA256SUMS | sha256sum -c --quiet) && rm -rf check
	@echo "$(RELEASE_DIR)/:"; cat $(RELEASE_DIR)/SHA256SUMS

clean:
	rm -rf dist pkg $(DIST_BUILD) target/checker target/release-artifacts
