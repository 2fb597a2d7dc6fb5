// Check helpers for the client-level socket and name functions: WskSocket
// sharing and basic sockets, WskSocketConnect, WskGetAddressInfo,
// WskFreeAddressInfo and WskGetNameInfo (spec/client-level.xml, irp.xml;
// checks_core.h).
#include <wskconf/verifier.h>

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks_core.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::Payload;

namespace {

// A UNICODE_STRING over a wide string literal.
UNICODE_STRING Unicode(const wchar_t* text) {
  UNICODE_STRING out;
  RtlInitUnicodeString(&out, text);
  return out;
}

std::string Narrow(const UNICODE_STRING& text) {
  std::string out;
  for (USHORT i = 0; i < text.Length / sizeof(WCHAR); ++i) {
    out += static_cast<char>(text.Buffer[i]);
  }
  return out;
}

const wchar_t* LoopbackText(ADDRESS_FAMILY family) {
  return family == AF_INET6 ? L"::1" : L"127.0.0.1";
}

// One WskGetAddressInfo call; *result is freed by the caller.
CallOutcome GetAddressInfo(const WskClientSession& session, const wchar_t* node,
                           const wchar_t* service, ADDRINFOEXW* hints,
                           PADDRINFOEXW* result, PETHREAD thread = nullptr) {
  UNICODE_STRING node_text = node ? Unicode(node) : UNICODE_STRING{};
  UNICODE_STRING service_text = service ? Unicode(service) : UNICODE_STRING{};
  *result = nullptr;
  TrackedIrp irp("WskGetAddressInfo");
  return internal::Finish(
      irp, session.dispatch()->WskGetAddressInfo(
               session.client(), node ? &node_text : nullptr,
               service ? &service_text : nullptr, NS_ALL, nullptr, hints,
               result, nullptr, thread, irp.irp()));
}

void FreeResult(const WskClientSession& session, PADDRINFOEXW result) {
  if (result != nullptr) session.dispatch()->WskFreeAddressInfo(session.client(), result);
}

}  // namespace

void SpecificBindAfterWildcardDenied(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner first(session);
  ASSERT_TRUE(first.Create(info.category, info.address_family));
  const CallOutcome wild =
      internal::BindTo(first, WildcardAddress(info.address_family));
  ASSERT_TRUE(wild.ok);
  ASSERT_EQ(wild.status, STATUS_SUCCESS);
  SOCKADDR_STORAGE bound{};
  ASSERT_EQ(internal::GetLocalAddress(first, &bound).status, STATUS_SUCCESS);
  const USHORT port = PortOf(reinterpret_cast<PSOCKADDR>(&bound));
  WskSocketOwner second(session);
  ASSERT_TRUE(second.Create(info.category, info.address_family));
  const CallOutcome specific =
      internal::BindTo(second, LoopbackAddress(info.address_family, port));
  ASSERT_TRUE(specific.ok);
  ExpectClauseStatus(info, specific.status,
                     "WskBind to loopback on the port a NULL-descriptor socket "
                     "holds on the wildcard address");
}

void BasicSocketControlOnly(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(SocketCategory::kBasic, info.address_family));
  ExpectClauseStatus(info, socket.create_status(), "WskSocket(Flags 0)");
  // Its table is the 16-byte basic one: control and close, both set.
  EXPECT_NE(socket.basic()->WskControlSocket, nullptr);
  EXPECT_NE(socket.basic()->WskCloseSocket, nullptr);
  // An IOCTL every socket takes works on it; this one is issued without an
  // IRP (SIO_ADDRESS_LIST_QUERY.NoIrp) and completes synchronously.
  std::vector<unsigned char> out(4096);
  SIZE_T returned = 0;
  const NTSTATUS status = socket.basic()->WskControlSocket(
      socket.get(), WskIoctl, SIO_ADDRESS_LIST_QUERY, 0, 0, nullptr, out.size(),
      out.data(), &returned, nullptr);
  EXPECT_EQ(status, STATUS_SUCCESS)
      << "an IOCTL on a basic socket gave " << StatusText(status);
  EXPECT_TRUE(socket.Close());
}

