#!/usr/bin/env bash
# Builds and runs the benchmarks, then prints each measured path as a ratio
# to its host baseline from the same run (real time).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DWSKCONF_BUILD_TESTS=OFF -DWSKCONF_BUILD_BENCH=ON >/dev/null
cmake --build build-bench -j "$(nproc)" --target kernel_bench
out=$(mktemp)
trap 'rm -f "$out"' EXIT
build-bench/bench/kernel_bench --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true "$@" | tee "$out"
echo
echo "ratios (median real time, kernel runtime / host baseline):"
awk '
  $1 ~ /_median$/ {
    name = $1; sub(/_median$/, "", name); sub(/\/real_time$/, "", name)
    t = $2; if ($3 == "us") t *= 1000; else if ($3 == "ms") t *= 1000000
    time[name] = t
  }
  END {
    split("BM_IrpRoundTrip:BM_BaselineMallocIrpSized BM_PoolAllocateFree:BM_BaselineMallocIrpSized BM_EventPingPong:BM_BaselineCondVarPingPong", pairs, " ")
    for (i in pairs) {
      split(pairs[i], p, ":")
      if ((p[1] in time) && (p[2] in time) && time[p[2]] > 0)
        printf "  %-22s / %-28s %8.2fx\n", p[1], p[2], time[p[1]] / time[p[2]]
    }
  }' "$out"
