#!/usr/bin/env bash
# Installs the Debian packages wskconf builds with, only those missing, so a
# second run does nothing. Needs root (or sudo) the first time on a new machine.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang libclang-rt-14-dev  # build; clang for libFuzzer
  libgtest-dev libgmock-dev libbenchmark-dev      # tests, mocks, benchmarks
  libtinyxml2-dev                                 # spec loading, report writing
  libcli11-dev libfmt-dev                         # command line, formatting
  libxml2-utils                                   # xmllint: XSD validation
  mingw-w64-common                                # NTSTATUS cross-check
  chromium poppler-utils                          # HTML report as seen: render, pdftotext
  wine64 gcc-mingw-w64-x86-64                     # the Wine route (agent/)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
