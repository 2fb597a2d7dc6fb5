// Check helpers for the indication lists a provider passes to WskReceiveEvent
// and WskReceiveFromEvent, for releasing a retained list through the table's
// WskRelease, and for event callbacks enabled by WSK_SET_STATIC_EVENT_CALLBACKS
// (spec/buffers.xml, dispatch.xml, client-level.xml; checks_core.h). GMock
// mocks play the client.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checks/check_support.h"
#include "checks/event_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks_core.h"
#include "wskconf/conformance/event_mocks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::Payload;
using ::testing::_;
using ::testing::AnyNumber;

namespace {

// Longest list a case walks before calling it unterminated.
constexpr int kMaxEntries = 100000;

// A socket whose client table is a mock; the mock outlives the socket (and
// is leaked with it when the harness leaked something).
struct MockedSocket {
  explicit MockedSocket(WskClientSession& session)
      : mock(new ::testing::NiceMock<ClientEventMock>), socket(session) {}
  ~MockedSocket() {
    if (socket.get() != nullptr) {
      EXPECT_TRUE(socket.Close());
    }
    mock->MarkClosed();
    if (LeakedObjectCount() == 0) delete mock;
  }
  ::testing::NiceMock<ClientEventMock>* mock;
  WskSocketOwner socket;
};

CallOutcome EnableEvents(const WskSocketOwner& socket, ULONG mask) {
  WSK_EVENT_CALLBACK_CONTROL control{&NPI_WSK_INTERFACE_ID, mask};
  if ((mask & WSK_EVENT_DISABLE) == 0) {
    return internal::EnableWithoutIrp(socket, control);  // EnableNoIrp
  }
  TrackedIrp irp("WskControlSocket(SO_WSK_EVENT_CALLBACK)");
  return internal::Finish(
      irp, socket.basic()->WskControlSocket(
               socket.get(), WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET,
               sizeof control, &control, 0, nullptr, nullptr, irp.irp()));
}

// The bytes a WSK_BUF describes, across its MDL chain.
std::string BufBytes(const WSK_BUF& buf) {
  std::string out;
  SIZE_T offset = buf.Offset;
  SIZE_T left = buf.Length;
  for (PMDL mdl = buf.Mdl; mdl != nullptr && left > 0; mdl = mdl->Next) {
    const SIZE_T count = MmGetMdlByteCount(mdl);
    if (offset >= count) {
      offset -= count;
      continue;
    }
    const auto* base = static_cast<const char*>(
        MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority));
    if (base == nullptr) break;
    const SIZE_T take = std::min(left, count - offset);
    out.append(base + offset, take);
    left -= take;
    offset = 0;
  }
  return out;
}

// A connected stream/connection socket with the mock's table, or a bound
// datagram socket, with `mask` enabled.
::testing::AssertionResult Prepare(MockedSocket& s, const CaseInfo& info,
                                   internal::ConnectedPair* pair, ULONG mask) {
  const bool datagram = info.category == SocketCategory::kDatagram;
  auto created = s.socket.Create(
      info.category, info.address_family, s.mock->context(),
      s.mock->dispatch_for(false, datagram,
                           info.category == SocketCategory::kStream));
  if (!created) return created;
  const CallOutcome bound =
      internal::BindTo(s.socket, LoopbackAddress(info.address_family));
  if (!bound.ok || bound.status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure() << "precondition: WskBind failed";
  }
  if (!datagram) {
    pair->listener = std::make_unique<HostTcpListener>(
        internal::IsIpv6(info.address_family));
    const CallOutcome connected = internal::ConnectTo(
        s.socket, LoopbackAddress(info.address_family, pair->listener->port()));
    if (!connected.ok || connected.status != STATUS_SUCCESS) {
      return ::testing::AssertionFailure() << "precondition: WskConnect failed";
    }
    pair->peer = pair->listener->Accept(kExpectCompletion);
    if (!pair->peer.ok()) {
      return ::testing::AssertionFailure() << "the host saw no connection";
    }
  }
  if (mask == 0) return ::testing::AssertionSuccess();  // nothing to enable
  const CallOutcome enabled = EnableEvents(s.socket, mask);
  if (!enabled.ok) return enabled.ok;
  if (!NT_SUCCESS(enabled.status)) {
    return ::testing::AssertionFailure()
           << "precondition: enabling the event gave " << StatusText(enabled.status);
  }
  return ::testing::AssertionSuccess();
}

