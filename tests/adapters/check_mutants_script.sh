#!/bin/sh
# check_mutants_script.sh SOURCE_DIR BUILD_DIR
# scripts/mutants.sh on two mutants' own cases: with a survivor among them
# the score (50%) is under the 90% target, so it exits 1 and prints the
# survivor with the reason survivors.txt gives; with a caught mutant alone it
# exits 0, also in the default (staged) mode against a whole-suite baseline.
set -u
src=$1 build=$2
dir=$(mktemp -d /tmp/wskconf_mutants_script.XXXXXX)
trap 'rm -rf "$dir"' EXIT
fail() { echo "mutants.sh: $1"; cat "$dir/log"; exit 1; }

"$src/scripts/mutants.sh" "$build" --no-build --targeted --out "$dir/out" \
  --only irp-completes-twice,opt-unknown-request-type-succeeds >"$dir/log" 2>&1
code=$?
[ "$code" -eq 1 ] || fail "a 50% score: expected exit 1, got $code"
grep -q '^caught   irp-completes-twice ' "$dir/log" || fail "irp-completes-twice not caught"
grep -q '^SURVIVED opt-unknown-request-type-succeeds ' "$dir/log" || fail "no SURVIVED line"
grep -q '1 of 2 caught (50.0%; target 90%)' "$dir/log" || fail "no score line"
reason=$(grep '^opt-unknown-request-type-succeeds ' "$src/adapters/mutants/survivors.txt" | cut -d'|' -f2- |
         sed 's/^ *//')
[ -n "$reason" ] || fail "survivors.txt lists no reason for opt-unknown-request-type-succeeds"
grep -qF "  opt-unknown-request-type-succeeds (WskControlSocket.UnknownRequestTypeFails): $reason" "$dir/log" ||
  fail "the survivor is not printed with its reason"

"$src/scripts/mutants.sh" "$build" --no-build --targeted --out "$dir/out" \
  --only irp-completes-twice >"$dir/log" 2>&1
code=$?
[ "$code" -eq 0 ] || fail "a 100% score: expected exit 0, got $code"
grep -q '1 of 1 caught (100.0%' "$dir/log" || fail "no score line"
grep -q '^survivors:' "$dir/log" && fail "a survivors list without survivors"

# The default: a mutant its own cases catch is not run on the whole suite.
"$src/scripts/mutants.sh" "$build" --no-build --out "$dir/out" \
  --only irp-completes-twice >"$dir/log" 2>&1
code=$?
[ "$code" -eq 0 ] || fail "staged, one caught mutant: expected exit 0, got $code"
grep -q '^caught   irp-completes-twice  *own cases: ' "$dir/log" ||
  fail "staged: not caught by its own cases"
grep -q 'mutation score (whole suite): 1 of 1 caught' "$dir/log" || fail "staged: no score line"

"$src/scripts/mutants.sh" "$build" --no-build --only no-such-mutant >"$dir/log" 2>&1
[ $? -eq 2 ] || fail "an unknown mutant: expected exit 2"
echo "mutants.sh: exit codes, score and survivor reasons as documented"
