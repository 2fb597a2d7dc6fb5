// Registration and socket owners over the provider under test (wsk_client.h).
#include "wskconf/conformance/wsk_client.h"

#include <cstring>

#include "wskconf/conformance/irp_harness.h"
#include "wskconf/conformance/status_matchers.h"

namespace wskconf::conformance {

const WSK_CLIENT_DISPATCH kNullClientDispatch = {kClientWskVersion, 0,
                                                 nullptr};

WskClientSession::~WskClientSession() {
  if (LeakedObjectCount() > 0) {
    // The provider may still hold a leaked IRP or socket; WskDeregister
    // would wait for it forever. The registration is leaked with it.
    if (registered_) NoteLeak("registration (after a leaked object)");
    return;
  }
  ReleaseCapture();
  Deregister();
}

::testing::AssertionResult WskClientSession::Register(
    const WSK_CLIENT_DISPATCH* dispatch, PVOID context) {
  const auto& provider = ProviderUnderTest();
  if (!provider.ok()) {
    return ::testing::AssertionFailure()
           << "harness: " << provider.status().message();
  }
  entry_ = &provider.value();
  client_npi_.ClientContext = context;
  client_npi_.Dispatch = dispatch;
  const NTSTATUS status = entry_->WskRegister(&client_npi_, &registration_);
  if (!NT_SUCCESS(status)) {
    return ::testing::AssertionFailure()
           << "WskRegister failed with " << StatusText(status);
  }
  registered_ = true;
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult WskClientSession::Open(
    const WSK_CLIENT_DISPATCH* dispatch, PVOID context) {
  auto registered = Register(dispatch, context);
  if (!registered) return registered;
  const NTSTATUS status = entry_->WskCaptureProviderNPI(
      &registration_, static_cast<ULONG>(kExpectCompletion.count()), &npi_);
  if (status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure()
           << "WskCaptureProviderNPI failed with " << StatusText(status);
  }
  captured_ = true;
  if (npi_.Dispatch == nullptr) {
    return ::testing::AssertionFailure()
           << "WskCaptureProviderNPI succeeded with a NULL dispatch table";
  }
  return ::testing::AssertionSuccess();
}

void WskClientSession::ReleaseCapture() {
  if (!captured_) return;
  entry_->WskReleaseProviderNPI(&registration_);
  captured_ = false;
}

void WskClientSession::Deregister() {
  if (!registered_) return;
  ReleaseCapture();
  entry_->WskDeregister(&registration_);
  registered_ = false;
}

::testing::AssertionResult DispatchEntryPresent(bool present, std::string_view table,
                                                std::string_view function) {
  if (present) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the provider's " << table << "." << function << " is NULL";
}

USHORT SocketTypeFor(SocketCategory category) {
  return category == SocketCategory::kDatagram ? SOCK_DGRAM : SOCK_STREAM;
}

ULONG ProtocolFor(SocketCategory category) {
  return category == SocketCategory::kDatagram ? IPPROTO_UDP : IPPROTO_TCP;
}

WskSocketOwner::~WskSocketOwner() {
  if (socket_ == nullptr) return;
  auto closed = Close();
  if (!closed) ADD_FAILURE() << "closing the case's socket: " << closed.message();
}

::testing::AssertionResult WskSocketOwner::Create(SocketCategory category,
                                                  ADDRESS_FAMILY family,
                                                  PVOID context,
                                                  const VOID* client_dispatch) {
  if (session_.dispatch() == nullptr) {
    return ::testing::AssertionFailure() << "harness: no captured NPI";
  }
  auto present = DispatchEntryPresent(session_.dispatch()->WskSocket != nullptr,
                                      "WSK_PROVIDER_DISPATCH", "WskSocket");
  if (!present) return present;
  TrackedIrp irp("WskSocket");
  const NTSTATUS returned = session_.dispatch()->WskSocket(
      session_.client(), family, SocketTypeFor(category),
      ProtocolFor(category), SocketCategoryFlags(category), context,
      client_dispatch, nullptr, nullptr, nullptr, irp.irp());
  auto finished = irp.Finish(returned);
  if (!finished) return finished;
  const IrpCompletion done = irp.completion();
  create_status_ = done.status;
  if (done.status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure()
           << "WskSocket(" << SocketCategoryName(category) << ", "
           << AddressFamilyName(family) << ") completed with "
           << StatusText(done.status);
  }
  auto* socket = reinterpret_cast<PWSK_SOCKET>(done.information);
  if (socket == nullptr || done.information == kPoisonInformation) {
    return ::testing::AssertionFailure()
           << "WskSocket succeeded without a socket in IoStatus.Information";
  }
  socket_ = socket;
  category_ = category;
  if (socket->Dispatch == nullptr) {
    return ::testing::AssertionFailure()
           << "WskSocket delivered a socket with a NULL Dispatch";
  }
  return ::testing::AssertionSuccess();
}

void WskSocketOwner::Adopt(PWSK_SOCKET socket, SocketCategory category) {
  socket_ = socket;
  category_ = category;
}

::testing::AssertionResult WskSocketOwner::Close() {
  if (socket_ == nullptr) return ::testing::AssertionSuccess();
  PWSK_SOCKET socket = socket_;
  socket_ = nullptr;
  const auto* basic =
      static_cast<const WSK_PROVIDER_BASIC_DISPATCH*>(socket->Dispatch);
  if (basic == nullptr || basic->WskCloseSocket == nullptr) {
    NoteLeak("socket without WskCloseSocket");
    return ::testing::AssertionFailure()
           << "the socket's dispatch table has no WskCloseSocket";
  }
  TrackedIrp irp("WskCloseSocket");
  const NTSTATUS returned = basic->WskCloseSocket(socket, irp.irp());
  auto finished = irp.Finish(returned);
  if (!finished) return finished;
  if (irp.completion().status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure()
           << "WskCloseSocket completed with "
           << StatusText(irp.completion().status);
  }
  return ::testing::AssertionSuccess();
}

namespace {

USHORT Swap16(USHORT value) {
  return static_cast<USHORT>((value >> 8) | (value << 8));
}

}  // namespace

SOCKADDR_STORAGE WildcardAddress(ADDRESS_FAMILY family, USHORT port) {
  SOCKADDR_STORAGE storage;
  std::memset(&storage, 0, sizeof storage);
  storage.ss_family = family;
  if (family == AF_INET) {
    reinterpret_cast<SOCKADDR_IN*>(&storage)->sin_port = Swap16(port);
  } else if (family == AF_INET6) {
    reinterpret_cast<SOCKADDR_IN6*>(&storage)->sin6_port = Swap16(port);
  }
  return storage;
}

SOCKADDR_STORAGE LoopbackAddress(ADDRESS_FAMILY family, USHORT port) {
  SOCKADDR_STORAGE storage = WildcardAddress(family, port);
  if (family == AF_INET) {
    auto* in = reinterpret_cast<SOCKADDR_IN*>(&storage);
    const UCHAR loopback[4] = {127, 0, 0, 1};
    std::memcpy(&in->sin_addr, loopback, sizeof loopback);
  } else if (family == AF_INET6) {
    reinterpret_cast<SOCKADDR_IN6*>(&storage)->sin6_addr.u.Byte[15] = 1;
  }
  return storage;
}

USHORT PortOf(const SOCKADDR* address) {
  if (address->sa_family == AF_INET) {
    return Swap16(reinterpret_cast<const SOCKADDR_IN*>(address)->sin_port);
  }
  if (address->sa_family == AF_INET6) {
    return Swap16(reinterpret_cast<const SOCKADDR_IN6*>(address)->sin6_port);
  }
  return 0;
}

bool IsLoopback(const SOCKADDR* address, ADDRESS_FAMILY family) {
  if (address->sa_family != family) return false;
  const SOCKADDR_STORAGE loopback = LoopbackAddress(family);
  if (family == AF_INET) {
    return std::memcmp(&reinterpret_cast<const SOCKADDR_IN*>(address)->sin_addr,
                       &reinterpret_cast<const SOCKADDR_IN*>(&loopback)->sin_addr,
                       sizeof(IN_ADDR)) == 0;
  }
  return std::memcmp(&reinterpret_cast<const SOCKADDR_IN6*>(address)->sin6_addr,
                     &reinterpret_cast<const SOCKADDR_IN6*>(&loopback)->sin6_addr,
                     sizeof(IN6_ADDR)) == 0;
}

}  // namespace wskconf::conformance
