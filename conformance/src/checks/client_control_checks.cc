// Check helpers for WskControlClient and its control codes (spec/
// client-level.xml; checks_core.h). Every code but WSK_TRANSPORT_LIST_CHANGE
// is called with Irp NULL, as the pages require.
#include <algorithm>
#include <cstring>
#include <thread>
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

constexpr SIZE_T kUnwritten = ~SIZE_T{0};

NTSTATUS ControlClient(const WskClientSession& session, ULONG code,
                       SIZE_T input_size, PVOID input, SIZE_T output_size,
                       PVOID output, SIZE_T* returned, PIRP irp = nullptr) {
  return session.dispatch()->WskControlClient(session.client(), code,
                                              input_size, input, output_size,
                                              output, returned, irp);
}

// WSK_TRANSPORT_LIST_QUERY: the probed size, then the list (empty and a
// failure added when either step fails).
std::vector<WSK_TRANSPORT> QueryTransports(const WskClientSession& session) {
  SIZE_T needed = 0;
  NTSTATUS status = ControlClient(session, WSK_TRANSPORT_LIST_QUERY, 0, nullptr,
                                  0, nullptr, &needed);
  if (status != STATUS_BUFFER_OVERFLOW || needed == 0 ||
      needed % sizeof(WSK_TRANSPORT) != 0) {
    ADD_FAILURE() << "WSK_TRANSPORT_LIST_QUERY size probe gave "
                  << StatusText(status) << " with size " << needed;
    return {};
  }
  std::vector<WSK_TRANSPORT> list(needed / sizeof(WSK_TRANSPORT));
  SIZE_T copied = 0;
  status = ControlClient(session, WSK_TRANSPORT_LIST_QUERY, 0, nullptr, needed,
                         list.data(), &copied);
  if (status != STATUS_SUCCESS || copied != needed) {
    ADD_FAILURE() << "WSK_TRANSPORT_LIST_QUERY gave " << StatusText(status)
                  << " copying " << copied << " of " << needed << " bytes";
    return {};
  }
  return list;
}

SocketCategory CategoryForType(USHORT type) {
  return type == SOCK_DGRAM ? SocketCategory::kDatagram
                            : SocketCategory::kConnection;
}

// A connection socket of `family` carries data to a host peer (the native
// transport is in use).
void ExpectNativeTcpWorks(WskClientSession& session, ADDRESS_FAMILY family) {
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, SocketCategory::kConnection, family,
                                &pair));
  MdlBuffer data(Payload(40, 8));
  const CallOutcome sent = internal::Send(socket, data, 40);
  ASSERT_TRUE(sent.ok);
  EXPECT_EQ(sent.status, STATUS_SUCCESS);
  EXPECT_EQ(pair.peer.Receive(40, kExpectCompletion), data.Contents(40));
}

}  // namespace

void TransportListSizeProbe(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  SIZE_T needed = kUnwritten;
  const NTSTATUS status = ControlClient(session, WSK_TRANSPORT_LIST_QUERY, 0,
                                        nullptr, 0, nullptr, &needed);
  if (!ExpectClauseStatus(info, status, "WskControlClient(WSK_TRANSPORT_LIST_QUERY, no buffer)")) {
    return;
  }
  EXPECT_NE(needed, kUnwritten) << "*OutputSizeReturned was not written";
  EXPECT_GT(needed, 0u);
  EXPECT_EQ(needed % sizeof(WSK_TRANSPORT), 0u)
      << "the size needed, " << needed << ", is no multiple of 28";
}

