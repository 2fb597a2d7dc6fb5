#!/usr/bin/env bash
# A short slice of the generated conformance cases against Wine's netio.sys
# through the `wine` adapter (`wskconf run --adapter wine`), with Wine's
# conformance statement; every case that does not PASS must be listed with
# its verdict in the expected file, and every listed case must end so. The
# full run is a README command (agent/README.md).
#
# Usage: wine_slice_test.sh BUILD_DIR SOURCE_DIR [--update]
set -euo pipefail
build=$(cd "${1:?usage: wine_slice_test.sh BUILD_DIR SOURCE_DIR [--update]}" && pwd)
source=$(cd "${2:?usage: wine_slice_test.sh BUILD_DIR SOURCE_DIR [--update]}" && pwd)
expected=$source/tests/agent/wine_slice_expected.txt
statement=$source/agent/adapter/wine-statement.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Two cases per function family (registration, socket creation and
# closing, bind, listen, connect, send, receive, local address, control,
# accept, disconnect, the provider query that Wine lacks, address info,
# and the features Wine's statement declares unsupported: stream sockets,
# WskGetNameInfo, WskConnectEx, a Windows 8 IOCTL), the IPv4 variant of each,
# and three calls agent protocol version 4 made forwardable: a capture on a
# deregistered block, a WskDeregister that must wait for a capture, and
# WskRelease of a NULL list.
# WskCloseSocket of a listen socket is left out: on a fresh prefix under load
# Wine sometimes never completes that close (a 30 s hang, ERROR) and
# sometimes does (PASS), so it cannot have one expected verdict; the full run
# reports it.
cases=(
  WskRegister_SuccessMakesRegistrationUsable.Once
  WskRegister_MultipleInstances.Once
  WskCaptureProviderNPI_SuccessFillsNpi.Once
  WskCaptureProviderNPI_UnsupportedVersion.Once
  WskCaptureProviderNPI_FailsAfterDeregister.Once
  Registration_DeregisterWaitsForCapturesReleased.Once
  WskSocket_CategoryFromFlags.Basic_Inet
  WskSocket_CategoryFromFlags.Listen_Inet
  WskCloseSocket_CompletesWithSuccess.Basic_Inet
  WskBind_SuccessCompletesIrpWithSuccess.Listen_Inet
  WskBind_SuccessCompletesIrpWithSuccess.Datagram_Inet
  WskListen_UnboundSocketFails.Stream_Inet
  WskListen_CompletesOnceListening.Stream_Inet
  WskConnect_UnboundSocketFails.Connection_Inet
  WskConnect_UnboundSocketFails.Stream_Inet
  WskSend_InformationIsBytesSent.Connection_Inet
  WskSend_InformationIsBytesSent.Stream_Inet
  WskReceive_InformationIsBytesReceived.Connection_Inet
  WskReceive_InformationIsBytesReceived.Stream_Inet
  WskReleaseDataIndicationList_InvalidParameter.Connection_Inet
  WskGetLocalAddress_ReturnsBoundAddress.Listen_Inet
  WskGetLocalAddress_ReturnsBoundAddress.Datagram_Inet
  WskControlSocket_UnknownOptionFails.Basic_Inet
  WskControlSocket_UnknownOptionFails.Listen_Inet
  WskAccept_InformationIsAcceptedSocket.Listen_Inet
  WskAccept_InformationIsAcceptedSocket.Stream_Inet
  WSK_FLAG_STREAM_SOCKET_StreamDispatch.Stream_Inet
  WSK_FLAG_STREAM_SOCKET_TcpCombination.Stream_Inet
  WSK_PROVIDER_STREAM_DISPATCH_ReturnedForStreamSocket.Stream_Inet
  WskDisconnect_GracefulAllowsFurtherReceive.Connection_Inet
  WskDisconnect_GracefulAllowsFurtherReceive.Stream_Inet
  WskQueryProviderCharacteristics_ReportsRange.Once
  WskGetAddressInfo_NumericHost.Inet
  WskGetNameInfo_NumericHost.Inet
  WskConnectEx_NullBufferBehavesAsConnect.Connection_Inet
  SIO_LOOPBACK_FAST_PATH_FailureStatuses.Connection_Inet
)
filter=$(IFS=:; echo "${cases[*]}")

export WSKCONF_WINE_PREFIX=${WSKCONF_WINE_PREFIX:-$build/wine-prefix}
rc=0
"$build/conformance/wskconf" run --adapter wine --filter "$filter" \
  --statement "$statement" --junit "$work/junit.xml" \
  >"$work/out.txt" 2>"$work/err.txt" || rc=$?
cat "$work/out.txt"
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
  cat "$work/err.txt"
  echo "wine slice: wskconf run exited $rc" >&2
  exit 2
fi
xmllint --noout "$work/junit.xml"
# "VERDICT Case" for every case that did not pass (the runner prints them).
grep -E '^(fail|warn|skip|error) ' "$work/err.txt" \
  | awk '{print $1, $2}' | sort -u >"$work/actual.txt"
total=$(grep -Eo '^[0-9]+ cases against' "$work/out.txt" | grep -Eo '^[0-9]+')
if [ "${3:-}" = "--update" ]; then
  { echo "# Verdicts of the wine slice that are not PASS (tests/agent/wine_slice_test.sh"
    echo "# BUILD SOURCE --update rewrites this). Cases: $total"
    cat "$work/actual.txt"; } >"$expected"
  echo "wine slice: wrote $(wc -l <"$work/actual.txt") verdicts to $expected"
  exit 0
fi
want_total=$(sed -n 's/^# .*Cases: \([0-9]*\)$/\1/p' "$expected")
grep -v '^#' "$expected" | sort -u >"$work/expected.txt"
if ! diff -u "$work/expected.txt" "$work/actual.txt"; then
  echo "wine slice: verdicts differ from $expected (- expected, + actual)" >&2
  cat "$work/err.txt" >&2
  exit 1
fi
if [ "$total" != "$want_total" ]; then
  echo "wine slice: $total cases ran, $want_total expected" >&2
  exit 1
fi
echo "wine slice: $total cases, verdicts as expected"