USHORT LocalPort(const WskSocketOwner& socket) {
  SOCKADDR_STORAGE local{};
  const CallOutcome got = internal::GetLocalAddress(socket, &local);
  if (!got.ok || got.status != STATUS_SUCCESS) return 0;
  return PortOf(reinterpret_cast<PSOCKADDR>(&local));
}

}  // namespace

void DataIndicationList(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  MockedSocket s(session);
  internal::ConnectedPair pair;
  const std::string data = Payload(3000, 21);
  std::mutex lock;
  std::string received;
  KEVENT all;
  KeInitializeEvent(&all, NotificationEvent, FALSE);
  EXPECT_CALL(*s.mock, Receive(_, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATA_INDICATION list, SIZE_T indicated,
                          SIZE_T* accepted) {
        if (list == nullptr) return STATUS_SUCCESS;  // disconnect indication
        SIZE_T total = 0;
        int entries = 0;
        std::string bytes;
        for (auto* e = list; e != nullptr && entries < kMaxEntries; e = e->Next) {
          ++entries;
          total += e->Buffer.Length;
          const std::string part = BufBytes(e->Buffer);
          EXPECT_EQ(part.size(), e->Buffer.Length)
              << "an entry's Length is more than the bytes its buffer holds";
          bytes += part;
        }
        EXPECT_LT(entries, kMaxEntries) << "the list does not end in NULL";
        EXPECT_EQ(total, indicated)
            << "the entries' lengths do not add up to BytesIndicated";
        *accepted = indicated;
        std::lock_guard<std::mutex> guard(lock);
        received += bytes;
        if (received.size() >= data.size()) KeSetEvent(&all, IO_NO_INCREMENT, FALSE);
        return STATUS_SUCCESS;
      });
  ASSERT_TRUE(Prepare(s, info, &pair, WSK_EVENT_RECEIVE));
  ASSERT_TRUE(pair.peer.SendAll(data));
  const bool seen = WaitForEvent(&all, kExpectCompletion);
  std::lock_guard<std::mutex> guard(lock);
  RecordExpectedActual(fmt::format("{} bytes indicated in order", data.size()),
                       fmt::format("{} bytes", received.size()));
  EXPECT_TRUE(seen) << "WskReceiveEvent indicated " << received.size() << " of "
                    << data.size() << " bytes";
  EXPECT_EQ(received, data.substr(0, received.size()))
      << "the indicated bytes are not the peer's bytes in order";
}