void TransportListFill(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  SIZE_T needed = 0;
  ASSERT_EQ(ControlClient(session, WSK_TRANSPORT_LIST_QUERY, 0, nullptr, 0,
                          nullptr, &needed),
            STATUS_BUFFER_OVERFLOW);
  ASSERT_GT(needed, 0u);
  // One spare entry of guard bytes past the probed size.
  std::vector<unsigned char> buffer(needed + sizeof(WSK_TRANSPORT), 0xEE);
  SIZE_T copied = kUnwritten;
  const NTSTATUS status =
      ControlClient(session, WSK_TRANSPORT_LIST_QUERY, 0, nullptr,
                    buffer.size(), buffer.data(), &copied);
  if (!ExpectClauseStatus(info, status, "WskControlClient(WSK_TRANSPORT_LIST_QUERY)")) {
    return;
  }
  RecordExpectedActual(fmt::format("{} bytes copied", needed),
                       fmt::format("{} bytes", copied));
  // A SIZE_T written whole: the high half of kUnwritten is gone too.
  EXPECT_EQ(copied, needed) << "*OutputSizeReturned is not the bytes copied "
                               "(or was written as less than a SIZE_T)";
  const size_t count = std::min<size_t>(copied, needed) / sizeof(WSK_TRANSPORT);
  for (size_t i = 0; i < count; ++i) {
    WSK_TRANSPORT entry;
    std::memcpy(&entry, buffer.data() + i * 28, sizeof entry);  // 28-byte stride
    EXPECT_TRUE(entry.AddressFamily == AF_INET || entry.AddressFamily == AF_INET6)
        << "entry " << i << " (at byte " << i * 28 << ") has family "
        << entry.AddressFamily;
    EXPECT_TRUE(entry.SocketType == SOCK_STREAM || entry.SocketType == SOCK_DGRAM ||
                entry.SocketType == SOCK_RAW)
        << "entry " << i << " has socket type " << entry.SocketType;
  }
  for (size_t i = needed; i < buffer.size(); ++i) {
    ASSERT_EQ(buffer[i], 0xEE) << "the provider wrote past the bytes it reported";
  }
}

void TransportListHasTcpUdp(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  const std::vector<WSK_TRANSPORT> list = QueryTransports(session);
  ASSERT_FALSE(list.empty());
  auto has = [&](ADDRESS_FAMILY family, USHORT type, ULONG protocol) {
    for (const WSK_TRANSPORT& t : list) {
      if (t.AddressFamily == family && t.SocketType == type && t.Protocol == protocol) {
        return true;
      }
    }
    return false;
  };
  RecordExpectedActual("TCP and UDP over AF_INET and AF_INET6",
                       fmt::format("{} entries", list.size()));
  for (ADDRESS_FAMILY family : {static_cast<ADDRESS_FAMILY>(AF_INET),
                                static_cast<ADDRESS_FAMILY>(AF_INET6)}) {
    EXPECT_TRUE(has(family, SOCK_STREAM, IPPROTO_TCP)) << "no TCP for " << family;
    EXPECT_TRUE(has(family, SOCK_DGRAM, IPPROTO_UDP)) << "no UDP for " << family;
  }
}

void TransportValuesCreateSockets(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  const std::vector<WSK_TRANSPORT> list = QueryTransports(session);
  ASSERT_FALSE(list.empty());
  int created = 0;
  for (const WSK_TRANSPORT& t : list) {
    if (t.SocketType != SOCK_STREAM && t.SocketType != SOCK_DGRAM) continue;
    const SocketCategory category = CategoryForType(t.SocketType);
    TrackedIrp irp(fmt::format("WskSocket({}, {}, {})", t.AddressFamily,
                               t.SocketType, t.Protocol));
    const CallOutcome made = internal::Finish(
        irp, session.dispatch()->WskSocket(
                 session.client(), t.AddressFamily, t.SocketType, t.Protocol,
                 SocketCategoryFlags(category), nullptr, nullptr, nullptr,
                 nullptr, nullptr, irp.irp()));
    ASSERT_TRUE(made.ok);
    EXPECT_TRUE(ExpectClauseStatus(info, made.status, "WskSocket"))
        << "a listed transport (" << t.AddressFamily << ", " << t.SocketType
        << ", " << t.Protocol << ") does not create a socket";
    if (made.status == STATUS_SUCCESS && made.information != 0) {
      WskSocketOwner owner(session);
      owner.Adopt(reinterpret_cast<PWSK_SOCKET>(made.information), category);
      EXPECT_TRUE(owner.Close());
      ++created;
    }
  }
  EXPECT_GT(created, 0) << "no listed stream or datagram transport";
}

