#!/usr/bin/env bash
# Builds and runs every test of wskconf: the normal build, then the
# address+undefined sanitizer build. Incremental: a second run with nothing
# changed only re-runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

jobs=$(nproc)
run_build() {  # run_build <dir> [cmake args...]
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DWSKCONF_BUILD_TESTS=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" -j "$jobs" --output-on-failure --timeout 120
}

echo "== normal build =="
run_build build
echo "== sanitizer build (address+undefined) =="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_build build-asan -DWSKCONF_SANITIZE=address -DCMAKE_BUILD_TYPE=Debug
