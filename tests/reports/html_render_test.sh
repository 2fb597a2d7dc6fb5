#!/usr/bin/env bash
# Renders the HTML summaries of the sample and hostile runs in headless
# Chromium, prints them to PDF and checks the text a reader sees there:
# totals, the family x verdict matrix, a failure's expected and actual status,
# and hostile markup shown as text. Also checks the page is self-contained.
# Usage: html_render_test.sh CHROMIUM PDFTOTEXT SAMPLES_DIR WORK_DIR
set -euo pipefail
chromium=$1 pdftotext=$2 samples=$3 work=$4
rm -rf "$work" && mkdir -p "$work"

render() {  # render NAME: $work/NAME.txt holds the visible text of NAME.html
  # A profile of its own so parallel runs do not share Chromium's lock.
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
    --user-data-dir="$work/profile-$1" --no-pdf-header-footer \
    --print-to-pdf="$work/$1.pdf" "file://$samples/$1.html" >/dev/null 2>&1 \
    || { echo "html_render_test: chromium failed to render $1.html"; exit 1; }
  "$pdftotext" -layout "$work/$1.pdf" "$work/$1.txt"
}

failed=0
expect() {  # expect NAME REGEX WHAT
  if ! grep -Eq -- "$2" "$work/$1.txt"; then
    echo "html_render_test: $1.html: a reader does not see $3 (no line matching '$2')"
    failed=1
  fi
}

for page in sample hostile; do
  if grep -Eiq '<script|<link|src=|https?://' "$samples/$page.html"; then
    echo "html_render_test: $page.html is not self-contained (script or external reference)"
    failed=1
  fi
  render "$page"
done

expect sample '^7 cases: 2 pass, 2 fail, 1 warn, 1 skip, 1 error$' "the totals"
expect sample 'Outcome: FAILED' "the outcome"
expect sample '^ *WskBind +0 +0 +1 +1 +1 +3$' "the WskBind row of the matrix"
expect sample '^ *WskSend +1 +1 +0 +0 +0 +2$' "the WskSend row of the matrix"
expect sample 'WSK_Send_0002/Tcp_Inet6 .*STATUS_INVALID_PARAMETER +STATUS_SUCCESS' \
  "the failure's expected and actual status"
expect sample 'not supported: the conformance statement' "the skip reason"
expect hostile "<a b=\"c\" d='e'>" "hostile markup as text"
expect hostile '\\x00\\x01' "escaped control bytes"
exit $failed