void ControlClientUnknownCode(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // What the transport list query says before and after (whatever the
  // provider answers to it): the unknown code must change nothing.
  auto probe = [&session](SIZE_T* size) {
    *size = 0;
    return ControlClient(session, WSK_TRANSPORT_LIST_QUERY, 0, nullptr, 0,
                         nullptr, size);
  };
  SIZE_T size_before = 0, size_after = 0;
  const NTSTATUS before = probe(&size_before);
  ULONG input = 1;
  SIZE_T returned = 0;
  const NTSTATUS status = ControlClient(session, 0x7777, sizeof input, &input,
                                        0, nullptr, &returned);
  ExpectClauseStatus(info, status, "WskControlClient(0x7777)");
  const NTSTATUS after = probe(&size_after);
  EXPECT_EQ(before, after) << "the transport list query answers differently";
  EXPECT_EQ(size_before, size_after);
  WskSocketOwner socket(session);
  EXPECT_TRUE(socket.Create(SocketCategory::kDatagram, AF_INET));
}

void TransportListChangePends(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  TrackedIrp irp("WskControlClient(WSK_TRANSPORT_LIST_CHANGE)");
  const NTSTATUS returned = ControlClient(session, WSK_TRANSPORT_LIST_CHANGE, 0,
                                          nullptr, 0, nullptr, nullptr, irp.irp());
  ExpectClauseStatus(info, returned, "WskControlClient(WSK_TRANSPORT_LIST_CHANGE)");
  EXPECT_TRUE(irp.ExpectStillPending(returned));
  // Clean up: the queued IRP is cancelled (and must then complete).
  if (!irp.completed()) {
    EXPECT_TRUE(irp.CancelAndWait());
  }
}

void TransportListChangeCancelledByDeregister(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  TrackedIrp irp("WskControlClient(WSK_TRANSPORT_LIST_CHANGE)");
  const NTSTATUS returned = ControlClient(session, WSK_TRANSPORT_LIST_CHANGE, 0,
                                          nullptr, 0, nullptr, nullptr, irp.irp());
  ASSERT_TRUE(irp.ExpectStillPending(returned))
      << "precondition: the change notification must be queued";
  session.ReleaseCapture();
  // WskDeregister on its own thread: a provider that never completes the
  // queued IRP would block it for good.
  KEVENT returned_event;
  KeInitializeEvent(&returned_event, NotificationEvent, FALSE);
  const ProviderEntryPoints& entry = session.entry();
  PWSK_REGISTRATION registration = session.registration();
  std::thread deregister([&] {
    entry.WskDeregister(registration);
    KeSetEvent(&returned_event, IO_NO_INCREMENT, FALSE);
  });
  const bool completed = irp.WaitForCompletion(kExpectCompletion);
  const bool deregistered =
      completed && WaitForEvent(&returned_event, kExpectCompletion);
  session.MarkDeregistered();
  if (deregistered) {
    deregister.join();
  } else {
    NoteLeak("a thread blocked in WskDeregister");
    deregister.detach();
  }
  RecordExpectedActual("completed with a failure by WskDeregister",
                       completed ? StatusText(irp.completion().status)
                                 : "still pending");
  ASSERT_TRUE(completed) << "WskDeregister left the queued IRP pending";
  ExpectClauseStatus(info, irp.completion().status,
                     "the queued WSK_TRANSPORT_LIST_CHANGE IRP");
  EXPECT_TRUE(deregistered) << "WskDeregister did not return";
}

void TransportListChangeNullIrp(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  const NTSTATUS status = ControlClient(session, WSK_TRANSPORT_LIST_CHANGE, 0,
                                        nullptr, 0, nullptr, nullptr, nullptr);
  ExpectClauseStatus(info, status,
                     "WskControlClient(WSK_TRANSPORT_LIST_CHANGE, Irp NULL)");
}