void DatagramIndicationList(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  MockedSocket s(session);
  HostUdpSocket peer(internal::IsIpv6(info.address_family));
  ASSERT_TRUE(peer.ok());
  const std::vector<std::string> sent = {Payload(10, 1), Payload(200, 2),
                                         Payload(33, 3)};
  std::mutex lock;
  std::vector<std::string> received;
  KEVENT all;
  KeInitializeEvent(&all, NotificationEvent, FALSE);
  EXPECT_CALL(*s.mock, ReceiveFrom(_, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATAGRAM_INDICATION list) {
        int entries = 0;
        for (auto* e = list; e != nullptr && entries < kMaxEntries; e = e->Next) {
          ++entries;
          EXPECT_EQ(e->ControlInfo, nullptr) << "control information nobody asked for";
          EXPECT_EQ(e->ControlInfoLength, 0u);
          EXPECT_NE(e->RemoteAddress, nullptr);
          if (e->RemoteAddress != nullptr) {
            EXPECT_EQ(e->RemoteAddress->sa_family, info.address_family);
            EXPECT_TRUE(IsLoopback(e->RemoteAddress, info.address_family));
            EXPECT_EQ(PortOf(e->RemoteAddress), peer.port())
                << "RemoteAddress is not the sender";
          }
          std::lock_guard<std::mutex> guard(lock);
          received.push_back(BufBytes(e->Buffer));
          if (received.size() >= sent.size()) KeSetEvent(&all, IO_NO_INCREMENT, FALSE);
        }
        EXPECT_LT(entries, kMaxEntries) << "the list does not end in NULL";
        return STATUS_SUCCESS;
      });
  ASSERT_TRUE(Prepare(s, info, nullptr, WSK_EVENT_RECEIVE_FROM));
  const USHORT port = LocalPort(s.socket);
  ASSERT_NE(port, 0);
  for (const std::string& datagram : sent) ASSERT_TRUE(peer.SendTo(port, datagram));
  const bool seen = WaitForEvent(&all, kExpectCompletion);
  std::lock_guard<std::mutex> guard(lock);
  RecordExpectedActual("3 entries, one datagram each",
                       fmt::format("{} entries", received.size()));
  EXPECT_TRUE(seen) << "WskReceiveFromEvent indicated " << received.size()
                    << " of 3 datagrams";
  ASSERT_LE(received.size(), sent.size()) << "more entries than datagrams sent";
  EXPECT_EQ(received, std::vector<std::string>(sent.begin(),
                                               sent.begin() + received.size()))
      << "an entry does not hold exactly one datagram, in order";
}

namespace {

// What the first indication left with the client (STATUS_PENDING).
struct Retained {
  std::mutex lock;
  PVOID list = nullptr;
  std::string bytes;
  int later_calls = 0;
  KEVENT first;
  KEVENT later;
  Retained() {
    KeInitializeEvent(&first, NotificationEvent, FALSE);
    KeInitializeEvent(&later, NotificationEvent, FALSE);
  }
};

// Records one indication: the first is retained (STATUS_PENDING), the
// rest accepted.
NTSTATUS Keep(Retained& r, PVOID list, const std::string& bytes) {
  std::lock_guard<std::mutex> guard(r.lock);
  if (r.list == nullptr) {
    r.list = list;
    r.bytes = bytes;
    KeSetEvent(&r.first, IO_NO_INCREMENT, FALSE);
    return STATUS_PENDING;
  }
  ++r.later_calls;
  KeSetEvent(&r.later, IO_NO_INCREMENT, FALSE);
  return STATUS_SUCCESS;
}

std::string DataBytes(PWSK_DATA_INDICATION list) {
  std::string out;
  for (; list != nullptr; list = list->Next) out += BufBytes(list->Buffer);
  return out;
}

}  // namespace

