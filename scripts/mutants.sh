#!/usr/bin/env bash
# Runs the conformance suite against every mutant of
# adapters/mutants/mutants.txt (the reference with one deliberate fault each)
# and prints, per mutant, whether the suite caught it and with which case,
# then the mutation score, every survivor with its reason
# (adapters/mutants/survivors.txt) and the wall time.
#
# A mutant is caught when a case that passes (or warns) against the
# reference fails or ends in ERROR against it: a first run of the whole
# suite against the reference is the baseline, and `wskconf report diff`
# names the cases that newly fail. The cases the reference itself fails say
# nothing. Each mutant first runs its own cases (mutants.txt's filter
# column); only a mutant they do not catch runs the whole suite. Its own
# cases are part of the suite and run the same way there, so the score is
# the whole suite's, without running all of it against mutants that make
# nearly every case hang: one such mutant costs ~1,000 cases x the 5 s case
# limit (about 45 minutes on 2 cores). --full runs the whole suite against
# every mutant all the same. Reports go to out/mutants/<name>.xml (rich
# JUnit), logs and diffs beside them. The CTest test adapters
# (tests/adapters/mutants_test.cc) runs only each mutant's own cases.
#
# Usage: scripts/mutants.sh [BUILD_DIR] [--no-build] [--only NAME[,NAME...]]
#                           [--targeted | --full] [--out DIR]
#   --no-build   use the build as it is (for the script's own test)
#   --only       run only these mutants
#   --targeted   only each mutant's own cases, and the baseline on them
#   --full       the whole suite against every mutant (slow, see above)
#   --out DIR    where reports and logs go (default out/mutants)
# Exit: 0 when at least 90% of the mutants run are caught, 1 when fewer
# are, 2 when the build, the baseline or a table is unusable.
set -uo pipefail
cd "$(dirname "$0")/.."
build=build build_first=1 only="" mode=staged out=out/mutants
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build_first=0 ;;
    --only) only=${2:?--only needs a list of mutant names}; shift ;;
    --targeted) mode=targeted ;;
    --full) mode=full ;;
    --out) out=${2:?--out needs a folder}; shift ;;
    -*) echo "mutants.sh: unknown option '$1'" >&2; exit 2 ;;
    *) build=$1 ;;
  esac
  shift
done
readonly target_percent=90 case_timeout=5
wskconf=$build/conformance/wskconf
table=adapters/mutants/mutants.txt survivors=adapters/mutants/survivors.txt
jobs=$(nproc)
start=$(date +%s)

if [ "$build_first" -eq 1 ]; then
  cmake --build "$build" -j "$jobs" --target wskconf wskconf_suite wskconf_mutants \
    >/dev/null || { echo "mutants.sh: the build failed" >&2; exit 2; }
fi
[ -x "$wskconf" ] || { echo "mutants.sh: no $wskconf (build it first)" >&2; exit 2; }
mkdir -p "$out" || exit 2

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

# The mutants to run: name and filter, from the table.
names=() filters=() clauses=()
while IFS='|' read -r name clause _family filter _fault; do
  name=$(trim "$name")
  case $name in ''|'#'*|control) continue ;; esac
  if [ -n "$only" ] && [[ ",$only," != *",$name,"* ]]; then continue; fi
  names+=("$name") clauses+=("$(trim "$clause")") filters+=("$(trim "$filter")")
done < "$table"
if [ ${#names[@]} -eq 0 ]; then
  echo "mutants.sh: no mutant of $table matches '${only:-anything}'" >&2
  exit 2
fi

# The reason survivors.txt gives for a mutant, or nothing.
reason_of() {
  local name reason
  while IFS='|' read -r name reason; do
    [ "$(trim "$name")" = "$1" ] && { trim "$reason"; return; }
  done < <(grep -v '^[[:space:]]*#' "$survivors")
}

# run_suite <adapter> <report> <log> [filter]: one run, its exit code.
run_suite() {
  local args=(run --adapter "$1" --jobs "$jobs" --case-timeout "$case_timeout"
              --junit-rich "$2")
  [ -n "${4:-}" ] && args+=(--filter "$4")
  "$wskconf" "${args[@]}" >"$3" 2>&1
}

baseline_filter=""
if [ "$mode" = targeted ]; then
  baseline_filter=$(IFS=:; echo "${filters[*]}")
fi
run_suite reference "$out/reference.xml" "$out/reference.log" "$baseline_filter"
if [ $? -eq 2 ] || [ ! -s "$out/reference.xml" ]; then
  echo "mutants.sh: the baseline run against the reference failed:" >&2
  tail -5 "$out/reference.log" >&2
  exit 2
fi
echo "baseline: $(grep ' cases against ' "$out/reference.log" | tail -1)"

# judge <name> <filter>: runs the mutant (whole suite when the filter is
# empty) and sets verdict (caught|SURVIVED) and evidence.
judge() {
  local name=$1 code diff_code newly count warned
  run_suite "mutant-$name" "$out/$name.xml" "$out/$name.log" "$2"
  code=$?
  if [ "$code" -eq 2 ] || [ ! -s "$out/$name.xml" ]; then
    verdict=SURVIVED evidence="unusable run (exit $code): $(tail -1 "$out/$name.log")"
    return
  fi
  "$wskconf" report diff "$out/reference.xml" "$out/$name.xml" >"$out/$name.diff" 2>&1
  diff_code=$?
  newly=$(awk '/^newly failing/ {on=1; next} /^[^ ]/ {on=0} on && NF {print $1}' \
          "$out/$name.diff")
  count=$(printf '%s' "$newly" | grep -c . || true)
  if [ "$diff_code" -eq 1 ] && [ "$count" -gt 0 ]; then
    verdict=caught
    evidence="$count cases newly fail, e.g. $(printf '%s\n' "$newly" | head -1)"
  else
    verdict=SURVIVED
    warned=$(grep -c -- '-> warn' "$out/$name.diff" || true)
    evidence="no case the reference passes fails ($warned more WARN)"
    [ "$diff_code" -eq 2 ] && evidence="report diff failed: $(head -1 "$out/$name.diff")"
  fi
}

caught=0 total=0 survivor_lines=""
for i in "${!names[@]}"; do
  name=${names[$i]} clause=${clauses[$i]}
  total=$((total + 1))
  case $mode in
    full) judge "$name" "" ;;
    targeted) judge "$name" "${filters[$i]}" ;;
    staged)
      judge "$name" "${filters[$i]}"
      if [ "$verdict" = caught ]; then
        evidence="own cases: $evidence"
      else
        judge "$name" ""
        evidence="whole suite: $evidence"
      fi ;;
  esac
  if [ "$verdict" = caught ]; then
    caught=$((caught + 1))
  else
    reason=$(reason_of "$name")
    survivor_lines+="  $name ($clause): ${reason:-NOT EXPLAINED in $survivors}"$'\n'
  fi
  printf '%-8s %-42s %s\n' "$verdict" "$name" "$evidence"
done

elapsed=$(($(date +%s) - start))
percent=$((100 * caught / total))
printf 'mutation score (%s): %d of %d caught (%d.%d%%; target %d%%), %dm%02ds\n' \
  "$([ "$mode" = targeted ] && echo "own cases only" || echo "whole suite")" \
  "$caught" "$total" "$percent" $(((1000 * caught / total) % 10)) "$target_percent" \
  $((elapsed / 60)) $((elapsed % 60))
if [ -n "$survivor_lines" ]; then printf 'survivors:\n%s' "$survivor_lines"; fi
[ $((100 * caught)) -ge $((target_percent * total)) ]
