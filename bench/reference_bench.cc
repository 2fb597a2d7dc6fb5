// The reference provider's costs, each case as a pair measured in the same
// run: <Case>/reference does the work through WSK (libwskconf_reference.so)
// and <Case>/raw does the same work with plain host sockets. Read the ratio
// (scripts/bench.sh prints them). The completion policy comes from
// WSKCONF_POLICY as for every reference client.
#include <wsk.h>
#include <wskconf/kernel.h>
#include <wskconf/reference.h>

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr size_t kStreamChunk = 64 * 1024;
constexpr size_t kSmall = 64;

// ---- Host side ----

int HostListener(USHORT* port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(a);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      listen(fd, SOMAXCONN) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length) != 0) {
    std::perror("reference_bench: host listener");
    std::exit(2);
  }
  *port = ntohs(a.sin_port);
  return fd;
}

int HostConnect(USHORT port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    std::perror("reference_bench: host connect");
    std::exit(2);
  }
  return fd;
}

bool ReadExactly(int fd, char* buffer, size_t length) {
  while (length > 0) {
    ssize_t n = read(fd, buffer, length);
    if (n <= 0) return false;
    buffer += n;
    length -= static_cast<size_t>(n);
  }
  return true;
}

bool WriteExactly(int fd, const char* buffer, size_t length) {
  while (length > 0) {
    ssize_t n = write(fd, buffer, length);
    if (n <= 0) return false;
    buffer += n;
    length -= static_cast<size_t>(n);
  }
  return true;
}

// Reads and discards everything that arrives on a set of host sockets until
// stopped; the far end of every sending case.
class Drainer {
 public:
  explicit Drainer(const std::vector<int>& fds)
      : epoll_(epoll_create1(EPOLL_CLOEXEC)), stop_(eventfd(0, EFD_CLOEXEC)) {
    Watch(stop_);
    for (int fd : fds) Watch(fd);
    thread_ = std::thread([this] { Run(); });
  }
  ~Drainer() {
    uint64_t one = 1;
    if (write(stop_, &one, sizeof(one)) != sizeof(one)) std::abort();
    thread_.join();
    close(stop_);
    close(epoll_);
  }

 private:
  void Watch(int fd) {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = fd;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &e);
  }
  void Run() {
    std::vector<char> sink(256 * 1024);
    epoll_event events[64];
    for (;;) {
      int n = epoll_wait(epoll_, events, 64, -1);
      for (int i = 0; i < n; ++i) {
        if (events[i].data.fd == stop_) return;
        if (read(events[i].data.fd, sink.data(), sink.size()) <= 0) {
          epoll_ctl(epoll_, EPOLL_CTL_DEL, events[i].data.fd, nullptr);
        }
      }
    }
  }
  int epoll_, stop_;
  std::thread thread_;
};

// A child process that accepts every connection to a host listener and
// discards what arrives, so the far ends of SendCost's sockets do not count
// against this process's open-file limit. The child uses system calls only
// (it is forked from a threaded process) and ends when this object closes
// the pipe it watches.
class FarProcess {
 public:
  FarProcess() {
    listener_ = HostListener(&port_);
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) std::abort();
    child_ = fork();
    if (child_ == 0) {
      close(pipe_fds[1]);
      Serve(listener_, pipe_fds[0]);
    }
    close(pipe_fds[0]);
    close(listener_);
    stop_ = pipe_fds[1];
  }
  ~FarProcess() { Stop(); }
  // Ends the child, which closes the far ends first: the TIME_WAIT state
  // then stays with the far ends (whose local port is the listener's), not
  // with the near ends' ephemeral ports. Closing the near ends first left
  // one TIME_WAIT port per socket: SendCost and SendSpread, repeated at
  // 10,000 sockets, used up the host's ~28,000 ephemeral ports and the next
  // WskBind failed with STATUS_ADDRESS_ALREADY_EXISTS.
  void Stop() {
    if (child_ <= 0) return;
    close(stop_);
    waitpid(child_, nullptr, 0);
    child_ = -1;
  }
  USHORT port() const { return port_; }

 private:
  [[noreturn]] static void Serve(int listener, int stop) {
    static char sink[64 * 1024];
    int epoll = epoll_create1(0);
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = listener;
    epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &e);
    e.data.fd = stop;
    epoll_ctl(epoll, EPOLL_CTL_ADD, stop, &e);
    epoll_event events[64];
    for (;;) {
      int n = epoll_wait(epoll, events, 64, -1);
      for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == stop) _exit(0);
        if (fd == listener) {
          int accepted = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
          if (accepted < 0) continue;
          e.data.fd = accepted;
          epoll_ctl(epoll, EPOLL_CTL_ADD, accepted, &e);
        } else if (read(fd, sink, sizeof(sink)) == 0) {
          close(fd);
        }
      }
    }
  }
  USHORT port_ = 0;
  int listener_ = -1, stop_ = -1;
  pid_t child_ = -1;
};

