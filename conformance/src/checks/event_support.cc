// Mocked-client sockets and event-callback requests (event_support.h).
#include "checks/event_support.h"

#include <memory>

#include "checks/check_support.h"
#include "wskconf/conformance/status_matchers.h"

namespace wskconf::conformance::checks::internal {

MockedSocket::~MockedSocket() {
  if (socket.get() != nullptr) {
    EXPECT_TRUE(socket.Close());
  }
  mock->MarkClosed();
  if (LeakedObjectCount() == 0) delete mock;
}

::testing::AssertionResult CreateWithMock(MockedSocket& s, const CaseInfo& info) {
  const bool stream = info.category == SocketCategory::kStream;
  return s.socket.Create(
      info.category, info.address_family, s.mock->context(),
      s.mock->dispatch_for(info.category == SocketCategory::kListen,
                           info.category == SocketCategory::kDatagram, stream));
}

CallOutcome EnableWithoutIrp(const WskSocketOwner& socket,
                             WSK_EVENT_CALLBACK_CONTROL& control) {
  CallOutcome outcome;
  outcome.returned = socket.basic()->WskControlSocket(
      socket.get(), WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET, sizeof control,
      &control, 0, nullptr, nullptr, nullptr);
  outcome.status = outcome.returned;
  if (outcome.returned == STATUS_PENDING) {
    outcome.ok = ::testing::AssertionFailure()
                 << "enabling callbacks with Irp NULL returned STATUS_PENDING";
  }
  return outcome;
}

CallOutcome EnableEvents(const WskSocketOwner& socket, ULONG mask) {
  WSK_EVENT_CALLBACK_CONTROL control{&NPI_WSK_INTERFACE_ID, mask};
  if ((mask & WSK_EVENT_DISABLE) == 0) {
    return EnableWithoutIrp(socket, control);  // SO_WSK_EVENT_CALLBACK.EnableNoIrp
  }
  TrackedIrp irp("WskControlSocket(SO_WSK_EVENT_CALLBACK)");
  return Finish(irp, socket.basic()->WskControlSocket(
                         socket.get(), WskSetOption, SO_WSK_EVENT_CALLBACK,
                         SOL_SOCKET, sizeof control, &control, 0, nullptr,
                         nullptr, irp.irp()));
}

::testing::AssertionResult ConnectWithMock(MockedSocket& s, const CaseInfo& info,
                                           ConnectedPair* pair) {
  pair->listener = std::make_unique<HostTcpListener>(IsIpv6(info.address_family));
  auto created = CreateWithMock(s, info);
  if (!created) return created;
  const CallOutcome bound = BindTo(s.socket, LoopbackAddress(info.address_family));
  if (!bound.ok || bound.status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure() << "precondition: WskBind failed";
  }
  const CallOutcome connected = ConnectTo(
      s.socket, LoopbackAddress(info.address_family, pair->listener->port()));
  if (!connected.ok || connected.status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure() << "precondition: WskConnect failed";
  }
  pair->peer = pair->listener->Accept(kExpectCompletion);
  if (!pair->peer.ok()) {
    return ::testing::AssertionFailure() << "the host saw no connection";
  }
  return ::testing::AssertionSuccess();
}

bool ExpectAnswerOrStatus(const CaseInfo& info, NTSTATUS answer, NTSTATUS status,
                          std::string_view call) {
  if (info.expect.has_status && info.expect.status == answer) {
    return ExpectClauseStatus(info, answer, "the callback's answer");
  }
  return ExpectClauseStatus(info, status, call);
}

SIZE_T IndicationTotal(PWSK_DATA_INDICATION data) {
  SIZE_T total = 0;
  for (; data != nullptr; data = data->Next) total += data->Buffer.Length;
  return total;
}

std::string IndicationBytes(PWSK_DATA_INDICATION data) {
  std::string bytes;
  for (; data != nullptr; data = data->Next) {
    size_t offset = data->Buffer.Offset;
    size_t left = data->Buffer.Length;
    for (PMDL mdl = data->Buffer.Mdl; mdl != nullptr && left > 0;
         mdl = mdl->Next) {
      const size_t count = MmGetMdlByteCount(mdl);
      if (offset >= count) {
        offset -= count;
        continue;
      }
      const auto* base = static_cast<const char*>(
          MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority));
      if (base == nullptr) break;
      const size_t take = std::min(left, count - offset);
      bytes.append(base + offset, take);
      left -= take;
      offset = 0;
    }
  }
  return bytes;
}

}  // namespace wskconf::conformance::checks::internal
