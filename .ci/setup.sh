#!/usr/bin/env bash
# Installs everything `make demo` and `make test` need on a fresh machine,
# skipping each piece that is already there. Safe to run again and again.
# Usage: .ci/setup.sh [wasm|browsers|webkit|e2e|model|bench|postgres|servers|all]
# (browsers: Chromium, Firefox ESR and WebKitGTK with their drivers, and Xvfb;
# webkit: WebKitGTK and Xvfb alone; model: Chromium and the test packages,
# all `make test-model` drives)
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"
what="${1:-all}"

say() { printf '[setup] %s\n' "$*"; }
# Checks read a command's whole output first: `cmd | grep -q` under pipefail
# fails when grep stops reading early and cmd dies of SIGPIPE, which made
# every warm run reinstall geckodriver.

# A lock file shipped inside a crate can name a version the registry later
# yanked; fall back to a fresh resolution rather than fail the set-up.
cargo_install() {
  cargo install --locked "$@" || cargo install "$@"
}

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly,
# otherwise wasm-pack tries to download one (and this machine has no internet).
locked_wasm_bindgen() {
  awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock
}

setup_wasm() {
  if ! grep -qx wasm32-unknown-unknown <<<"$(rustup target list --installed)"; then
    say "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  local nightly; nightly="$(awk -F' *= *' '$1 == "dist_toolchain" { gsub(/"/, "", $2); print $2 }' wasm-pack.toml)"
  if ! grep -q '^rust-src' <<<"$(rustup component list --installed --toolchain "$nightly" 2>/dev/null)"; then
    say "installing rust $nightly with rust-src (dist/ rebuilds std for size)"
    rustup toolchain install "$nightly" --profile minimal --component rust-src
  fi
  if [ ! -f Cargo.lock ]; then cargo generate-lockfile; fi
  local wb; wb="$(locked_wasm_bindgen)"
  if ! grep -q " $wb\$" <<<"$(wasm-bindgen --version 2>/dev/null)"; then
    say "installing wasm-bindgen-cli $wb"
    cargo_install wasm-bindgen-cli --version "=$wb" --force
  fi
  if ! grep -q " $WASM_PACK_VERSION\$" <<<"$(wasm-pack --version 2>/dev/null)"; then
    say "installing wasm-pack $WASM_PACK_VERSION"
    cargo_install wasm-pack --version "=$WASM_PACK_VERSION" --force
  fi
  # Debian's binaryen is too old for current rustc output; npm's works.
  # terser, from the same package.json, minifies the JS glue.
  setup_node
}

setup_node() {
  if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules ]; then
    say "installing npm packages for the build and end-to-end tests"
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
    touch tests/e2e/node_modules
  fi
}

# The tiny bundled apps of tests/apps/ (apps.test.mjs): their bundlers, pinned.
# The test itself installs the freshly packed Biscoito into each.
setup_apps() {
  local app
  for app in tests/apps/*/; do
    if [ ! -d "$app/node_modules" ] || [ "$app/package-lock.json" -nt "$app/node_modules" ]; then
      say "installing the bundler of $app"
      (cd "$app" && npm ci --no-audit --no-fund --loglevel=error)
      touch "$app/node_modules"
    fi
  done
}

# The bench's own packages: the consent managers it compares, pinned.
setup_bench() {
  if [ ! -d bench/node_modules ] || [ bench/package-lock.json -nt bench/node_modules ]; then
    say "installing npm packages for the bench"
    (cd bench && npm ci --no-audit --no-fund --loglevel=error)
    touch bench/node_modules
  fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    say "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Chromium and its headless shell, without the other engines.
setup_chromium() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  # The same engine without the browser around it: the model test's
  # sessions that never press Back run in it, as it draws a page for less.
  command -v chromium-headless-shell >/dev/null || missing+=(chromium-headless-shell)
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
}

setup_browsers() {
  setup_chromium
  local missing=()
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  command -v firefox-esr >/dev/null || command -v firefox >/dev/null || missing+=(firefox-esr)
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
  if ! grep -q "^geckodriver $GECKODRIVER_VERSION" <<<"$(geckodriver --version 2>/dev/null)"; then
    say "installing geckodriver $GECKODRIVER_VERSION"
    cargo_install geckodriver --version "=$GECKODRIVER_VERSION" --force
  fi
}

# WebKit, Safari's engine: WebKitGTK's WebDriver and MiniBrowser (which
# ships in libwebkit2gtk-4.1-0, off PATH), under Xvfb since it has no
# headless mode. tests/e2e/webkit.mjs finds them and starts Xvfb itself.
setup_webkit() {
  local missing=()
  command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null || missing+=(xvfb)
  grep -q '/MiniBrowser$' <<<"$(dpkg -L libwebkit2gtk-4.1-0 2>/dev/null)" || missing+=(libwebkit2gtk-4.1-0)
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
}

# PostgreSQL, for the receipts service's tests against a real server
# (scripts/with-postgres.sh starts a throwaway cluster from its binaries).
setup_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then apt_install postgresql; fi
  # The package starts a system cluster; the tests use their own.
}

# Web servers `biscoito csp` writes for; tests/csp_servers.rs runs each from
# a temporary prefix. (The packages start system services on port 80 where
# they can; the tests use their own ports.)
setup_servers() {
  local missing=()
  [ -x /usr/sbin/nginx ] || missing+=(nginx)
  [ -x /usr/sbin/apache2 ] || missing+=(apache2)
  [ -x /usr/bin/caddy ] || missing+=(caddy)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

case "$what" in
  wasm) setup_wasm ;;
  browsers) setup_browsers; setup_webkit ;;
  webkit) setup_webkit ;;
  e2e) setup_node; setup_apps ;;
  model) setup_chromium; setup_node ;;
  bench) setup_browsers; setup_bench ;;
  postgres) setup_postgres ;;
  servers) setup_servers ;;
  all) setup_wasm; setup_browsers; setup_webkit; setup_node; setup_apps; setup_postgres; setup_servers ;;
  *) echo "usage: $0 [wasm|browsers|webkit|e2e|model|bench|postgres|servers|all]" >&2; exit 2 ;;
esac
