// A large receive through the wine adapter into Wine's netio.sys (label
// wine, protocol version 5): a client of the adapter connects a stream
// socket to a Linux peer that sends 4 MiB, and receives them into one
// 4 MiB buffer described by a chain of two MDLs, one WskReceive after
// another at the next offset (Wine completes each with what its socket's
// receive buffer holds); the bytes must arrive intact and in place. Runs
// in a child process: the adapter keeps its Wine session for its process.
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include <wsk.h>

#include "adapter_test_util.h"

namespace wskconf::agent {
namespace {

// How long a step Wine owes an answer may take (the machine is shared).
constexpr std::chrono::milliseconds kExpectWine{30000};
constexpr size_t kSize = 4u * 1024 * 1024;

NTSTATUS WSKAPI TakeAll(PVOID, ULONG, PWSK_DATA_INDICATION, SIZE_T,
                        SIZE_T*) {
  return STATUS_SUCCESS;
}
const WSK_CLIENT_CONNECTION_DISPATCH kClientTable = {TakeAll, nullptr,
                                                     nullptr};

// Windows' SOCKADDR_IN of 127.0.0.1:port (family 2, port and address in
// network order).
SOCKADDR_IN LoopbackAddress(uint16_t port) {
  const UCHAR bytes[8] = {2, 0, UCHAR(port >> 8), UCHAR(port), 127, 0, 0, 1};
  SOCKADDR_IN a{};
  std::memcpy(&a, bytes, sizeof(bytes));
  return a;
}

// The IRP-taking call `what` must complete with STATUS_SUCCESS.
bool Succeeds(const char* what, const std::function<void(PIRP)>& call,
              IO_STATUS_BLOCK* io) {
  if (!RunIrp(call, io, kExpectWine)) {
    std::fprintf(stderr, "%s never completed\n", what);
    return false;
  }
  if (io->Status != STATUS_SUCCESS) {
    std::fprintf(stderr, "%s: status 0x%08x\n", what, unsigned(io->Status));
    return false;
  }
  return true;
}

// A connection socket of the adapter connected to `peer_port`, or null.
PWSK_SOCKET Connect(uint16_t peer_port) {
  const AdapterEntryPoints adapter = LoadAdapter();
  if (adapter.reg == nullptr || adapter.capture == nullptr) return nullptr;
  auto* registration = new WSK_REGISTRATION{};
  WSK_PROVIDER_NPI npi{};
  if (adapter.reg(TestClientNpi(), registration) != STATUS_SUCCESS ||
      adapter.capture(registration, WSK_INFINITE_WAIT, &npi) !=
          STATUS_SUCCESS) {
    std::fprintf(stderr, "registering with the adapter failed\n");
    return nullptr;
  }
  IO_STATUS_BLOCK io{};
  if (!Succeeds("WskSocket", [&](PIRP irp) {
        npi.Dispatch->WskSocket(npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
                                WSK_FLAG_CONNECTION_SOCKET, nullptr,
                                &kClientTable, nullptr, nullptr, nullptr,
                                irp);
      }, &io)) {
    return nullptr;
  }
  auto socket = reinterpret_cast<PWSK_SOCKET>(io.Information);
  auto dispatch = static_cast<const WSK_PROVIDER_CONNECTION_DISPATCH*>(
      socket->Dispatch);
  SOCKADDR_IN local = LoopbackAddress(0), remote = LoopbackAddress(peer_port);
  if (!Succeeds("WskBind", [&](PIRP irp) {
        dispatch->WskBind(socket, reinterpret_cast<PSOCKADDR>(&local), 0, irp);
      }, &io) ||
      !Succeeds("WskConnect", [&](PIRP irp) {
        dispatch->WskConnect(socket, reinterpret_cast<PSOCKADDR>(&remote), 0,
                             irp);
      }, &io)) {
    return nullptr;
  }
  return socket;
}

// In the child: the scenario of the file comment.
bool ReceiveFourMiB(int listener_fd, uint16_t port) {
  setenv("WSKCONF_WINE_PREFIX", WSKCONF_TEST_WINE_PREFIX, 1);
  unsetenv("WSKCONF_AGENT_ADDRESS");
  PWSK_SOCKET socket = Connect(port);
  if (socket == nullptr) return false;
  const int peer = AcceptLoopback(listener_fd);
  if (peer < 0) return false;
  std::vector<UCHAR> data(kSize);
  for (size_t i = 0; i < kSize; ++i) data[i] = UCHAR(i * 37 + i / 1009);
  std::thread writer([&] { SendAll(peer, Bytes(data.begin(), data.end())); });
  std::vector<UCHAR> buffer(kSize, 0xEE);
  const size_t first = kSize / 3;
  PMDL head = IoAllocateMdl(buffer.data(), ULONG(first), FALSE, FALSE,
                            nullptr);
  PMDL tail = IoAllocateMdl(buffer.data() + first, ULONG(kSize - first),
                            FALSE, FALSE, nullptr);
  MmBuildMdlForNonPagedPool(head);
  MmBuildMdlForNonPagedPool(tail);
  head->Next = tail;
  auto dispatch = static_cast<const WSK_PROVIDER_CONNECTION_DISPATCH*>(
      socket->Dispatch);
  size_t got = 0, largest = 0, calls = 0;
  while (got < kSize && calls < 1000) {
    WSK_BUF into{head, ULONG(got), kSize - got};
    IO_STATUS_BLOCK io{};
    ++calls;
    if (!Succeeds("WskReceive", [&](PIRP irp) {
          dispatch->WskReceive(socket, &into, WSK_FLAG_WAITALL, irp);
        }, &io) ||
        io.Information == 0) {
      break;
    }
    got += io.Information;
    largest = std::max<size_t>(largest, io.Information);
  }
  writer.join();
  close(peer);
  std::printf("%zu of %zu bytes in %zu receives; largest %zu bytes (%s)\n",
              got, kSize, calls, largest,
              largest > WSKA_MAX_DATA ? "in CHUNKs" : "in DATA");
  std::fflush(stdout);  // the child ends with _exit
  if (got != kSize || buffer != data) {
    std::fprintf(stderr, "%zu bytes arrived; the buffer %s the peer's\n",
                 got, buffer == data ? "matches" : "differs from");
    return false;
  }
  return true;
}

TEST(WineAdapterReceive, FourMiBArriveIntactInOneMdlChain) {
  LoopbackSocket listener;
  const int fd = listener.fd();
  const uint16_t port = listener.port();
  ExpectInChild([fd, port] { return ReceiveFourMiB(fd, port); });
}

}  // namespace
}  // namespace wskconf::agent
