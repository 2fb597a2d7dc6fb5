#!/usr/bin/env bash
# Runs the whole conformance suite against every mutant of
# adapters/mutants/mutants.txt (the reference with one deliberate fault each)
# and prints, per mutant, whether the suite caught it (a FAIL or an ERROR)
# and how many cases did, then the mutation score. Reports go to
# out/mutants/<name>.xml (rich JUnit). Slow: one full run per mutant. The
# CTest test adapters (tests/adapters/mutants_test.cc) runs only the cases
# that target each mutant. Usage: scripts/mutants.sh [BUILD_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" -j "$(nproc)" --target wskconf_suite wskconf_mutants >/dev/null || exit 2
mkdir -p out/mutants
mutants=0 caught=0
while IFS='|' read -r name clause _rest; do
  name=$(echo "$name" | tr -d ' ') clause=$(echo "$clause" | tr -d ' ')
  case $name in ''|'#'*|control) continue ;; esac
  mutants=$((mutants + 1))
  "$build/conformance/wskconf" run --adapter "mutant-$name" --jobs "$(nproc)" \
    --case-timeout 5 --junit-rich "out/mutants/$name.xml" >"out/mutants/$name.log" 2>&1
  code=$?
  out=$(grep ' cases against ' "out/mutants/$name.log" | tail -1)
  if [ "$code" -eq 1 ]; then
    caught=$((caught + 1)); verdict=caught
  else
    verdict=SURVIVED
  fi
  printf '%-8s %-45s %-45s %s\n' "$verdict" "$name" "$clause" "$out"
done < adapters/mutants/mutants.txt
awk -v c="$caught" -v m="$mutants" \
  'BEGIN { printf "mutation score (whole suite): %d of %d caught (%.1f%%)\n", c, m, m ? 100 * c / m : 0 }'
