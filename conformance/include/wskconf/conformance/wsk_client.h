// RAII owners for what a case holds of the provider under test: the client
// registration with its captured NPI, and sockets (closed with
// WskCloseSocket and a tracked IRP when the owner goes away). Everything goes
// through the WSK NPI of provider_under_test.h, never an implementation's
// internals.
#ifndef WSKCONF_CONFORMANCE_WSK_CLIENT_H_
#define WSKCONF_CONFORMANCE_WSK_CLIENT_H_

#include <wsk.h>

#include <string_view>

#include <gtest/gtest.h>

#include "wskconf/conformance/case_info.h"
#include "wskconf/provider_under_test.h"

namespace wskconf::conformance {

// The WSK version the cases register with: 1.0, which every provider takes.
inline constexpr USHORT kClientWskVersion = MAKE_WSK_VERSION(1, 0);

// A client dispatch table with no WskClientEvent.
extern const WSK_CLIENT_DISPATCH kNullClientDispatch;

// One registration (WskRegister) with one captured provider NPI. The
// destructor releases the NPI and deregisters, unless the harness leaked an
// object the provider may still hold (WskDeregister would wait for it).
class WskClientSession {
 public:
  WskClientSession() = default;
  ~WskClientSession();
  WskClientSession(const WskClientSession&) = delete;
  WskClientSession& operator=(const WskClientSession&) = delete;

  // Loads the provider under test, registers with `dispatch` and `context`,
  // and captures the NPI (waiting at most kExpectCompletion). The failure
  // names the step and the status.
  ::testing::AssertionResult Open(
      const WSK_CLIENT_DISPATCH* dispatch = &kNullClientDispatch,
      PVOID context = nullptr);

  // Registers only (no capture): for registration cases.
  ::testing::AssertionResult Register(
      const WSK_CLIENT_DISPATCH* dispatch = &kNullClientDispatch,
      PVOID context = nullptr);

  const ProviderEntryPoints& entry() const { return *entry_; }
  PWSK_REGISTRATION registration() { return &registration_; }
  const WSK_PROVIDER_NPI& npi() const { return npi_; }
  PWSK_CLIENT client() const { return npi_.Client; }
  const WSK_PROVIDER_DISPATCH* dispatch() const { return npi_.Dispatch; }
  bool captured() const { return captured_; }

  // Releases the capture now (WskReleaseProviderNPI).
  void ReleaseCapture();
  // Deregisters now (after releasing the capture).
  void Deregister();
  // Records that the case deregistered (or released) through entry()
  // itself, so the destructor does not do it again.
  void MarkDeregistered() {
    registered_ = false;
    captured_ = false;
  }

 private:
  const ProviderEntryPoints* entry_ = nullptr;
  WSK_CLIENT_NPI client_npi_{};
  WSK_REGISTRATION registration_{};
  WSK_PROVIDER_NPI npi_{};
  bool registered_ = false;
  bool captured_ = false;
};

// Success when a provider dispatch table entry the harness is about to call
// through is there; otherwise a failure naming it ("the provider's
// WSK_PROVIDER_DISPATCH.WskSocket is NULL"), so a provider that leaves an
// entry NULL fails the case by name instead of crashing the binary.
::testing::AssertionResult DispatchEntryPresent(bool present, std::string_view table,
                                                std::string_view function);

// The socket type and protocol WskSocket takes for a category: stream for
// listen/connection/stream/basic (TCP), datagram for datagram (UDP).
USHORT SocketTypeFor(SocketCategory category);
ULONG ProtocolFor(SocketCategory category);

// A socket of the provider under test, closed by the destructor.
class WskSocketOwner {
 public:
  explicit WskSocketOwner(WskClientSession& session) : session_(session) {}
  ~WskSocketOwner();
  WskSocketOwner(const WskSocketOwner&) = delete;
  WskSocketOwner& operator=(const WskSocketOwner&) = delete;

  // WskSocket for `category` and `family` with the given client context and
  // dispatch (NULL: no event callbacks). Checks the IRP contract and that
  // Information holds a socket with a dispatch table.
  ::testing::AssertionResult Create(SocketCategory category,
                                    ADDRESS_FAMILY family,
                                    PVOID context = nullptr,
                                    const VOID* client_dispatch = nullptr);

  // Takes ownership of a socket the provider delivered another way
  // (WskAccept, WskSocketConnect).
  void Adopt(PWSK_SOCKET socket, SocketCategory category);

  PWSK_SOCKET get() const { return socket_; }
  // The status WskSocket completed with in the last Create (STATUS_PENDING
  // when it never completed).
  NTSTATUS create_status() const { return create_status_; }
  SocketCategory category() const { return category_; }
  const WSK_PROVIDER_BASIC_DISPATCH* basic() const {
    return static_cast<const WSK_PROVIDER_BASIC_DISPATCH*>(socket_->Dispatch);
  }
  // The dispatch table as the category's type (the caller picks it).
  template <typename Table>
  const Table* table() const {
    return static_cast<const Table*>(socket_->Dispatch);
  }

  // WskCloseSocket now; the socket is gone afterwards whatever the result.
  ::testing::AssertionResult Close();

 private:
  WskClientSession& session_;
  PWSK_SOCKET socket_ = nullptr;
  SocketCategory category_ = SocketCategory::kNone;
  NTSTATUS create_status_ = STATUS_PENDING;
};

// Addresses in Windows layout. Ports are in host order here and stored in
// network order, as SOCKADDR_IN(6) holds them.
SOCKADDR_STORAGE LoopbackAddress(ADDRESS_FAMILY family, USHORT port = 0);
SOCKADDR_STORAGE WildcardAddress(ADDRESS_FAMILY family, USHORT port = 0);
// The port of an AF_INET/AF_INET6 address, in host order (0 otherwise).
USHORT PortOf(const SOCKADDR* address);
// Whether `address` is `family`'s loopback address (any port).
bool IsLoopback(const SOCKADDR* address, ADDRESS_FAMILY family);

}  // namespace wskconf::conformance

#endif  // WSKCONF_CONFORMANCE_WSK_CLIENT_H_
