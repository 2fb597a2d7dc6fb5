#!/usr/bin/env bash
# The main job: builds wskconf, the conformance binaries and the reference
# provider; checks the spec against the WSK documentation when it is there;
# runs every conformance case against the reference and writes the reports to
# out/ (junit.xml strict, junit-rich.xml, report.html), printing the totals.
# Exit code: that of `wskconf run` (0 every MUST passed, 1 not, 2 unusable).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

cmake -S . -B build -G Ninja -DWSKCONF_BUILD_TESTS=ON >/dev/null
cmake --build build -j "$(nproc)" --target wskconf_suite
mkdir -p out
wskconf=build/conformance/wskconf

# The lint and coverage check read the documentation snapshot; a clone
# without it still runs the suite.
docs=${WSKCONF_DOCS:-../shared/wsk-docs}
if [ -d "$docs" ]; then
  WSKCONF_DOCS=$docs $wskconf spec lint --spec spec
  WSKCONF_DOCS=$docs $wskconf spec coverage --spec spec
else
  echo "run: no WSK documentation at '$docs': spec lint and coverage skipped (set WSKCONF_DOCS=DIR to run them)"
fi
$wskconf spec stats --spec spec --json > out/spec-stats.json

if ! grep -qv '^#' build/conformance/suite.txt; then
  echo "run: no conformance binaries are registered in this build tree (build/conformance/suite.txt); nothing to run"
  exit 0
fi
start=$(date +%s.%N)
status=0
$wskconf run --adapter reference --jobs "$(nproc)" --junit out/junit.xml \
  --junit-rich out/junit-rich.xml --html out/report.html || status=$?
end=$(date +%s.%N)
if [ "$status" -le 1 ]; then
  awk -v s="$start" -v e="$end" 'BEGIN { printf "run: the conformance run took %.1f s\n", e - s }'
  echo "run: reports in out/junit.xml (strict JUnit), out/junit-rich.xml (with clause data), out/report.html (summary)"
fi
exit "$status"
