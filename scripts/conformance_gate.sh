#!/usr/bin/env bash
# The test command's check of the generated conformance cases against the
# reference provider: runs them with `wskconf run` and compares the cases that
# do not pass (FAIL or ERROR) with the committed expected-failure list, in the
# manner of gVisor's syscall tests. A case failing that is not listed fails
# the gate (a regression); a listed case that now passes fails it too, so the
# list never hides a fixed case. `--update` rewrites the list instead.
#
# The same list holds under every completion policy: `--policy` runs the
# cases under pend or random:SEED instead of the default inline.
#
# Usage: scripts/conformance_gate.sh BUILD_DIR [--update] [--policy POLICY]
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/conformance_gate.sh BUILD_DIR [--update] [--policy inline|pend|random:SEED]"
build=${1:?$usage}
shift
update=0
policy=inline
while [ $# -gt 0 ]; do
  case $1 in
    --update) update=1 ;;
    --policy) policy=${2:?$usage}; shift ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
  shift
done
list=conformance/expected-failures/reference.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Exit 1 only means "a MUST failed", which the list accounts for; 2 and
# anything else mean the run itself could not be done.
rc=0
"$build/conformance/wskconf" run --adapter reference --policy "$policy" --jobs "$(nproc)" \
  --junit "$work/junit.xml" >"$work/run.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
  cat "$work/run.log"
  echo "conformance gate: wskconf run exited $rc" >&2
  exit 2
fi

# Suite.Case of every testcase with a <failure> or an <error>, one per line
# (the strict writer puts each <testcase> start tag and each verdict element
# at the start of a line of its own).
awk '/<testcase / {
       match($0, / name="[^"]*"/); name = substr($0, RSTART + 7, RLENGTH - 8)
       match($0, / classname="[^"]*"/); suite = substr($0, RSTART + 12, RLENGTH - 13)
     }
     /^ *<(failure|error)[ >]/ { print suite "." name }' "$work/junit.xml" \
  | sort -u >"$work/actual.txt"
total=$(xmllint --xpath 'count(//testcase)' "$work/junit.xml")

if [ "$update" -eq 1 ]; then
  {
    echo "# Generated conformance cases that fail against the reference provider"
    echo "# today (FAIL or ERROR): features it does not implement yet. Refreshed"
    echo "# with scripts/conformance_gate.sh build --update; see the README."
    cat "$work/actual.txt"
  } >"$list"
  echo "conformance gate: wrote $(wc -l <"$work/actual.txt") expected failures of $total cases to $list"
  exit 0
fi

# (grep finds nothing, and fails, once the list holds only its header.)
{ grep -v '^#' "$list" || true; } | sort -u >"$work/expected.txt"
new=$(comm -23 "$work/actual.txt" "$work/expected.txt")
fixed=$(comm -13 "$work/actual.txt" "$work/expected.txt")
echo "conformance gate ($policy): $total cases, $(wc -l <"$work/actual.txt") failing," \
  "$(wc -l <"$work/expected.txt") expected to fail"
status=0
if [ -n "$new" ]; then
  echo "conformance gate: failing but not in $list (a regression):"
  echo "$new" | sed 's/^/  /'
  grep -F -f <(echo "$new") "$work/run.log" | head -40 || true
  status=1
fi
if [ -n "$fixed" ]; then
  echo "conformance gate: passing now, remove from $list:"
  echo "$fixed" | sed 's/^/  /'
  status=1
fi
exit "$status"
