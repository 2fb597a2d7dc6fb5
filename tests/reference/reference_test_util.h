// Test helpers for the reference provider: a registered client, IRPs whose
// completion is recorded and awaited with named timeouts, MDL-backed
// buffers, WSK socket calls that wait for their IRP, host-socket peers, and
// a fixture that fails a test on any verifier report or leak.
#ifndef WSKCONF_TESTS_REFERENCE_REFERENCE_TEST_UTIL_H_
#define WSKCONF_TESTS_REFERENCE_REFERENCE_TEST_UTIL_H_

// The tests talk to host sockets too (peers), so WSK names carry WS_.
#include <wsk.h>
#include <wskconf/kernel.h>
#include <wskconf/reference.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

namespace wskconf::reference::testing {

// Named timeouts (milliseconds).
constexpr ULONG kExpectCompletion = 10000;   // something that must happen
constexpr ULONG kExpectNoCompletion = 200;   // proof that nothing happens

// "STATUS_SUCCESS (0x00000000)" for assertion messages.
std::string StatusName(NTSTATUS status);

// Records the clause a test checks (RecordProperty "clause").
void RecordClause(const char* clause);

// An IRP with one stack location and a completion routine that records the
// result and signals an event. Start() before each call; Result() checks
// Irp.CompletionContract.ReturnEqualsIoStatus and waits.
class IrpProbe {
 public:
  IrpProbe();
  ~IrpProbe();
  IrpProbe(const IrpProbe&) = delete;
  IrpProbe& operator=(const IrpProbe&) = delete;

  // Prepares the IRP for a new call (IoReuseIrp after the first) and returns it.
  PIRP Start();
  PIRP irp() const { return irp_; }
  // The status the WSK call returned; checks that a final status matches
  // what the IRP completed with, then waits (kExpectCompletion) for the
  // completion when the call pended. Returns the completion status.
  NTSTATUS Result(NTSTATUS returned, ULONG timeout_ms = kExpectCompletion);
  // Waits for completion; false on timeout.
  bool Wait(ULONG timeout_ms);
  bool completed() const { return calls_.load() > 0; }
  int calls() const { return calls_.load(); }
  NTSTATUS status() const { return status_; }
  ULONG_PTR information() const { return information_; }
  KIRQL irql() const { return irql_; }
  BOOLEAN pending_returned() const { return pending_returned_; }

 private:
  static NTSTATUS Routine(PDEVICE_OBJECT, PIRP irp, PVOID context);
  PIRP irp_;
  bool used_ = false;
  KEVENT done_;
  std::atomic<int> calls_{0};
  NTSTATUS status_ = STATUS_PENDING;
  ULONG_PTR information_ = 0;
  KIRQL irql_ = 0xff;
  BOOLEAN pending_returned_ = FALSE;
};

// A buffer described by a chain of MDLs, one per piece of `sizes`, each
// built for nonpaged pool; guard bytes around every piece.
class MdlBuffer {
 public:
  explicit MdlBuffer(std::vector<size_t> sizes);
  explicit MdlBuffer(size_t size) : MdlBuffer(std::vector<size_t>{size}) {}
  ~MdlBuffer();
  MdlBuffer(const MdlBuffer&) = delete;
  MdlBuffer& operator=(const MdlBuffer&) = delete;

  PMDL mdl() const { return mdls_.empty() ? nullptr : mdls_.front(); }
  // WSK_BUF over `length` bytes from `offset` into the chain (default: all).
  WSK_BUF Buf(ULONG offset = 0, SIZE_T length = SIZE_MAX) const;
  size_t size() const { return total_; }
  // The bytes of the chain, in order, and writing them.
  std::string Read(size_t offset, size_t length) const;
  void Write(size_t offset, const std::string& bytes);
  bool GuardsIntact() const;

 private:
  std::vector<std::vector<char>> pieces_;
  std::vector<PMDL> mdls_;
  size_t total_ = 0;
};

// A registered WSK client holding one capture of the provider NPI.
class WskClient {
 public:
  WskClient();
  ~WskClient();
  WskClient(const WskClient&) = delete;
  WskClient& operator=(const WskClient&) = delete;

  bool ok() const { return registered_ && captured_; }
  const WSK_PROVIDER_DISPATCH* dispatch() const { return npi_.Dispatch; }
  PWSK_CLIENT client() const { return npi_.Client; }
  PWSK_REGISTRATION registration() { return &registration_; }

  // WskSocket; waits for the IRP. nullptr (and a test failure) on error.
  PWSK_SOCKET Socket(ADDRESS_FAMILY family, ULONG flags, PVOID context = nullptr,
                     const void* dispatch = nullptr, NTSTATUS* status = nullptr);