void RetainedIndicationReleased(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  MockedSocket s(session);
  internal::ConnectedPair pair;
  HostUdpSocket udp(internal::IsIpv6(info.address_family));
  Retained r;
  const bool datagram = info.category == SocketCategory::kDatagram;
  EXPECT_CALL(*s.mock, Receive(_, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATA_INDICATION list, SIZE_T indicated,
                          SIZE_T* accepted) {
        if (list == nullptr) return STATUS_SUCCESS;
        *accepted = indicated;
        return Keep(r, list, DataBytes(list));
      });
  EXPECT_CALL(*s.mock, ReceiveFrom(_, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATAGRAM_INDICATION list) {
        if (list == nullptr) return STATUS_SUCCESS;
        return Keep(r, list, BufBytes(list->Buffer));
      });
  ASSERT_TRUE(Prepare(s, info, &pair,
                      datagram ? WSK_EVENT_RECEIVE_FROM : WSK_EVENT_RECEIVE));
  const std::string first = Payload(64, 31);
  const USHORT port = datagram ? LocalPort(s.socket) : 0;
  if (datagram) {
    ASSERT_TRUE(udp.SendTo(port, first));
  } else {
    ASSERT_TRUE(pair.peer.SendAll(first));
  }
  ASSERT_TRUE(WaitForEvent(&r.first, kExpectCompletion)) << "no indication";
  // The list is the client's once the callback has returned STATUS_PENDING;
  // a second indication on the socket shows that the first call is over.
  auto send = [&](const std::string& data) {
    return datagram ? udp.SendTo(port, data) : pair.peer.SendAll(data);
  };
  ASSERT_TRUE(send(Payload(16, 33)));
  ASSERT_TRUE(WaitForEvent(&r.later, kExpectCompletion))
      << "no second indication while the first list was retained";
  KeClearEvent(&r.later);
  PVOID list;
  {
    std::lock_guard<std::mutex> guard(r.lock);
    list = r.list;
    EXPECT_EQ(r.bytes, first.substr(0, r.bytes.size()));
  }
  // The retained list is the client's until it hands it back through the
  // table's WskRelease, the variant for this category's list type.
  NTSTATUS released;
  if (datagram) {
    released = s.socket.table<WSK_PROVIDER_DATAGRAM_DISPATCH>()->WskRelease(
        s.socket.get(), static_cast<PWSK_DATAGRAM_INDICATION>(list));
  } else {
    released = s.socket.table<WSK_PROVIDER_STREAM_DISPATCH>()->WskRelease(
        s.socket.get(), static_cast<PWSK_DATA_INDICATION>(list));
  }
  ExpectClauseStatus(info, released, "WskRelease of the retained list");
  // Indications go on after the release.
  ASSERT_TRUE(send(Payload(32, 32)));
  EXPECT_TRUE(WaitForEvent(&r.later, kExpectCompletion))
      << "no indication after the retained list was released";
}