namespace {

// A self-relative SECURITY_DESCRIPTOR with no owner, group or ACLs (20
// bytes: Revision 1, Control SE_SELF_RELATIVE).
struct alignas(8) MinimalSecurityDescriptor {
  unsigned char bytes[20] = {1, 0, 0x00, 0x80};
};

NTSTATUS CacheSd(const WskClientSession& session, PSECURITY_DESCRIPTOR in,
                 PSECURITY_DESCRIPTOR* out) {
  *out = nullptr;
  return ControlClient(session, WSK_CACHE_SD, sizeof in, &in, sizeof *out, out,
                       nullptr);
}

NTSTATUS ReleaseSd(const WskClientSession& session, PSECURITY_DESCRIPTOR sd) {
  return ControlClient(session, WSK_RELEASE_SD, sizeof sd, &sd, 0, nullptr,
                       nullptr);
}

}  // namespace

void ControlClientNoPendingWithoutIrp(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  SIZE_T needed = 0;
  std::vector<NTSTATUS> seen;
  seen.push_back(ControlClient(session, WSK_TRANSPORT_LIST_QUERY, 0, nullptr, 0,
                               nullptr, &needed));
  std::vector<unsigned char> list(needed);
  seen.push_back(ControlClient(session, WSK_TRANSPORT_LIST_QUERY, 0, nullptr,
                               list.size(), list.data(), &needed));
  MinimalSecurityDescriptor sd;
  PSECURITY_DESCRIPTOR cached = nullptr;
  seen.push_back(CacheSd(session, sd.bytes, &cached));
  if (seen.back() == STATUS_SUCCESS) seen.push_back(ReleaseSd(session, cached));
  std::string statuses;
  for (NTSTATUS status : seen) statuses += StatusText(status) + " ";
  RecordExpectedActual("no STATUS_PENDING", statuses);
  for (NTSTATUS status : seen) {
    EXPECT_NE(status, STATUS_PENDING)
        << "WskControlClient with Irp NULL returned STATUS_PENDING";
  }
  EXPECT_TRUE(InStatusClass(seen[1], StatusClass::kSuccess)) << statuses;
}

void CacheAndReleaseSd(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  MinimalSecurityDescriptor sd;
  PSECURITY_DESCRIPTOR cached = nullptr;
  const NTSTATUS cache = CacheSd(session, sd.bytes, &cached);
  if (std::strcmp(info.element, "WSK_CACHE_SD") == 0) {
    if (!ExpectClauseStatus(info, cache, "WskControlClient(WSK_CACHE_SD)")) return;
    EXPECT_NE(cached, nullptr) << "no cached copy was written to the output";
  } else {
    ASSERT_EQ(cache, STATUS_SUCCESS) << "precondition: WSK_CACHE_SD gave "
                                     << StatusText(cache);
  }
  if (cached == nullptr) return;
  const NTSTATUS release = ReleaseSd(session, cached);
  if (std::strcmp(info.element, "WSK_RELEASE_SD") == 0) {
    ExpectClauseStatus(info, release, "WskControlClient(WSK_RELEASE_SD)");
  } else {
    EXPECT_EQ(release, STATUS_SUCCESS) << StatusText(release);
  }
}