 private:
  WSK_CLIENT_DISPATCH client_dispatch_{MAKE_WSK_VERSION(1, 0), 0, nullptr};
  WSK_REGISTRATION registration_{};
  WSK_PROVIDER_NPI npi_{};
  bool registered_ = false;
  bool captured_ = false;
};

// The address of a loopback socket of `family` with `port` (host order).
SOCKADDR_STORAGE Loopback(ADDRESS_FAMILY family, USHORT port = 0);
// The port of a Windows-layout address (host order).
USHORT PortOf(const SOCKADDR_STORAGE& address);

// Synchronous wrappers over the socket dispatch tables; each returns the
// final status (after waiting for a pending IRP). Close and Bind work on
// every category that has them (WskBind and WskAccept sit at the same place
// in the listen, connection and stream tables); the others use the
// connection table (connection-category and accepted sockets), except
// Listen (stream table).
NTSTATUS CloseSocket(PWSK_SOCKET socket);
NTSTATUS Bind(PWSK_SOCKET socket, const SOCKADDR_STORAGE& address);
NTSTATUS GetLocalAddress(PWSK_SOCKET socket, SOCKADDR_STORAGE* address);
NTSTATUS GetRemoteAddress(PWSK_SOCKET socket, SOCKADDR_STORAGE* address);
NTSTATUS Listen(PWSK_SOCKET socket);
NTSTATUS Connect(PWSK_SOCKET socket, const SOCKADDR_STORAGE& remote);
NTSTATUS Send(PWSK_SOCKET socket, const std::string& bytes, ULONG flags = 0);
// Receives up to `max` bytes into *out.
NTSTATUS Receive(PWSK_SOCKET socket, size_t max, std::string* out, ULONG flags = 0);
NTSTATUS Disconnect(PWSK_SOCKET socket, ULONG flags);
NTSTATUS EnableEvents(PWSK_SOCKET socket, ULONG event_mask);
// WskAccept on a listening (or stream) socket; the accepted socket or nullptr.
PWSK_SOCKET Accept(PWSK_SOCKET listener, NTSTATUS* status = nullptr);
// The provider table of a socket as one of the two data-carrying kinds.
const WSK_PROVIDER_CONNECTION_DISPATCH* ConnectionTable(PWSK_SOCKET socket);
const WSK_PROVIDER_LISTEN_DISPATCH* ListenTable(PWSK_SOCKET socket);
const WSK_PROVIDER_STREAM_DISPATCH* StreamTable(PWSK_SOCKET socket);
const WSK_PROVIDER_BASIC_DISPATCH* BasicTable(PWSK_SOCKET socket);

// Host-side peers.
int HostFamily(ADDRESS_FAMILY family);
// A host TCP listener on loopback; its port in *port.
int HostListener(ADDRESS_FAMILY family, USHORT* port);
// A blocking host TCP client connected to loopback:port.
int HostConnect(ADDRESS_FAMILY family, USHORT port);
// accept() with a timeout of kExpectCompletion; -1 on timeout.
int HostAccept(int listener);
// Reads exactly `length` bytes (or until EOF/error) with kExpectCompletion.
std::string HostReadAll(int fd, size_t length);
void HostWriteAll(int fd, const std::string& bytes);
// Writes without failing the test when the connection is gone (races).
void HostTryWrite(int fd, const std::string& bytes);
// Reads until EOF; true when the peer ended gracefully, false on a reset.
bool HostReadsEof(int fd, std::string* rest = nullptr);
// Makes close() send a reset.
void HostAbort(int fd);

// A connected pair: a WSK connection socket and a host socket.
struct ConnectedPair {
  PWSK_SOCKET wsk = nullptr;
  int host = -1;
};
ConnectedPair ConnectToHost(WskClient& client, ADDRESS_FAMILY family,
                            PVOID context = nullptr, const void* dispatch = nullptr);

// Patterned test data.
std::string Pattern(size_t length, int seed = 0);

// Every reference test: a registered client, and no verifier report or leak
// (IRP, MDL, pool) when the test ends.
// Removes every recorded verifier finding of `rule_id` (a client mistake the
// test makes on purpose) and returns how many there were.
int ConsumeViolations(const char* rule_id);

class ReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Ends the registration early (before the leak check) for tests that
  // check deregistration itself.
  void Deregister();
  WskClient* client() { return client_.get(); }

 private:
  std::unique_ptr<WskClient> client_;
};

// A ReferenceTest run for AF_INET and AF_INET6.
class FamilyTest : public ReferenceTest,
                   public ::testing::WithParamInterface<ADDRESS_FAMILY> {
 protected:
  ADDRESS_FAMILY family() const { return GetParam(); }
};

std::string FamilyName(const ::testing::TestParamInfo<ADDRESS_FAMILY>& info);

#define WSKCONF_FAMILY_TESTS(Suite)                                      \
  INSTANTIATE_TEST_SUITE_P(Families, Suite,                              \
                           ::testing::Values(WS_AF_INET, WS_AF_INET6),   \
                           ::wskconf::reference::testing::FamilyName)

}  // namespace wskconf::reference::testing

#endif  // WSKCONF_TESTS_REFERENCE_REFERENCE_TEST_UTIL_H_