// Echoes kSmall-byte messages on one host socket until it closes.
std::thread Echoer(int fd) {
  return std::thread([fd] {
    char message[kSmall];
    while (ReadExactly(fd, message, sizeof(message)) &&
           WriteExactly(fd, message, sizeof(message))) {
    }
  });
}

// ---- WSK side ----

NTSTATUS SignalDone(PDEVICE_OBJECT, PIRP, PVOID context) {
  KeSetEvent(static_cast<PKEVENT>(context), IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

// One IRP reused for synchronous calls: Start() before each call, Wait()
// with what the call returned.
class SyncIrp {
 public:
  SyncIrp() : irp_(IoAllocateIrp(1, FALSE)) {
    KeInitializeEvent(&done_, NotificationEvent, FALSE);
  }
  ~SyncIrp() { IoFreeIrp(irp_); }
  PIRP Start() {
    IoReuseIrp(irp_, STATUS_UNSUCCESSFUL);
    KeClearEvent(&done_);
    IoSetCompletionRoutine(irp_, SignalDone, &done_, TRUE, TRUE, TRUE);
    return irp_;
  }
  NTSTATUS Wait(NTSTATUS returned) {
    if (returned == STATUS_PENDING) {
      KeWaitForSingleObject(&done_, Executive, KernelMode, FALSE, nullptr);
    }
    return irp_->IoStatus.Status;
  }
  ULONG_PTR information() const { return irp_->IoStatus.Information; }

 private:
  PIRP irp_;
  KEVENT done_;
};

// A registered client with the provider NPI captured, for the whole run.
class Wsk {
 public:
  Wsk() {
    WSK_CLIENT_NPI npi{nullptr, &dispatch_};
    if (WskRegister(&npi, &registration_) != STATUS_SUCCESS ||
        WskCaptureProviderNPI(&registration_, WSK_NO_WAIT, &provider_) != STATUS_SUCCESS) {
      std::fprintf(stderr, "reference_bench: cannot register with the reference provider\n");
      std::exit(2);
    }
  }
  ~Wsk() {
    WskReleaseProviderNPI(&registration_);
    WskDeregister(&registration_);
  }
  PWSK_SOCKET Socket(ULONG flags) {
    NTSTATUS status = irp_.Wait(provider_.Dispatch->WskSocket(
        provider_.Client, WS_AF_INET, WS_SOCK_STREAM, WS_IPPROTO_TCP, flags, nullptr, nullptr,
        nullptr, nullptr, nullptr, irp_.Start()));
    Check(status, "WskSocket");
    return reinterpret_cast<PWSK_SOCKET>(irp_.information());
  }
  // A connection socket bound to loopback and connected to a host listener.
  PWSK_SOCKET Connect(USHORT port) {
    PWSK_SOCKET s = Socket(WSK_FLAG_CONNECTION_SOCKET);
    auto* table = static_cast<const WSK_PROVIDER_CONNECTION_DISPATCH*>(s->Dispatch);
    SOCKADDR_IN local{}, remote{};
    local.sin_family = remote.sin_family = WS_AF_INET;
    local.sin_addr.S_un.S_addr = remote.sin_addr.S_un.S_addr = htonl(INADDR_LOOPBACK);
    remote.sin_port = htons(port);
    Check(irp_.Wait(table->WskBind(s, reinterpret_cast<PSOCKADDR>(&local), 0, irp_.Start())),
          "WskBind");
    Check(irp_.Wait(table->WskConnect(s, reinterpret_cast<PSOCKADDR>(&remote), 0,
                                      irp_.Start())),
          "WskConnect");
    return s;
  }
  void Close(PWSK_SOCKET s) {
    auto* table = static_cast<const WSK_PROVIDER_BASIC_DISPATCH*>(s->Dispatch);
    Check(irp_.Wait(table->WskCloseSocket(s, irp_.Start())), "WskCloseSocket");
  }
  static void Check(NTSTATUS status, const char* what) {
    if (status == STATUS_SUCCESS) return;
    char text[96];
    WskconfFormatNtStatus(status, text, sizeof(text));
    std::fprintf(stderr, "reference_bench: %s failed: %s\n", what, text);
    // Not exit(): the static client's destructor would WskDeregister, which
    // waits for every socket still open, so the bench hung after this line.
    std::_Exit(2);
  }

 private:
  WSK_CLIENT_DISPATCH dispatch_{MAKE_WSK_VERSION(1, 0), 0, nullptr};
  WSK_REGISTRATION registration_{};
  WSK_PROVIDER_NPI provider_{};
  SyncIrp irp_;
};

// Registered on first use; main deregisters it before checking for leaks.
std::unique_ptr<Wsk> client;
Wsk& Client() {
  if (!client) client = std::make_unique<Wsk>();
  return *client;
}

// A nonpaged buffer and its MDL.
class MdlBuffer {
 public:
  explicit MdlBuffer(size_t size)
      : data_(static_cast<char*>(ExAllocatePool2(POOL_FLAG_NON_PAGED, size, 'hcnB'))),
        mdl_(IoAllocateMdl(data_, static_cast<ULONG>(size), FALSE, FALSE, nullptr)),
        size_(size) {
    MmBuildMdlForNonPagedPool(mdl_);
    std::memset(data_, 'x', size);
  }
  ~MdlBuffer() {
    IoFreeMdl(mdl_);
    ExFreePoolWithTag(data_, 'hcnB');
  }
  WSK_BUF Buf() const { return WSK_BUF{mdl_, 0, size_}; }
  char* data() const { return data_; }

 private:
  char* data_;
  PMDL mdl_;
  size_t size_;
};

const WSK_PROVIDER_CONNECTION_DISPATCH* Table(PWSK_SOCKET s) {
  return static_cast<const WSK_PROVIDER_CONNECTION_DISPATCH*>(s->Dispatch);
}

// Sends the whole of `buffer` on `s` through `irp`; false on failure.
bool WskSendAll(PWSK_SOCKET s, const MdlBuffer& buffer, SyncIrp& irp, size_t length) {
  WSK_BUF buf = buffer.Buf();
  NTSTATUS status = irp.Wait(Table(s)->WskSend(s, &buf, 0, irp.Start()));
  return status == STATUS_SUCCESS && irp.information() == length;
}

// A WSK connection socket and its host far end.
struct WskPair {
  PWSK_SOCKET wsk;
  int host;
};

WskPair MakeWskPair(int listener, USHORT port) {
  WskPair pair{Client().Connect(port), accept4(listener, nullptr, nullptr, SOCK_CLOEXEC)};
  return pair;
}

std::pair<int, int> MakeRawPair(int listener, USHORT port) {
  int a = HostConnect(port);
  return {a, accept4(listener, nullptr, nullptr, SOCK_CLOEXEC)};
}

// ---- StreamThroughput: 64 KiB sends over loopback ----

void StreamThroughputReference(benchmark::State& state) {
  USHORT port;
  int listener = HostListener(&port);
  WskPair pair = MakeWskPair(listener, port);
  MdlBuffer buffer(kStreamChunk);
  SyncIrp irp;
  {
    Drainer drain({pair.host});
    for (auto _ : state) {
      if (!WskSendAll(pair.wsk, buffer, irp, kStreamChunk)) state.SkipWithError("WskSend failed");
    }
    Client().Close(pair.wsk);
  }
  close(pair.host);
  close(listener);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kStreamChunk));
}
BENCHMARK(StreamThroughputReference)->Name("StreamThroughput/reference")->UseRealTime();

