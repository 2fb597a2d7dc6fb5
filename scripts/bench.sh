#!/usr/bin/env bash
# Builds and runs the benchmarks, then prints each measured path as a ratio
# to its host baseline from the same run (real time).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DWSKCONF_BUILD_TESTS=OFF -DWSKCONF_BUILD_BENCH=ON >/dev/null
cmake --build build-bench -j "$(nproc)" --target kernel_bench reference_bench
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
    split("BM_IrpRoundTrip:BM_BaselineMallocIrpSized BM_PoolAllocateFree:BM_BaselineMallocIrpSized BM_WaitSignalledEvent:BM_BaselineMutexLockUnlock BM_EventPingPong:BM_BaselineCondVarPingPong", pairs, " ")
    for (i in pairs) {
      split(pairs[i], p, ":")
      if ((p[1] in time) && (p[2] in time) && time[p[2]] > 0)
        printf "  %-22s / %-28s %8.2fx\n", p[1], p[2], time[p[1]] / time[p[2]]
    }
  }' "$out"

# The reference provider against plain host sockets, inline policy, then
# RoundTrip again under the pend policy.
ref=$(mktemp)
trap 'rm -f "$out" "$ref"' EXIT
echo
WSKCONF_POLICY=inline build-bench/bench/reference_bench --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true "$@" | tee "$ref"
WSKCONF_POLICY=pend build-bench/bench/reference_bench --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_filter='^RoundTrip/reference' |
  sed 's|^RoundTrip/reference|RoundTripPend/reference|' | tee -a "$ref"
echo
echo "reference / raw (median real time; throughput and rate as reference/raw):"
awk '
  $1 ~ /_median$/ {
    name = $1; sub(/_median$/, "", name); sub(/\/real_time$/, "", name)
    time[name] = ns($2, $3); cpu[name] = ns($4, $5)
  }
  function ns(t, unit) {
    if (unit == "us") return t * 1000; if (unit == "ms") return t * 1000000
    if (unit == "s") return t * 1000000000; return t
  }
  function ratio(a, b) { return (a in time) && (b in time) && time[b] > 0 ? time[a] / time[b] : -1 }
  function cpu_ratio(a, b) { return (a in cpu) && (b in cpu) && cpu[b] > 0 ? cpu[a] / cpu[b] : -1 }
  # The CPU-time ratio of the same pair follows in brackets: on a busy
  # machine real time mostly measures waiting for a core.
  function line(label, value, target) {
    if (value < 0) { printf "  %-44s  (not measured)\n", label; return }
    printf "  %-44s %8.2fx   target %-10s (cpu %.2fx)\n", label, value, target, cpu_value
  }
  END {
    cpu_value = cpu_ratio("StreamThroughput/raw", "StreamThroughput/reference")
    line("StreamThroughput bytes/s, reference / raw", ratio("StreamThroughput/raw", "StreamThroughput/reference"), ">= 0.9")
    cpu_value = cpu_ratio("RoundTrip/reference", "RoundTrip/raw")
    line("RoundTrip time, reference / raw (inline)", ratio("RoundTrip/reference", "RoundTrip/raw"), "<= 1.5")
    cpu_value = cpu_ratio("RoundTripPend/reference", "RoundTrip/raw")
    line("RoundTrip time, reference / raw (pend)", ratio("RoundTripPend/reference", "RoundTrip/raw"), "(reported)")
    cpu_value = cpu_ratio("AcceptRate/raw", "AcceptRate/reference")
    line("AcceptRate accepts/s, reference / raw", ratio("AcceptRate/raw", "AcceptRate/reference"), ">= 0.7")
    cpu_value = cpu_ratio("IrpCycle/reference", "IrpCycle/raw")
    line("IrpCycle time, reference / raw", ratio("IrpCycle/reference", "IrpCycle/raw"), "(reported)")
    for (n = 10; n <= 10000; n *= 10) {
      cpu_value = cpu_ratio("SendCost/reference/" n, "SendCost/raw/" n)
      line("SendCost/" n " time, reference / raw", ratio("SendCost/reference/" n, "SendCost/raw/" n), "(reported)")
    }
    cpu_value = cpu_ratio("SendCost/reference/10000", "SendCost/reference/10")
    line("SendCost reference, 10000 sockets / 10", ratio("SendCost/reference/10000", "SendCost/reference/10"), "<= 1.2")
    cpu_value = cpu_ratio("SendCost/raw/10000", "SendCost/raw/10")
    line("SendCost raw, 10000 sockets / 10", ratio("SendCost/raw/10000", "SendCost/raw/10"), "(reported)")
    # Round all N sockets: cache misses on N sockets grow on both sides.
    cpu_value = cpu_ratio("SendSpread/reference/10000", "SendSpread/reference/10")
    line("SendSpread reference, 10000 sockets / 10", ratio("SendSpread/reference/10000", "SendSpread/reference/10"), "(reported)")
    cpu_value = cpu_ratio("SendSpread/raw/10000", "SendSpread/raw/10")
    line("SendSpread raw, 10000 sockets / 10", ratio("SendSpread/raw/10000", "SendSpread/raw/10"), "(reported)")
  }' "$ref"
echo "memory per socket (bytes_per_socket, heap growth per open socket):"
grep -E '^SendCost/(reference|raw)/[0-9]+/real_time_median' "$ref" |
  sed -E 's|^(SendCost/[a-z]+/[0-9]+)/real_time_median.*bytes_per_socket=([0-9.k]+).*|  \1 \2|'
