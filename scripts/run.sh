#!/usr/bin/env bash
# The main job. Today: builds wskconf, then lints the WSK spec, checks it cites
# every documented API page, and prints its statistics, writing them to out/.
# The conformance run against the reference implementation is not built yet;
# this script will run it once it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

cmake -S . -B build -G Ninja -DWSKCONF_BUILD_TESTS=ON >/dev/null
cmake --build build -j "$(nproc)" --target wskconf
mkdir -p out
build/conformance/wskconf spec lint --spec spec
build/conformance/wskconf spec coverage --spec spec
build/conformance/wskconf spec stats --spec spec --json > out/spec-stats.json
build/conformance/wskconf spec stats --spec spec
echo "run: spec statistics written to out/spec-stats.json"