void StreamThroughputRaw(benchmark::State& state) {
  USHORT port;
  int listener = HostListener(&port);
  auto [fd, far] = MakeRawPair(listener, port);
  std::vector<char> buffer(kStreamChunk, 'x');
  {
    Drainer drain({far});
    for (auto _ : state) {
      if (!WriteExactly(fd, buffer.data(), buffer.size())) state.SkipWithError("write failed");
    }
    close(fd);
  }
  close(far);
  close(listener);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kStreamChunk));
}
BENCHMARK(StreamThroughputRaw)->Name("StreamThroughput/raw")->UseRealTime();

// ---- RoundTrip: a 64-byte request and its 64-byte response ----

void RoundTripReference(benchmark::State& state) {
  USHORT port;
  int listener = HostListener(&port);
  WskPair pair = MakeWskPair(listener, port);
  std::thread echo = Echoer(pair.host);
  MdlBuffer request(kSmall), response(kSmall);
  SyncIrp irp;
  for (auto _ : state) {
    if (!WskSendAll(pair.wsk, request, irp, kSmall)) state.SkipWithError("WskSend failed");
    WSK_BUF buf = response.Buf();
    NTSTATUS status = irp.Wait(
        Table(pair.wsk)->WskReceive(pair.wsk, &buf, WSK_FLAG_WAITALL, irp.Start()));
    if (status != STATUS_SUCCESS || irp.information() != kSmall) {
      state.SkipWithError("WskReceive failed");
    }
  }
  Client().Close(pair.wsk);
  echo.join();
  close(pair.host);
  close(listener);
}
BENCHMARK(RoundTripReference)->Name("RoundTrip/reference")->UseRealTime();