void SocketConnectDelivers(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  HostTcpListener listener(internal::IsIpv6(info.address_family));
  ASSERT_TRUE(listener.ok());
  SOCKADDR_STORAGE local = LoopbackAddress(info.address_family);
  SOCKADDR_STORAGE remote = LoopbackAddress(info.address_family, listener.port());
  TrackedIrp irp("WskSocketConnect");
  const CallOutcome made = internal::Finish(
      irp, session.dispatch()->WskSocketConnect(
               session.client(), SOCK_STREAM, IPPROTO_TCP,
               reinterpret_cast<PSOCKADDR>(&local),
               reinterpret_cast<PSOCKADDR>(&remote), 0, nullptr, nullptr,
               nullptr, nullptr, nullptr, irp.irp()));
  ASSERT_TRUE(made.ok);
  if (!ExpectClauseStatus(info, made.status, "WskSocketConnect")) return;
  ASSERT_NE(made.information, 0u) << "no socket in IoStatus.Information";
  WskSocketOwner socket(session);
  socket.Adopt(reinterpret_cast<PWSK_SOCKET>(made.information),
               SocketCategory::kConnection);
  ASSERT_NE(socket.get()->Dispatch, nullptr);
  HostConnection peer = listener.Accept(kExpectCompletion);
  ASSERT_TRUE(peer.ok()) << "the host listener saw no connection";
  // Connected and bound: the remote address is the listener, the local one
  // has the family of LocalAddress, and data flows at once.
  SOCKADDR_STORAGE got{};
  ASSERT_EQ(internal::GetRemoteAddress(socket, &got).status, STATUS_SUCCESS);
  EXPECT_EQ(PortOf(reinterpret_cast<PSOCKADDR>(&got)), listener.port());
  ASSERT_EQ(internal::GetLocalAddress(socket, &got).status, STATUS_SUCCESS);
  RecordExpectedActual(fmt::format("family {}", info.address_family),
                       fmt::format("family {}", got.ss_family));
  EXPECT_EQ(got.ss_family, info.address_family);
  EXPECT_TRUE(IsLoopback(reinterpret_cast<PSOCKADDR>(&got), info.address_family));
  MdlBuffer data(Payload(64, 12));
  const CallOutcome sent = internal::Send(socket, data, 64);
  ASSERT_TRUE(sent.ok);
  EXPECT_EQ(sent.status, STATUS_SUCCESS);
  EXPECT_EQ(peer.Receive(64, kExpectCompletion), data.Contents(64));
}

void SocketConnectRefused(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Bound and never listening, held for the whole case (see its class).
  const HostRefusingTcpPort refusing(internal::IsIpv6(info.address_family));
  ASSERT_TRUE(refusing.ok()) << "the host could not bind a loopback TCP port";
  SOCKADDR_STORAGE local = LoopbackAddress(info.address_family);
  SOCKADDR_STORAGE remote = LoopbackAddress(info.address_family, refusing.port());
  TrackedIrp irp("WskSocketConnect");
  const CallOutcome made = internal::Finish(
      irp, session.dispatch()->WskSocketConnect(
               session.client(), SOCK_STREAM, IPPROTO_TCP,
               reinterpret_cast<PSOCKADDR>(&local),
               reinterpret_cast<PSOCKADDR>(&remote), 0, nullptr, nullptr,
               nullptr, nullptr, nullptr, irp.irp()));
  ASSERT_TRUE(made.ok);
  ExpectClauseStatus(info, made.status, "WskSocketConnect to a closed port");
  EXPECT_EQ(made.information, 0u) << "a socket was delivered for a failed connect";
}

void ResolveNumericHost(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  PADDRINFOEXW result = nullptr;
  const CallOutcome got = GetAddressInfo(
      session, LoopbackText(info.address_family), L"8080", nullptr, &result);
  ASSERT_TRUE(got.ok);
  if (!ExpectClauseStatus(info, got.status, "WskGetAddressInfo")) return;
  ASSERT_NE(result, nullptr) << "success without a result list";
  int entries = 0;
  for (PADDRINFOEXW e = result; e != nullptr && entries < 1000; e = e->ai_next) {
    ++entries;
    ASSERT_NE(e->ai_addr, nullptr);
    EXPECT_EQ(e->ai_family, info.address_family);
    EXPECT_EQ(e->ai_addr->sa_family, info.address_family);
    EXPECT_TRUE(IsLoopback(e->ai_addr, info.address_family))
        << "an entry does not carry the numeric address";
    EXPECT_EQ(PortOf(e->ai_addr), 8080) << "the service's port is not set "
                                           "(in network byte order)";
  }
  RecordExpectedActual("loopback entries with port 8080",
                       fmt::format("{} entries", entries));
  FreeResult(session, result);
}

