// Test helpers for the reference provider (see reference_test_util.h).
#include "reference_test_util.h"

#include <arpa/inet.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

namespace wskconf::reference::testing {
namespace {

constexpr char kGuard = '\x5a';
constexpr size_t kGuardBytes = 16;

LARGE_INTEGER RelativeMs(ULONG ms) {
  LARGE_INTEGER t;
  t.QuadPart = -static_cast<LONGLONG>(ms) * 10000;
  return t;
}

bool PollFor(int fd, short events) {
  pollfd p{fd, events, 0};
  return poll(&p, 1, static_cast<int>(kExpectCompletion)) == 1;
}

}  // namespace

std::string StatusName(NTSTATUS status) {
  char text[96];
  WskconfFormatNtStatus(status, text, sizeof(text));
  return text;
}

void RecordClause(const char* clause) {
  ::testing::Test::RecordProperty("clause", clause);
}

// ---- IrpProbe ----

IrpProbe::IrpProbe() : irp_(IoAllocateIrp(1, FALSE)) {
  KeInitializeEvent(&done_, NotificationEvent, FALSE);
}

IrpProbe::~IrpProbe() {
  if (irp_ != nullptr) IoFreeIrp(irp_);
}

PIRP IrpProbe::Start() {
  if (used_) IoReuseIrp(irp_, STATUS_UNSUCCESSFUL);
  used_ = true;
  KeClearEvent(&done_);
  calls_ = 0;
  status_ = STATUS_PENDING;
  information_ = 0;
  IoSetCompletionRoutine(irp_, &Routine, this, TRUE, TRUE, TRUE);
  return irp_;
}

NTSTATUS IrpProbe::Routine(PDEVICE_OBJECT, PIRP irp, PVOID context) {
  auto* self = static_cast<IrpProbe*>(context);
  self->irql_ = KeGetCurrentIrql();
  self->status_ = irp->IoStatus.Status;
  self->information_ = irp->IoStatus.Information;
  self->pending_returned_ = irp->PendingReturned;
  self->calls_.fetch_add(1);
  KeSetEvent(&self->done_, IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

bool IrpProbe::Wait(ULONG timeout_ms) {
  LARGE_INTEGER timeout = RelativeMs(timeout_ms);
  return KeWaitForSingleObject(&done_, Executive, KernelMode, FALSE, &timeout) ==
         STATUS_SUCCESS;
}

NTSTATUS IrpProbe::Result(NTSTATUS returned, ULONG timeout_ms) {
  if (returned != STATUS_PENDING) {
    // Irp.CompletionContract.ReturnEqualsIoStatus: completed before return.
    EXPECT_TRUE(completed()) << "returned " << StatusName(returned)
                             << " without completing the IRP";
    if (!completed()) return returned;
    EXPECT_EQ(returned, status_) << StatusName(returned) << " returned, IRP completed with "
                                 << StatusName(status_);
    return status_;
  }
  if (!Wait(timeout_ms)) {
    ADD_FAILURE() << "the IRP did not complete within " << timeout_ms << " ms";
    return STATUS_PENDING;
  }
  // Irp.CompletionContract.MarkPendingBeforeReturningPending
  EXPECT_TRUE(pending_returned_);
  EXPECT_EQ(calls_.load(), 1);
  return status_;
}

// ---- MdlBuffer ----

MdlBuffer::MdlBuffer(std::vector<size_t> sizes) {
  for (size_t size : sizes) {
    pieces_.emplace_back(size + 2 * kGuardBytes, kGuard);
    char* data = pieces_.back().data() + kGuardBytes;
    PMDL mdl = IoAllocateMdl(data, static_cast<ULONG>(size), FALSE, FALSE, nullptr);
    MmBuildMdlForNonPagedPool(mdl);
    if (!mdls_.empty()) mdls_.back()->Next = mdl;
    mdls_.push_back(mdl);
    total_ += size;
  }
}

MdlBuffer::~MdlBuffer() {
  for (PMDL mdl : mdls_) IoFreeMdl(mdl);
}

WSK_BUF MdlBuffer::Buf(ULONG offset, SIZE_T length) const {
  WSK_BUF buf;
  buf.Mdl = mdl();
  buf.Offset = offset;
  buf.Length = length == SIZE_MAX ? total_ - offset : length;
  return buf;
}

std::string MdlBuffer::Read(size_t offset, size_t length) const {
  std::string out;
  for (const auto& piece : pieces_) {
    size_t size = piece.size() - 2 * kGuardBytes;
    if (offset >= size) {
      offset -= size;
      continue;
    }
    size_t take = std::min(size - offset, length - out.size());
    out.append(piece.data() + kGuardBytes + offset, take);
    offset = 0;
    if (out.size() == length) break;
  }
  return out;
}

void MdlBuffer::Write(size_t offset, const std::string& bytes) {
  size_t next = 0;
  for (auto& piece : pieces_) {
    size_t size = piece.size() - 2 * kGuardBytes;
    if (offset >= size) {
      offset -= size;
      continue;
    }
    size_t take = std::min(size - offset, bytes.size() - next);
    std::memcpy(piece.data() + kGuardBytes + offset, bytes.data() + next, take);
    next += take;
    offset = 0;
    if (next == bytes.size()) break;
  }
}

bool MdlBuffer::GuardsIntact() const {
  for (const auto& piece : pieces_) {
    for (size_t i = 0; i < kGuardBytes; ++i) {
      if (piece[i] != kGuard || piece[piece.size() - 1 - i] != kGuard) return false;
    }
  }
  return true;
}

// ---- WskClient ----

WskClient::WskClient() {
  WSK_CLIENT_NPI npi{nullptr, &client_dispatch_};
  registered_ = WskRegister(&npi, &registration_) == STATUS_SUCCESS;
  if (!registered_) return;
  captured_ = WskCaptureProviderNPI(&registration_, WSK_NO_WAIT, &npi_) == STATUS_SUCCESS;
}

WskClient::~WskClient() {
  if (captured_) WskReleaseProviderNPI(&registration_);
  if (registered_) WskDeregister(&registration_);
}

PWSK_SOCKET WskClient::Socket(ADDRESS_FAMILY family, ULONG flags, PVOID context,
                              const void* dispatch, NTSTATUS* status_out) {
  IrpProbe probe;
  NTSTATUS status = probe.Result(npi_.Dispatch->WskSocket(
      npi_.Client, family, WS_SOCK_STREAM, WS_IPPROTO_TCP, flags, context, dispatch,
      nullptr, nullptr, nullptr, probe.Start()));
  if (status_out != nullptr) {
    *status_out = status;
  } else {
    EXPECT_EQ(status, STATUS_SUCCESS) << StatusName(status);
  }
  return NT_SUCCESS(status) ? reinterpret_cast<PWSK_SOCKET>(probe.information()) : nullptr;
}

// ---- Addresses and tables ----

SOCKADDR_STORAGE Loopback(ADDRESS_FAMILY family, USHORT port) {
  SOCKADDR_STORAGE storage{};
  if (family == WS_AF_INET6) {
    auto* in6 = reinterpret_cast<SOCKADDR_IN6*>(&storage);
    in6->sin6_family = WS_AF_INET6;
    in6->sin6_port = htons(port);
    in6->sin6_addr.u.Byte[15] = 1;
  } else {
    auto* in = reinterpret_cast<SOCKADDR_IN*>(&storage);
    in->sin_family = WS_AF_INET;
    in->sin_port = htons(port);
    in->sin_addr.S_un.S_addr = htonl(INADDR_LOOPBACK);
  }
  return storage;
}

USHORT PortOf(const SOCKADDR_STORAGE& address) {
  return ntohs(reinterpret_cast<const SOCKADDR_IN*>(&address)->sin_port);
}

const WSK_PROVIDER_BASIC_DISPATCH* BasicTable(PWSK_SOCKET s) {
  return static_cast<const WSK_PROVIDER_BASIC_DISPATCH*>(s->Dispatch);
}
const WSK_PROVIDER_CONNECTION_DISPATCH* ConnectionTable(PWSK_SOCKET s) {
  return static_cast<const WSK_PROVIDER_CONNECTION_DISPATCH*>(s->Dispatch);
}
const WSK_PROVIDER_LISTEN_DISPATCH* ListenTable(PWSK_SOCKET s) {
  return static_cast<const WSK_PROVIDER_LISTEN_DISPATCH*>(s->Dispatch);
}
const WSK_PROVIDER_STREAM_DISPATCH* StreamTable(PWSK_SOCKET s) {
  return static_cast<const WSK_PROVIDER_STREAM_DISPATCH*>(s->Dispatch);
}

// ---- Synchronous socket calls ----

NTSTATUS CloseSocket(PWSK_SOCKET s) {
  IrpProbe probe;
  return probe.Result(BasicTable(s)->WskCloseSocket(s, probe.Start()));
}

NTSTATUS Bind(PWSK_SOCKET s, const SOCKADDR_STORAGE& address) {
  IrpProbe probe;
  auto* a = const_cast<PSOCKADDR>(reinterpret_cast<const SOCKADDR*>(&address));
  // WskBind is the third member of every table that has it.
  return probe.Result(ConnectionTable(s)->WskBind(s, a, 0, probe.Start()));
}

NTSTATUS GetLocalAddress(PWSK_SOCKET s, SOCKADDR_STORAGE* address) {
  IrpProbe probe;
  auto* a = reinterpret_cast<PSOCKADDR>(address);
  return probe.Result(ConnectionTable(s)->WskGetLocalAddress(s, a, probe.Start()));
}

NTSTATUS GetRemoteAddress(PWSK_SOCKET s, SOCKADDR_STORAGE* address) {
  IrpProbe probe;
  auto* a = reinterpret_cast<PSOCKADDR>(address);
  return probe.Result(ConnectionTable(s)->WskGetRemoteAddress(s, a, probe.Start()));
}

NTSTATUS Listen(PWSK_SOCKET s) {
  IrpProbe probe;
  return probe.Result(StreamTable(s)->WskListen(s, probe.Start()));
}

NTSTATUS Connect(PWSK_SOCKET s, const SOCKADDR_STORAGE& remote) {
  IrpProbe probe;
  auto* a = const_cast<PSOCKADDR>(reinterpret_cast<const SOCKADDR*>(&remote));
  return probe.Result(ConnectionTable(s)->WskConnect(s, a, 0, probe.Start()));
}

NTSTATUS Send(PWSK_SOCKET s, const std::string& bytes, ULONG flags) {
  MdlBuffer buffer(bytes.size());
  buffer.Write(0, bytes);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  NTSTATUS status = probe.Result(ConnectionTable(s)->WskSend(s, &buf, flags, probe.Start()));
  if (status == STATUS_SUCCESS) {
    EXPECT_EQ(probe.information(), bytes.size());
  }
  return status;
}

NTSTATUS Receive(PWSK_SOCKET s, size_t max, std::string* out, ULONG flags) {
  MdlBuffer buffer(max);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  NTSTATUS status =
      probe.Result(ConnectionTable(s)->WskReceive(s, &buf, flags, probe.Start()));
  if (status == STATUS_SUCCESS) *out = buffer.Read(0, probe.information());
  EXPECT_TRUE(buffer.GuardsIntact());  // Mdl.DescriptionHonoured
  return status;
}

NTSTATUS Disconnect(PWSK_SOCKET s, ULONG flags) {
  IrpProbe probe;
  return probe.Result(ConnectionTable(s)->WskDisconnect(s, nullptr, flags, probe.Start()));
}

NTSTATUS EnableEvents(PWSK_SOCKET s, ULONG event_mask) {
  WSK_EVENT_CALLBACK_CONTROL control{const_cast<PNPIID>(&NPI_WSK_INTERFACE_ID), event_mask};
  return BasicTable(s)->WskControlSocket(s, WskSetOption, SO_WSK_EVENT_CALLBACK,
                                         WS_SOL_SOCKET, sizeof(control), &control, 0,
                                         nullptr, nullptr, nullptr);
}

PWSK_SOCKET Accept(PWSK_SOCKET listener, NTSTATUS* status_out) {
  IrpProbe probe;
  NTSTATUS status = probe.Result(ListenTable(listener)->WskAccept(
      listener, 0, nullptr, nullptr, nullptr, nullptr, probe.Start()));
  if (status_out != nullptr) *status_out = status;
  return status == STATUS_SUCCESS ? reinterpret_cast<PWSK_SOCKET>(probe.information())
                                  : nullptr;
}

// ---- Host peers ----

int HostFamily(ADDRESS_FAMILY family) {
  return family == WS_AF_INET6 ? AF_INET6 : AF_INET;
}

static socklen_t HostLoopback(ADDRESS_FAMILY family, USHORT port, sockaddr_storage* out) {
  std::memset(out, 0, sizeof(*out));
  if (family == WS_AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(out);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    in6->sin6_addr = in6addr_loopback;
    return sizeof(sockaddr_in6);
  }
  auto* in = reinterpret_cast<sockaddr_in*>(out);
  in->sin_family = AF_INET;
  in->sin_port = htons(port);
  in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sizeof(sockaddr_in);
}

int HostListener(ADDRESS_FAMILY family, USHORT* port) {
  int fd = socket(HostFamily(family), SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_storage address;
  socklen_t length = HostLoopback(family, 0, &address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(fd, 64) != 0) {
    ADD_FAILURE() << "host listener: " << std::strerror(errno);
  }
  length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  *port = ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  return fd;
}

int HostConnect(ADDRESS_FAMILY family, USHORT port) {
  int fd = socket(HostFamily(family), SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_storage address;
  socklen_t length = HostLoopback(family, port, &address);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    ADD_FAILURE() << "host connect: " << std::strerror(errno);
  }
  return fd;
}

int HostAccept(int listener) {
  if (!PollFor(listener, POLLIN)) return -1;
  return accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
}

std::string HostReadAll(int fd, size_t length) {
  std::string out;
  char chunk[65536];
  while (out.size() < length && PollFor(fd, POLLIN)) {
    ssize_t n = read(fd, chunk, std::min(sizeof(chunk), length - out.size()));
    if (n <= 0) break;
    out.append(chunk, static_cast<size_t>(n));
  }
  return out;
}

void HostWriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) {
      ADD_FAILURE() << "host write: " << std::strerror(errno);
      return;
    }
    done += static_cast<size_t>(n);
  }
}

void HostTryWrite(int fd, const std::string& bytes) {
  ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  (void)n;  // a reset connection is one of the outcomes the caller races
}

bool HostReadsEof(int fd, std::string* rest) {
  char chunk[4096];
  while (PollFor(fd, POLLIN)) {
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n == 0) return true;
    if (n < 0) return false;
    if (rest != nullptr) rest->append(chunk, static_cast<size_t>(n));
  }
  ADD_FAILURE() << "no end of stream within " << kExpectCompletion << " ms";
  return false;
}