namespace {

NTSTATUS SetStaticCallbacks(const WskClientSession& session, ULONG mask) {
  WSK_EVENT_CALLBACK_CONTROL control{&NPI_WSK_INTERFACE_ID, mask};
  return session.dispatch()->WskControlClient(
      session.client(), WSK_SET_STATIC_EVENT_CALLBACKS, sizeof control, &control,
      0, nullptr, nullptr, nullptr);
}

// Counts WskReceiveEvent calls with data; `seen` is set on each.
struct ReceiveCounter {
  std::atomic<int> calls{0};
  KEVENT seen;
  ReceiveCounter() { KeInitializeEvent(&seen, NotificationEvent, FALSE); }
};

void CountReceives(MockedSocket& s, ReceiveCounter& counter) {
  EXPECT_CALL(*s.mock, Receive(_, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([&counter](ULONG, PWSK_DATA_INDICATION list,
                                 SIZE_T indicated, SIZE_T* accepted) {
        if (list == nullptr) return STATUS_SUCCESS;
        *accepted = indicated;
        ++counter.calls;
        KeSetEvent(&counter.seen, IO_NO_INCREMENT, FALSE);
        return STATUS_SUCCESS;
      });
}

}  // namespace

void StaticCallbacksApplyToNewSockets(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  const NTSTATUS set = SetStaticCallbacks(session, WSK_EVENT_RECEIVE);
  ASSERT_EQ(set, STATUS_SUCCESS)
      << "precondition: WSK_SET_STATIC_EVENT_CALLBACKS gave " << StatusText(set);
  ReceiveCounter counter;  // outlives the mock that counts into it
  MockedSocket s(session);
  CountReceives(s, counter);
  internal::ConnectedPair pair;
  ASSERT_TRUE(Prepare(s, info, &pair, 0));  // no SO_WSK_EVENT_CALLBACK
  ASSERT_TRUE(pair.peer.SendAll(Payload(40, 41)));
  const bool called = WaitForEvent(&counter.seen, kExpectCompletion);
  RecordExpectedActual("WskReceiveEvent without SO_WSK_EVENT_CALLBACK",
                       fmt::format("{} call(s)", counter.calls.load()));
  EXPECT_TRUE(called) << "a socket created after WSK_SET_STATIC_EVENT_CALLBACKS "
                         "got no WskReceiveEvent";
}

void StaticEventsFixed(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  const NTSTATUS set = SetStaticCallbacks(session, WSK_EVENT_RECEIVE);
  ASSERT_EQ(set, STATUS_SUCCESS)
      << "precondition: WSK_SET_STATIC_EVENT_CALLBACKS gave " << StatusText(set);
  ReceiveCounter counter;  // outlives the mock that counts into it
  MockedSocket s(session);
  CountReceives(s, counter);
  internal::ConnectedPair pair;
  ASSERT_TRUE(Prepare(s, info, &pair, 0));
  const CallOutcome disabled =
      EnableEvents(s.socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE);
  ASSERT_TRUE(disabled.ok);
  ExpectClauseStatus(info, disabled.status,
                     "SO_WSK_EVENT_CALLBACK disabling a static WSK_EVENT_RECEIVE");
  const CallOutcome enabled = EnableEvents(s.socket, WSK_EVENT_RECEIVE);
  ASSERT_TRUE(enabled.ok);
  ExpectClauseStatus(info, enabled.status,
                     "SO_WSK_EVENT_CALLBACK re-enabling a static WSK_EVENT_RECEIVE");
  // The callback is still enabled.
  ASSERT_TRUE(pair.peer.SendAll(Payload(24, 42)));
  EXPECT_TRUE(WaitForEvent(&counter.seen, kExpectCompletion))
      << "the static WskReceiveEvent stopped after the refused requests";
}

void BeforeSocketCodesLate(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  {
    WskSocketOwner first(session);  // created and closed again
    ASSERT_TRUE(first.Create(SocketCategory::kDatagram, AF_INET));
    ASSERT_TRUE(first.Close());
  }
  const NTSTATUS statics = SetStaticCallbacks(session, WSK_EVENT_RECEIVE);
  ExpectClauseStatus(info, statics, "WSK_SET_STATIC_EVENT_CALLBACKS after a socket");
  static const WCHAR kDevice[] = L"\\Device\\WskconfNoSuchTdi";
  WSK_TDI_MAP map{SOCK_STREAM, AF_INET, IPPROTO_TCP, kDevice};
  WSK_TDI_MAP_INFO map_info{1, &map};
  ExpectClauseStatus(info,
                     session.dispatch()->WskControlClient(
                         session.client(), WSK_TDI_DEVICENAME_MAPPING,
                         sizeof map_info, &map_info, 0, nullptr, nullptr, nullptr),
                     "WSK_TDI_DEVICENAME_MAPPING after a socket");
  ULONG bypass = WSK_TDI_BEHAVIOR_BYPASS_TDI;
  ExpectClauseStatus(info,
                     session.dispatch()->WskControlClient(
                         session.client(), WSK_TDI_BEHAVIOR, sizeof bypass,
                         &bypass, 0, nullptr, nullptr, nullptr),
                     "WSK_TDI_BEHAVIOR after a socket");
  // Nothing changed: a new connection socket has no receive callback.
  ReceiveCounter counter;  // outlives the mock that counts into it
  MockedSocket s(session);
  CountReceives(s, counter);
  internal::ConnectedPair pair;
  CaseInfo connection = info;
  connection.category = SocketCategory::kConnection;
  connection.address_family = AF_INET;
  ASSERT_TRUE(Prepare(s, connection, &pair, 0));
  ASSERT_TRUE(pair.peer.SendAll(Payload(24, 43)));
  EXPECT_FALSE(WaitForEvent(&counter.seen, kExpectNoCompletion))
      << "the refused static mask was applied to a later socket";
}

}  // namespace wskconf::conformance::checks