void ResolveUnresolvable(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  PADDRINFOEXW result = nullptr;
  const CallOutcome got = GetAddressInfo(session, L"wskconf-no-such-host.invalid",
                                         nullptr, nullptr, &result);
  ASSERT_TRUE(got.ok);
  ExpectClauseStatus(info, got.status, "WskGetAddressInfo of an unknown name");
  EXPECT_EQ(result, nullptr) << "a list was returned for a failed lookup";
  FreeResult(session, result);
}

void ResolveThreadWithoutProcess(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  const PETHREAD thread = PsGetCurrentThread();
  if (std::string_view(info.element) == "WskGetNameInfo") {
    SOCKADDR_STORAGE address = LoopbackAddress(AF_INET, 80);
    WCHAR host[NI_MAXHOST];
    UNICODE_STRING node{0, sizeof host, host};
    TrackedIrp irp("WskGetNameInfo");
    const CallOutcome got = internal::Finish(
        irp, session.dispatch()->WskGetNameInfo(
                 session.client(), reinterpret_cast<PSOCKADDR>(&address),
                 sizeof(SOCKADDR_IN), &node, nullptr, NI_NUMERICHOST, nullptr,
                 thread, irp.irp()));
    ASSERT_TRUE(got.ok);
    ExpectClauseStatus(info, got.status, "WskGetNameInfo(OwningThread only)");
    return;
  }
  PADDRINFOEXW result = nullptr;
  const CallOutcome got =
      GetAddressInfo(session, L"127.0.0.1", nullptr, nullptr, &result, thread);
  ASSERT_TRUE(got.ok);
  ExpectClauseStatus(info, got.status, "WskGetAddressInfo(OwningThread only)");
  FreeResult(session, result);
}

void ResolveHintsFilterFamily(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  ADDRINFOEXW hints{};
  hints.ai_family = info.address_family;
  PADDRINFOEXW result = nullptr;
  // No NodeName: the local host's addresses for the service, which exist in
  // both families without depending on the host's name files.
  const CallOutcome got = GetAddressInfo(session, nullptr, L"80", &hints, &result);
  ASSERT_TRUE(got.ok);
  if (!ExpectClauseStatus(info, got.status, "WskGetAddressInfo(NULL, \"80\")")) return;
  EXPECT_NE(result, nullptr);
  for (PADDRINFOEXW e = result; e != nullptr; e = e->ai_next) {
    EXPECT_EQ(e->ai_family, info.address_family)
        << "an entry of another family than Hints->ai_family";
  }
  FreeResult(session, result);
}

void FreeAddressInfoWholeList(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  const ULONG pool_before = WskconfPoolLiveCount(0);
  const SIZE_T bytes_before = WskconfPoolLiveBytes(0);
  for (int round = 0; round < 8; ++round) {
    PADDRINFOEXW result = nullptr;
    const CallOutcome got =
        GetAddressInfo(session, L"localhost", L"80", nullptr, &result);
    ASSERT_TRUE(got.ok);
    ASSERT_EQ(got.status, STATUS_SUCCESS) << "precondition: " << StatusText(got.status);
    ASSERT_NE(result, nullptr);
    session.dispatch()->WskFreeAddressInfo(session.client(), result);
  }
  RecordExpectedActual(fmt::format("{} pool blocks", pool_before),
                       fmt::format("{} pool blocks", WskconfPoolLiveCount(0)));
  EXPECT_LE(WskconfPoolLiveCount(0), pool_before)
      << "WskFreeAddressInfo left part of the lists allocated";
  EXPECT_LE(WskconfPoolLiveBytes(0), bytes_before);
}

namespace {

struct NameOutcome {
  CallOutcome call;
  std::string host;
  std::string service;
};

// WskGetNameInfo of `address`; null_host / null_service pass NULL for that
// output.
NameOutcome GetNameInfo(const WskClientSession& session,
                        const SOCKADDR_STORAGE& address, ULONG flags,
                        bool null_host, bool null_service) {
  static thread_local WCHAR host[NI_MAXHOST];
  static thread_local WCHAR service[NI_MAXSERV];
  UNICODE_STRING host_text{0, sizeof host, host};
  UNICODE_STRING service_text{0, sizeof service, service};
  SOCKADDR_STORAGE copy = address;
  const ULONG length = copy.ss_family == AF_INET6 ? sizeof(SOCKADDR_IN6)
                                                  : sizeof(SOCKADDR_IN);
  TrackedIrp irp("WskGetNameInfo");
  NameOutcome out;
  out.call = internal::Finish(
      irp, session.dispatch()->WskGetNameInfo(
               session.client(), reinterpret_cast<PSOCKADDR>(&copy), length,
               null_host ? nullptr : &host_text,
               null_service ? nullptr : &service_text, flags, nullptr, nullptr,
               irp.irp()));
  if (out.call.ok && out.call.status == STATUS_SUCCESS) {
    if (!null_host) out.host = Narrow(host_text);
    if (!null_service) out.service = Narrow(service_text);
  }
  return out;
}

}  // namespace

