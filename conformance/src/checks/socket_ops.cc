// Socket calls with tracked IRPs for the check helpers (socket_ops.h).
#include "checks/socket_ops.h"

#include <wskconf/wdm_mdl.h>

#include "wskconf/conformance/status_matchers.h"

namespace wskconf::conformance::checks::internal {

SocketFunctions FunctionsOf(const WskSocketOwner& socket) {
  SocketFunctions f;
  switch (socket.category()) {
    case SocketCategory::kListen: {
      const auto* t = socket.table<WSK_PROVIDER_LISTEN_DISPATCH>();
      f.Bind = t->WskBind;
      f.Accept = t->WskAccept;
      f.GetLocalAddress = t->WskGetLocalAddress;
      break;
    }
    case SocketCategory::kDatagram: {
      const auto* t = socket.table<WSK_PROVIDER_DATAGRAM_DISPATCH>();
      f.Bind = t->WskBind;
      f.SendTo = t->WskSendTo;
      f.ReceiveFrom = t->WskReceiveFrom;
      f.GetLocalAddress = t->WskGetLocalAddress;
      break;
    }
    case SocketCategory::kConnection: {
      const auto* t = socket.table<WSK_PROVIDER_CONNECTION_DISPATCH>();
      f.Bind = t->WskBind;
      f.Connect = t->WskConnect;
      f.ConnectEx = t->WskConnectEx;
      f.GetLocalAddress = t->WskGetLocalAddress;
      f.GetRemoteAddress = t->WskGetRemoteAddress;
      f.Send = t->WskSend;
      f.Receive = t->WskReceive;
      f.Disconnect = t->WskDisconnect;
      break;
    }
    case SocketCategory::kStream: {
      const auto* t = socket.table<WSK_PROVIDER_STREAM_DISPATCH>();
      f.Bind = t->WskBind;
      f.Accept = t->WskAccept;
      f.Connect = t->WskConnect;
      f.ConnectEx = t->WskConnectEx;
      f.Listen = t->WskListen;
      f.GetLocalAddress = t->WskGetLocalAddress;
      f.GetRemoteAddress = t->WskGetRemoteAddress;
      f.Send = t->WskSend;
      f.Receive = t->WskReceive;
      f.Disconnect = t->WskDisconnect;
      break;
    }
    case SocketCategory::kBasic:
    case SocketCategory::kNone:
      break;
  }
  return f;
}

CallOutcome Finish(TrackedIrp& irp, NTSTATUS returned) {
  CallOutcome outcome;
  outcome.returned = returned;
  outcome.ok = irp.Finish(returned);
  if (outcome.ok) {
    outcome.status = irp.completion().status;
    outcome.information = irp.completion().information;
  }
  return outcome;
}

namespace {

CallOutcome Missing(const char* what) {
  CallOutcome outcome;
  outcome.ok = ::testing::AssertionFailure()
               << "the socket's dispatch table has no " << what;
  return outcome;
}

}  // namespace

MdlBuffer::MdlBuffer(std::string content) : data_(std::move(content)) {
  if (data_.empty()) data_.resize(1);  // an MDL needs at least one byte
  mdl_ = IoAllocateMdl(data_.data(), static_cast<ULONG>(data_.size()), FALSE,
                       FALSE, nullptr);
  if (mdl_ == nullptr) {
    ADD_FAILURE() << "harness: IoAllocateMdl failed";
    return;
  }
  MmBuildMdlForNonPagedPool(mdl_);
}

MdlBuffer::~MdlBuffer() {
  if (mdl_ != nullptr && LeakedObjectCount() == 0) IoFreeMdl(mdl_);
}

WSK_BUF MdlBuffer::Buf(size_t offset) const {
  return Buf(offset, data_.size() - offset);
}

WSK_BUF MdlBuffer::Buf(size_t offset, size_t length) const {
  WSK_BUF buf;
  buf.Mdl = mdl_;
  buf.Offset = static_cast<ULONG>(offset);
  buf.Length = length;
  return buf;
}

std::string Payload(size_t size, int seed) {
  std::string data(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    data[i] = static_cast<char>('a' + (i * 7 + static_cast<size_t>(seed)) % 26);
  }
  return data;
}

CallOutcome BindTo(const WskSocketOwner& socket,
                   const SOCKADDR_STORAGE& address) {
  const auto f = FunctionsOf(socket);
  if (f.Bind == nullptr) return Missing("WskBind");
  SOCKADDR_STORAGE copy = address;
  TrackedIrp irp("WskBind");
  return Finish(irp, f.Bind(socket.get(), reinterpret_cast<PSOCKADDR>(&copy),
                            0, irp.irp()));
}

CallOutcome GetLocalAddress(const WskSocketOwner& socket,
                            SOCKADDR_STORAGE* out) {
  const auto f = FunctionsOf(socket);
  if (f.GetLocalAddress == nullptr) return Missing("WskGetLocalAddress");
  *out = SOCKADDR_STORAGE{};
  TrackedIrp irp("WskGetLocalAddress");
  return Finish(irp, f.GetLocalAddress(socket.get(),
                                       reinterpret_cast<PSOCKADDR>(out),
                                       irp.irp()));
}

CallOutcome GetRemoteAddress(const WskSocketOwner& socket,
                             SOCKADDR_STORAGE* out) {
  const auto f = FunctionsOf(socket);
  if (f.GetRemoteAddress == nullptr) return Missing("WskGetRemoteAddress");
  *out = SOCKADDR_STORAGE{};
  TrackedIrp irp("WskGetRemoteAddress");
  return Finish(irp, f.GetRemoteAddress(socket.get(),
                                        reinterpret_cast<PSOCKADDR>(out),
                                        irp.irp()));
}

CallOutcome ConnectTo(const WskSocketOwner& socket,
                      const SOCKADDR_STORAGE& remote) {
  const auto f = FunctionsOf(socket);
  if (f.Connect == nullptr) return Missing("WskConnect");
  SOCKADDR_STORAGE copy = remote;
  TrackedIrp irp("WskConnect");
  return Finish(irp, f.Connect(socket.get(), reinterpret_cast<PSOCKADDR>(&copy),
                               0, irp.irp()));
}

CallOutcome Send(const WskSocketOwner& socket, const MdlBuffer& buffer,
                 size_t length, ULONG flags) {
  const auto f = FunctionsOf(socket);
  if (f.Send == nullptr) return Missing("WskSend");
  WSK_BUF buf = buffer.Buf(0, length);
  TrackedIrp irp("WskSend");
  return Finish(irp, f.Send(socket.get(), &buf, flags, irp.irp()));
}

CallOutcome Disconnect(const WskSocketOwner& socket, ULONG flags) {
  const auto f = FunctionsOf(socket);
  if (f.Disconnect == nullptr) return Missing("WskDisconnect");
  TrackedIrp irp("WskDisconnect");
  return Finish(irp, f.Disconnect(socket.get(), nullptr, flags, irp.irp()));
}

CallOutcome Listen(const WskSocketOwner& socket) {
  const auto f = FunctionsOf(socket);
  if (f.Listen == nullptr) {
    // A listening-category socket listens once bound: nothing to call.
    if (socket.category() == SocketCategory::kListen) {
      CallOutcome outcome;
      outcome.status = STATUS_SUCCESS;
      return outcome;
    }
    return Missing("WskListen");
  }
  TrackedIrp irp("WskListen");
  return Finish(irp, f.Listen(socket.get(), irp.irp()));
}

::testing::AssertionResult CreateBound(WskSocketOwner& socket,
                                       SocketCategory category,
                                       ADDRESS_FAMILY family) {
  auto created = socket.Create(category, family);
  if (!created) return created;
  const CallOutcome bound = BindTo(socket, LoopbackAddress(family));
  if (!bound.ok) return bound.ok;
  if (bound.status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure()
           << "precondition: WskBind to loopback port 0 gave "
           << StatusText(bound.status);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult Connect(WskSocketOwner& socket,
                                   SocketCategory category,
                                   ADDRESS_FAMILY family, ConnectedPair* pair) {
  pair->listener = std::make_unique<HostTcpListener>(IsIpv6(family));
  if (!pair->listener->ok()) {
    return ::testing::AssertionFailure() << "harness: no host listener";
  }
  auto bound = CreateBound(socket, category, family);
  if (!bound) return bound;
  const CallOutcome connected =
      ConnectTo(socket, LoopbackAddress(family, pair->listener->port()));
  if (!connected.ok) return connected.ok;
  if (connected.status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure()
           << "precondition: WskConnect to a host listener gave "
           << StatusText(connected.status);
  }
  pair->peer = pair->listener->Accept(kExpectCompletion);
  if (!pair->peer.ok()) {
    return ::testing::AssertionFailure()
           << "the host listener saw no connection after WskConnect succeeded";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace wskconf::conformance::checks::internal