void CachedSdAtCreation(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  MinimalSecurityDescriptor sd;
  PSECURITY_DESCRIPTOR cached = nullptr;
  const NTSTATUS cache = CacheSd(session, sd.bytes, &cached);
  ASSERT_EQ(cache, STATUS_SUCCESS) << "precondition: WSK_CACHE_SD gave "
                                   << StatusText(cache);
  const SocketCategory category = info.category;
  TrackedIrp irp("WskSocket with the cached descriptor");
  const CallOutcome made = internal::Finish(
      irp, session.dispatch()->WskSocket(
               session.client(), info.address_family, SocketTypeFor(category),
               ProtocolFor(category), SocketCategoryFlags(category), nullptr,
               nullptr, nullptr, nullptr, cached, irp.irp()));
  ASSERT_TRUE(made.ok);
  ExpectClauseStatus(info, made.status, "WskSocket(SecurityDescriptor = cached)");
  if (made.status == STATUS_SUCCESS) {
    WskSocketOwner socket(session);
    socket.Adopt(reinterpret_cast<PWSK_SOCKET>(made.information), category);
    // SO_WSK_SECURITY takes the cached descriptor too.
    TrackedIrp set("WskControlSocket(SO_WSK_SECURITY)");
    const CallOutcome applied = internal::Finish(
        set, socket.basic()->WskControlSocket(
                 socket.get(), WskSetOption, SO_WSK_SECURITY, SOL_SOCKET,
                 sizeof cached, &cached, 0, nullptr, nullptr, set.irp()));
    ASSERT_TRUE(applied.ok);
    ExpectClauseStatus(info, applied.status, "SO_WSK_SECURITY with the cached descriptor");
    EXPECT_TRUE(socket.Close());
  }
  if (category == SocketCategory::kConnection) {
    HostTcpListener listener(internal::IsIpv6(info.address_family));
    SOCKADDR_STORAGE local = LoopbackAddress(info.address_family);
    SOCKADDR_STORAGE remote = LoopbackAddress(info.address_family, listener.port());
    TrackedIrp connect("WskSocketConnect with the cached descriptor");
    const CallOutcome connected = internal::Finish(
        connect, session.dispatch()->WskSocketConnect(
                     session.client(), SOCK_STREAM, IPPROTO_TCP,
                     reinterpret_cast<PSOCKADDR>(&local),
                     reinterpret_cast<PSOCKADDR>(&remote), 0, nullptr, nullptr,
                     nullptr, nullptr, cached, connect.irp()));
    ASSERT_TRUE(connected.ok);
    ExpectClauseStatus(info, connected.status,
                       "WskSocketConnect(SecurityDescriptor = cached)");
    if (connected.status == STATUS_SUCCESS && connected.information != 0) {
      WskSocketOwner socket(session);
      socket.Adopt(reinterpret_cast<PWSK_SOCKET>(connected.information), category);
      EXPECT_TRUE(socket.Close());
    }
  }
  EXPECT_EQ(ReleaseSd(session, cached), STATUS_SUCCESS);
}

void TdiMappingKeepsNativeTransport(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  static const WCHAR kDevice[] = L"\\Device\\WskconfNoSuchTdi";
  WSK_TDI_MAP map{SOCK_STREAM, AF_INET, IPPROTO_TCP, kDevice};
  WSK_TDI_MAP_INFO map_info{1, &map};
  const NTSTATUS status = ControlClient(session, WSK_TDI_DEVICENAME_MAPPING,
                                        sizeof map_info, &map_info, 0, nullptr,
                                        nullptr);
  RecordExpectedActual("a final status, then native TCP", StatusText(status));
  EXPECT_NE(status, STATUS_PENDING) << "Irp NULL, yet STATUS_PENDING";
  if (std::strcmp(info.strength, "MAY") == 0) {
    // Either outcome is permitted; a failure must be a real failure.
    EXPECT_TRUE(InStatusClass(status, StatusClass::kSuccess) ||
                InStatusClass(status, StatusClass::kFailure));
  }
  // TCP over IPv4 has a native transport: the mapping does not divert it.
  ExpectNativeTcpWorks(session, AF_INET);
}

void TdiBehaviorBypass(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  ULONG flags = WSK_TDI_BEHAVIOR_BYPASS_TDI;
  const NTSTATUS status = ControlClient(session, WSK_TDI_BEHAVIOR, sizeof flags,
                                        &flags, 0, nullptr, nullptr);
  if (!ExpectClauseStatus(info, status, "WskControlClient(WSK_TDI_BEHAVIOR)")) return;
  ExpectNativeTcpWorks(session, AF_INET);
  ExpectNativeTcpWorks(session, AF_INET6);
}

void StaticCallbacksMixedMask(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WSK_EVENT_CALLBACK_CONTROL control{
      &NPI_WSK_INTERFACE_ID,
      WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_RECEIVE_FROM};
  const NTSTATUS status = ControlClient(session, WSK_SET_STATIC_EVENT_CALLBACKS,
                                        sizeof control, &control, 0, nullptr,
                                        nullptr);
  ExpectClauseStatus(info, status,
                     "WskControlClient(WSK_SET_STATIC_EVENT_CALLBACKS, mixed mask)");
}

}  // namespace wskconf::conformance::checks