void NameInfoNumeric(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  const NameOutcome got =
      GetNameInfo(session, LoopbackAddress(info.address_family, 8080),
                  NI_NUMERICHOST | NI_NUMERICSERV, false, false);
  ASSERT_TRUE(got.call.ok);
  if (!ExpectClauseStatus(info, got.call.status, "WskGetNameInfo")) return;
  const std::string host = info.address_family == AF_INET6 ? "::1" : "127.0.0.1";
  RecordExpectedActual(host + " / 8080", got.host + " / " + got.service);
  EXPECT_EQ(got.host, host) << "NI_NUMERICHOST did not give the numeric form";
  EXPECT_EQ(got.service, "8080") << "NI_NUMERICSERV did not give the port number";
}

void NameInfoOutputs(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  const SOCKADDR_STORAGE address = LoopbackAddress(AF_INET, 8080);
  if (std::string_view(info.clause_id) == "WskGetNameInfo.BothOutputsNullInvalid") {
    const NameOutcome got = GetNameInfo(session, address, NI_NUMERICHOST, true, true);
    ASSERT_TRUE(got.call.ok);
    ExpectClauseStatus(info, got.call.status, "WskGetNameInfo(both outputs NULL)");
    return;
  }
  // Only the service wanted, then only the host.
  const NameOutcome service = GetNameInfo(session, address, NI_NUMERICSERV, true, false);
  ASSERT_TRUE(service.call.ok);
  ExpectClauseStatus(info, service.call.status, "WskGetNameInfo(NodeName NULL)");
  EXPECT_EQ(service.service, "8080");
  const NameOutcome host = GetNameInfo(session, address, NI_NUMERICHOST, false, true);
  ASSERT_TRUE(host.call.ok);
  ExpectClauseStatus(info, host.call.status, "WskGetNameInfo(ServiceName NULL)");
  EXPECT_EQ(host.host, "127.0.0.1");
}

void NameInfoNameRequired(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // 192.0.2.1 (TEST-NET-1, RFC 5737) has no name anywhere.
  SOCKADDR_STORAGE address = LoopbackAddress(AF_INET, 80);
  reinterpret_cast<SOCKADDR_IN*>(&address)->sin_addr.S_un.S_addr =
      static_cast<ULONG>(192 | (0 << 8) | (2 << 16) | (1u << 24));
  const NameOutcome got = GetNameInfo(session, address, NI_NAMEREQD, false, true);
  ASSERT_TRUE(got.call.ok);
  ExpectClauseStatus(info, got.call.status, "WskGetNameInfo(NI_NAMEREQD, 192.0.2.1)");
}

void NameResolutionStatusTells(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  PADDRINFOEXW result = nullptr;
  const CallOutcome known = GetAddressInfo(session, L"127.0.0.1", nullptr, nullptr, &result);
  ASSERT_TRUE(known.ok);
  ExpectClauseStatus(info, known.status, "WskGetAddressInfo(127.0.0.1)");
  EXPECT_EQ(known.status, STATUS_SUCCESS);
  EXPECT_NE(result, nullptr);
  FreeResult(session, result);
  const CallOutcome unknown = GetAddressInfo(
      session, L"wskconf-no-such-host.invalid", nullptr, nullptr, &result);
  ASSERT_TRUE(unknown.ok);
  RecordExpectedActual("success, then a failure, in IoStatus.Status",
                       StatusText(known.status) + ", " + StatusText(unknown.status));
  EXPECT_FALSE(NT_SUCCESS(unknown.status))
      << "a failed lookup completed with " << StatusText(unknown.status);
  EXPECT_EQ(result, nullptr);
  FreeResult(session, result);
  const NameOutcome name = GetNameInfo(session, LoopbackAddress(AF_INET, 80),
                                       NI_NUMERICHOST, false, true);
  ASSERT_TRUE(name.call.ok);
  EXPECT_EQ(name.call.status, STATUS_SUCCESS);
  EXPECT_EQ(name.host, "127.0.0.1");
}

}  // namespace wskconf::conformance::checks