void RoundTripRaw(benchmark::State& state) {
  USHORT port;
  int listener = HostListener(&port);
  auto [fd, far] = MakeRawPair(listener, port);
  std::thread echo = Echoer(far);
  char message[kSmall] = {};
  for (auto _ : state) {
    if (!WriteExactly(fd, message, kSmall) || !ReadExactly(fd, message, kSmall)) {
      state.SkipWithError("host round trip failed");
    }
  }
  close(fd);
  echo.join();
  close(far);
  close(listener);
}
BENCHMARK(RoundTripRaw)->Name("RoundTrip/raw")->UseRealTime();

// ---- AcceptRate: a host client connects, the server accepts and closes ----

// How the server's WskAccept meets the connection: AcceptRate issues it
// after the host connected (it completes in the call), AcceptAfterWait does
// the same once one accept has waited (so the listener was in the loop's
// epoll set at least once), AcceptWaiting issues every accept before the
// host connects (it waits, and the loop completes it).
enum AcceptMode { kAcceptQueued = 0, kAcceptAfterWait = 1, kAcceptWaiting = 2 };

template <AcceptMode mode>
void AcceptRateReference(benchmark::State& state) {
  Wsk& wsk = Client();
  PWSK_SOCKET listener = wsk.Socket(WSK_FLAG_LISTEN_SOCKET);
  auto* table = static_cast<const WSK_PROVIDER_LISTEN_DISPATCH*>(listener->Dispatch);
  SyncIrp irp;
  SOCKADDR_IN local{};
  local.sin_family = WS_AF_INET;
  local.sin_addr.S_un.S_addr = htonl(INADDR_LOOPBACK);
  Wsk::Check(irp.Wait(table->WskBind(listener, reinterpret_cast<PSOCKADDR>(&local), 0,
                                     irp.Start())),
             "WskBind");
  SOCKADDR_STORAGE bound{};
  Wsk::Check(irp.Wait(table->WskGetLocalAddress(listener, reinterpret_cast<PSOCKADDR>(&bound),
                                                irp.Start())),
             "WskGetLocalAddress");
  USHORT port = ntohs(reinterpret_cast<SOCKADDR_IN*>(&bound)->sin_port);
  auto accept_one = [&](bool accept_first) {
    NTSTATUS returned = STATUS_SUCCESS;
    if (accept_first) {
      returned = table->WskAccept(listener, 0, nullptr, nullptr, nullptr, nullptr, irp.Start());
    }
    int client = HostConnect(port);
    if (!accept_first) {
      returned = table->WskAccept(listener, 0, nullptr, nullptr, nullptr, nullptr, irp.Start());
    }
    NTSTATUS status = irp.Wait(returned);
    if (status == STATUS_SUCCESS) wsk.Close(reinterpret_cast<PWSK_SOCKET>(irp.information()));
    close(client);
    return status;
  };
  if (mode == kAcceptAfterWait) Wsk::Check(accept_one(true), "WskAccept");
  for (auto _ : state) {
    if (accept_one(mode == kAcceptWaiting) != STATUS_SUCCESS) {
      state.SkipWithError("WskAccept failed");
      break;
    }
  }
  wsk.Close(listener);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(AcceptRateReference<kAcceptQueued>)->Name("AcceptRate/reference")->UseRealTime();
BENCHMARK(AcceptRateReference<kAcceptAfterWait>)->Name("AcceptAfterWait/reference")
    ->UseRealTime();
BENCHMARK(AcceptRateReference<kAcceptWaiting>)->Name("AcceptWaiting/reference")->UseRealTime();

void AcceptRateRaw(benchmark::State& state) {
  USHORT port;
  int listener = HostListener(&port);
  for (auto _ : state) {
    int client = HostConnect(port);
    int accepted = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (accepted < 0) state.SkipWithError("accept failed");
    close(accepted);
    close(client);
  }
  close(listener);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(AcceptRateRaw)->Name("AcceptRate/raw")->UseRealTime();

// ---- IrpCycle: allocate, send 64 bytes, complete, free ----

void IrpCycleReference(benchmark::State& state) {
  USHORT port;
  int listener = HostListener(&port);
  WskPair pair = MakeWskPair(listener, port);
  MdlBuffer buffer(kSmall);
  KEVENT done;
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  {
    Drainer drain({pair.host});
    for (auto _ : state) {
      PIRP irp = IoAllocateIrp(1, FALSE);
      KeClearEvent(&done);
      IoSetCompletionRoutine(irp, SignalDone, &done, TRUE, TRUE, TRUE);
      WSK_BUF buf = buffer.Buf();
      if (Table(pair.wsk)->WskSend(pair.wsk, &buf, 0, irp) == STATUS_PENDING) {
        KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr);
      }
      if (irp->IoStatus.Status != STATUS_SUCCESS) state.SkipWithError("WskSend failed");
      IoFreeIrp(irp);
    }
    Client().Close(pair.wsk);
  }
  close(pair.host);
  close(listener);
}
BENCHMARK(IrpCycleReference)->Name("IrpCycle/reference")->UseRealTime();

// The same request with a heap block of an IRP's size standing in for it.
void IrpCycleRaw(benchmark::State& state) {
  USHORT port;
  int listener = HostListener(&port);
  auto [fd, far] = MakeRawPair(listener, port);
  char message[kSmall] = {};
  {
    Drainer drain({far});
    for (auto _ : state) {
      void* request = std::malloc(IoSizeOfIrp(1));
      benchmark::DoNotOptimize(request);
      if (!WriteExactly(fd, message, kSmall)) state.SkipWithError("write failed");
      std::free(request);
    }
    close(fd);
  }
  close(far);
  close(listener);
}
BENCHMARK(IrpCycleRaw)->Name("IrpCycle/raw")->UseRealTime();

// ---- SendCost/N: one 64-byte send with N connected sockets open ----
// The sends go round the last kHotSockets sockets opened, so the figure is
// what having N sockets open adds to a send (the provider's lookups, its
// epoll set, the descriptor table). SendSpread/N sends round all N: its
// growth is mostly the host's own, the caches missing on N sockets' kernel
// state, which the raw side shows as well. The counter bytes_per_socket is
// the growth of the heap in use per open socket (user-space memory only:
// the host kernel's socket buffers are in neither column, so raw shows what
// plain descriptors cost us: nothing).

constexpr size_t kHotSockets = 10;

// Heap bytes in use (the reference allocates its sockets, and the kernel
// runtime its pool, from the C heap).
size_t HeapBytes() {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// The first socket of the round (which ends at the last one opened).
size_t RoundStart(size_t n, bool spread) {
  return spread || n <= kHotSockets ? 0 : n - kHotSockets;
}

void SendReference(benchmark::State& state, bool spread) {
  const size_t n = static_cast<size_t>(state.range(0));
  FarProcess far;
  size_t before = HeapBytes();
  std::vector<PWSK_SOCKET> sockets;
  sockets.reserve(n);
  for (size_t i = 0; i < n; ++i) sockets.push_back(Client().Connect(far.port()));
  size_t after = HeapBytes();
  MdlBuffer buffer(kSmall);
  SyncIrp irp;
  const size_t first = RoundStart(n, spread);
  size_t next = first;
  for (auto _ : state) {
    if (!WskSendAll(sockets[next], buffer, irp, kSmall)) state.SkipWithError("WskSend failed");
    if (++next == n) next = first;
  }
  far.Stop();  // far ends close first (see FarProcess::Stop)
  for (PWSK_SOCKET s : sockets) Client().Close(s);
  state.counters["bytes_per_socket"] =
      static_cast<double>(after > before ? after - before : 0) / static_cast<double>(n);
}

void SendRaw(benchmark::State& state, bool spread) {
  const size_t n = static_cast<size_t>(state.range(0));
  FarProcess far;
  size_t before = HeapBytes();
  std::vector<int> sockets;
  sockets.reserve(n);
  for (size_t i = 0; i < n; ++i) sockets.push_back(HostConnect(far.port()));
  size_t after = HeapBytes();
  char message[kSmall] = {};
  const size_t first = RoundStart(n, spread);
  size_t next = first;
  for (auto _ : state) {
    if (!WriteExactly(sockets[next], message, kSmall)) state.SkipWithError("write failed");
    if (++next == n) next = first;
  }
  far.Stop();
  for (int fd : sockets) close(fd);
  state.counters["bytes_per_socket"] =
      static_cast<double>(after > before ? after - before : 0) / static_cast<double>(n);
}

void SendCostReference(benchmark::State& state) { SendReference(state, false); }
void SendCostRaw(benchmark::State& state) { SendRaw(state, false); }
void SendSpreadReference(benchmark::State& state) { SendReference(state, true); }
void SendSpreadRaw(benchmark::State& state) { SendRaw(state, true); }
BENCHMARK(SendCostReference)->Name("SendCost/reference")->UseRealTime()
    ->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(SendCostRaw)->Name("SendCost/raw")->UseRealTime()
    ->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(SendSpreadReference)->Name("SendSpread/reference")->UseRealTime()
    ->Arg(10)->Arg(10000);
BENCHMARK(SendSpreadRaw)->Name("SendSpread/raw")->UseRealTime()->Arg(10)->Arg(10000);

// 10,000 sockets need more descriptors than the usual soft limit of 1,024
// (their far ends live in FarProcess); root may raise the hard limit too.
void RaiseOpenFileLimit() {
  constexpr rlim_t kWanted = 65536;
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  rlimit wanted{kWanted, limit.rlim_max > kWanted ? limit.rlim_max : kWanted};
  if (setrlimit(RLIMIT_NOFILE, &wanted) != 0) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_max < 10100) {
      std::fprintf(stderr, "reference_bench: open-file limit %lu (SendCost/10000 needs ~10100)\n",
                   static_cast<unsigned long>(limit.rlim_max));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  RaiseOpenFileLimit();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  client.reset();  // WskDeregister waits for every socket and IRP
  ULONG leaks = WskconfCheckLeaks();
  ULONG violations = WskconfGetViolationCount();
  for (ULONG i = 0; i < violations; ++i) {
    WSKCONF_VIOLATION v;
    if (WskconfGetViolation(i, &v)) std::fprintf(stderr, "verifier: %s: %s\n", v.RuleId, v.Message);
  }
  if (WskconfReferenceLiveSocketCount() != 0 || leaks != 0 || violations != 0) {
    std::fprintf(stderr, "reference_bench: %lu sockets left open, %lu leaks, %lu verifier reports\n",
                 static_cast<unsigned long>(WskconfReferenceLiveSocketCount()),
                 static_cast<unsigned long>(leaks), static_cast<unsigned long>(violations));
    return 1;
  }
  return 0;
}
