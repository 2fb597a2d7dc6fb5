#!/bin/sh
# check_mutant_report.sh WSKCONF XMLLINT SCHEMA_DIR MUTANT FILTER CAUSE
# Runs one mutant, expects exit 1 (a case failed or errored), CAUSE in the
# report, and both reports well-formed, the strict one valid against the
# Ant and Jenkins JUnit schemas.
set -u
wskconf=$1 xmllint=$2 schemas=$3 mutant=$4 filter=$5 cause=$6
dir=$(mktemp -d /tmp/wskconf_mutant_report.XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$wskconf" run --adapter "mutant-$mutant" --filter "$filter" --case-timeout 5 \
  --junit "$dir/strict.xml" --junit-rich "$dir/rich.xml" >"$dir/log" 2>&1
code=$?
if [ "$code" -ne 1 ]; then
  echo "mutant-$mutant: expected exit 1 (caught), got $code"; cat "$dir/log"; exit 1
fi
grep -q "$cause" "$dir/strict.xml" || {
  echo "mutant-$mutant: the report does not name the cause '$cause'"; cat "$dir/strict.xml"; exit 1; }
"$xmllint" --noout "$dir/rich.xml" || exit 1
"$xmllint" --noout --schema "$schemas/windyroad-ant-JUnit.xsd" "$dir/strict.xml" || exit 1
"$xmllint" --noout --schema "$schemas/jenkins-xunit-junit-10.xsd" "$dir/strict.xml" || exit 1
echo "mutant-$mutant: caught ($cause), reports well-formed and valid"
