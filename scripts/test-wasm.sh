#!/usr/bin/env bash
# Runs the wasm-bindgen tests once per browser named in wasm-pack.toml, each
# run seeing only its own WebDriver variable, and fails unless the test
# runner says it ran in that browser.
#
# Why: wasm-bindgen's runner takes GECKODRIVER whenever it is set, whatever
# --chrome says, so `wasm-pack test --chrome --firefox` with both driver
# variables exported ran Firefox twice and reported Chrome as passed.
#
# Usage: scripts/test-wasm.sh [browser...]   (default: wasm-pack.toml's list)
set -euo pipefail
cd "$(dirname "$0")/.."

browsers=("$@")
if [ "${#browsers[@]}" -eq 0 ]; then
  read -r -a browsers <<<"$(awk -F' *= *' '$1 == "browsers" { gsub(/"/, "", $2); print $2; exit }' wasm-pack.toml)"
fi

CHROMEDRIVER_PATH="${CHROMEDRIVER:-/usr/bin/chromedriver}"
GECKODRIVER_PATH="${GECKODRIVER:-${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver}"
log_dir="target/test-wasm"
mkdir -p "$log_dir"

for browser in "${browsers[@]}"; do
  # Every driver variable the runner looks at is dropped; the browser's own is set again.
  clean=(env -u GECKODRIVER -u CHROMEDRIVER -u SAFARIDRIVER -u MSEDGEDRIVER
    -u GECKODRIVER_REMOTE -u CHROMEDRIVER_REMOTE -u SAFARIDRIVER_REMOTE -u MSEDGEDRIVER_REMOTE)
  case "$browser" in
    chrome) name=Chrome; run=("${clean[@]}" "CHROMEDRIVER=$CHROMEDRIVER_PATH" wasm-pack test --headless --chrome) ;;
    firefox) name=Firefox; run=("${clean[@]}" "GECKODRIVER=$GECKODRIVER_PATH" wasm-pack test --headless --firefox) ;;
    # WebKitGTK stands in for Safari: tests/e2e/webkit.mjs starts Xvfb and
    # WebKitWebDriver behind an endpoint that gives each session MiniBrowser's
    # capabilities, which the runner (sending none) cannot. The runner then
    # takes SAFARIDRIVER_REMOTE over the driver path wasm-pack insists on.
    safari) name=Safari; run=("${clean[@]}" node tests/e2e/webkit.mjs bash -c \
      'SAFARIDRIVER_REMOTE="$WEBKIT_DRIVER_URL" exec wasm-pack test --headless --safari --safaridriver "$(command -v WebKitWebDriver)"') ;;
    *) echo "test-wasm: unknown browser '$browser' (chrome, firefox, safari)" >&2; exit 2 ;;
  esac
  log="$log_dir/$browser.log"
  echo "== wasm-bindgen tests in $name"
  "${run[@]}" 2>&1 | tee "$log"
  # The exit code says the tests passed; only this line says where.
  if ! grep -q "Running headless tests in $name " "$log"; then
    echo "test-wasm: the runner did not say \"Running headless tests in $name\": $name was not tested (log: $log)" >&2
    exit 1
  fi
  if ! grep -Eq "^test result: ok\. [1-9][0-9]* passed" "$log"; then
    echo "test-wasm: no passing test result in $name (log: $log)" >&2
    exit 1
  fi
done
