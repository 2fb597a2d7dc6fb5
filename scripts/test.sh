#!/usr/bin/env bash
# Builds and runs every test of wskconf: the normal build, a bounded libFuzzer
# run of the spec loader, the reference provider's tests under the thread
# sanitizer, then the address+undefined sanitizer build (last, so CTest's
# summary closes the output). Incremental: a second run with nothing
# changed only re-runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

jobs=$(nproc)
# run_build <dir> <ctest args...> -- [cmake args...]
run_build() {
  local dir=$1; shift
  local ctest_args=()
  while [ "$1" != "--" ]; do ctest_args+=("$1"); shift; done
  shift
  cmake -S . -B "$dir" -G Ninja -DWSKCONF_BUILD_TESTS=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  # The generated conformance cases (label `conformance`) are checked by the
  # gate below, against the reference's expected-failure list; every other
  # test must pass.
  ctest --test-dir "$dir" -j "$jobs" --output-on-failure --timeout 120 \
    "${ctest_args[@]}"
  # Under each completion policy (the seed is fixed so a failure reruns).
  local policy
  for policy in inline pend random:20261130; do
    scripts/conformance_gate.sh "$dir" --policy "$policy"
  done
}

echo "== normal build =="
run_build build -LE '^conformance$' -- -DWSKCONF_BUILD_BENCH=ON
echo "== fuzz the spec loader (libFuzzer, 30 s) =="
# A separate clang build of only the fuzz target; the seed corpus is the real
# spec plus the loader's test fixtures, new inputs go to build-fuzz/corpus.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DWSKCONF_FUZZ=ON \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-fuzz -j "$jobs" --target wskconf_spec_loader_fuzzer
mkdir -p build-fuzz/corpus
build-fuzz/tests/spec/fuzz/wskconf_spec_loader_fuzzer -max_total_time=30 \
  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build-fuzz/ \
  build-fuzz/corpus spec tests/spec/fixtures
echo "== thread sanitizer build (reference tests, agent host) =="
# Close, cancel and completion racing in the reference provider, and the
# agent host's threads (a ChildProcess waited for and killed from two
# threads; a session's reader threads against a fake relay); only their
# test targets are built there, to keep the cost small.
cmake -S . -B build-tsan -G Ninja -DWSKCONF_BUILD_TESTS=ON \
  -DWSKCONF_SANITIZE=thread >/dev/null
cmake --build build-tsan -j "$jobs" --target reference_test reference_exports_test \
  agent_child_process_test agent_session_test
TSAN_OPTIONS=halt_on_error=1 \
  ctest --test-dir build-tsan -L reference -j "$jobs" --output-on-failure --timeout 120
TSAN_OPTIONS=halt_on_error=1 \
  ctest --test-dir build-tsan -R '^(ChildProcessTest|AgentSession[A-Za-z]*|WinePrefixLock)\.' \
  -j "$jobs" --output-on-failure --timeout 120
echo "== sanitizer build (address+undefined) =="
# Everything again but the Wine route (its work happens in Wine's processes,
# which the sanitizers do not see) and the mutation run (61 runs of the
# suite against deliberately broken providers; the normal build runs it, and
# the gate below runs the suite itself under the sanitizers), to keep CI short.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_build build-asan -LE '^(conformance|wine)$' -E '^Mutants\.' -- \
    -DWSKCONF_SANITIZE=address -DCMAKE_BUILD_TYPE=Debug