void HostAbort(int fd) {
  linger hard{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
  close(fd);
}

ConnectedPair ConnectToHost(WskClient& client, ADDRESS_FAMILY family, PVOID context,
                            const void* dispatch) {
  ConnectedPair pair;
  USHORT port;
  int listener = HostListener(family, &port);
  pair.wsk = client.Socket(family, WSK_FLAG_CONNECTION_SOCKET, context, dispatch);
  if (pair.wsk != nullptr) {
    EXPECT_EQ(Bind(pair.wsk, Loopback(family)), STATUS_SUCCESS);
    EXPECT_EQ(Connect(pair.wsk, Loopback(family, port)), STATUS_SUCCESS);
    pair.host = HostAccept(listener);
  }
  close(listener);
  return pair;
}

std::string Pattern(size_t length, int seed) {
  std::string out(length, '\0');
  uint32_t x = 2463534242u + static_cast<uint32_t>(seed);
  size_t i = 0;
  for (; i + 4 <= length; i += 4) {  // a word at a time: cheap under sanitizers
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    std::memcpy(&out[i], &x, 4);
  }
  for (; i < length; ++i) out[i] = static_cast<char>(x >> (8 * (i % 4)));
  return out;
}

int ConsumeViolations(const char* rule_id) {
  int consumed = 0;
  WSKCONF_VIOLATION v;
  for (ULONG i = 0; WskconfGetViolation(i, &v);) {
    if (std::string(v.RuleId) == rule_id) {
      WskconfConsumeViolation(i);
      ++consumed;
    } else {
      ++i;
    }
  }
  return consumed;
}

// ---- Fixture ----

void ReferenceTest::SetUp() {
  ASSERT_EQ(WskconfGetViolationCount(), 0u) << "a previous test left violations";
  client_ = std::make_unique<WskClient>();
  ASSERT_TRUE(client_->ok());
}

void ReferenceTest::Deregister() { client_.reset(); }

void ReferenceTest::TearDown() {
  client_.reset();  // WskDeregister waits for every socket and IRP
  EXPECT_EQ(WskconfReferenceLiveSocketCount(), 0u);
  EXPECT_EQ(WskconfCheckLeaks(), 0u) << "IRP, MDL or pool leaked";
  ULONG violations = WskconfGetViolationCount();
  for (ULONG i = 0; i < violations; ++i) {
    WSKCONF_VIOLATION v;
    if (WskconfGetViolation(i, &v)) {
      ADD_FAILURE() << v.RuleId << ": " << v.Message;
    }
  }
  WskconfClearViolations();
}

std::string FamilyName(const ::testing::TestParamInfo<ADDRESS_FAMILY>& info) {
  return info.param == WS_AF_INET6 ? "Inet6" : "Inet";
}

}  // namespace wskconf::reference::testing

// Thread sanitizer: Irp->Cancel is a plain BOOLEAN that IoCancelIrp sets
// while the IRP's holder may be reading it (as on Windows, where the cancel
// spin lock and IoSetCancelRoutine's interlocked exchange order the two
// sides, not the flag itself). These reads and writes are the documented
// protocol, not a bug: the runtime's and the provider's accesses are listed.
extern "C" const char* __tsan_default_suppressions() {
  return "race:IoCancelIrp\n"
         "race:ShouldInvoke\n"
         "race:wskconf::reference::internal::QueueCancelable\n"
         "race:wskconf::reference::internal::Rearm\n";
}
