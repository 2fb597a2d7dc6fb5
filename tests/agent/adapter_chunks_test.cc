// The wine adapter sends a WSK_BUF larger than one protocol message in
// CHUNK messages ahead of its WskSend (protocol version 3), against the
// scripted fake agent on loopback TCP (label agent, no Wine needed): the
// agent must assemble exactly the client's bytes, and the client's IRP
// completes with what the agent reported. The other way (version 5): a
// WskReceive into a buffer over one message gets its bytes from the
// agent's CHUNKs, written across the client's MDL chain.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include <wsk.h>

#include "adapter_test_util.h"
#include "fake_agent.h"

namespace wskconf::agent {
namespace {

NTSTATUS WSKAPI TakeAll(PVOID, ULONG, PWSK_DATA_INDICATION, SIZE_T,
                        SIZE_T*) {
  return STATUS_SUCCESS;
}
const WSK_CLIENT_CONNECTION_DISPATCH kClientTable = {TakeAll, nullptr,
                                                     nullptr};

// A connection socket of the adapter attached to a fake agent of
// `version`; null (with a test failure) when a step fails.
PWSK_SOCKET OpenSocket(uint32_t version, FakeAgent** agent) {
  WSK_PROVIDER_NPI npi{};
  *agent = AttachToFakeAgent(version, &npi);
  if (::testing::Test::HasFailure()) return nullptr;
  IO_STATUS_BLOCK made{};
  const bool done = RunIrp(
      [&](PIRP irp) {
        npi.Dispatch->WskSocket(npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
                                WSK_FLAG_CONNECTION_SOCKET, nullptr,
                                &kClientTable, nullptr, nullptr, nullptr,
                                irp);
      },
      &made);
  EXPECT_TRUE(done && made.Status == STATUS_SUCCESS) << "WskSocket failed";
  return done ? reinterpret_cast<PWSK_SOCKET>(made.Information) : nullptr;
}

// In a child process (ExpectInChild): receives `size` bytes into a chain
// of two MDLs (the first `first` bytes long) at WSK_BUF offset 3; true
// when the IRP completed with `size` bytes equal to the fake agent's.
bool ReceiveThrough(size_t size, size_t first) {
  FakeAgent* agent = nullptr;
  PWSK_SOCKET socket = OpenSocket(WSKA_PROTOCOL_VERSION, &agent);
  if (socket == nullptr) return false;
  auto dispatch = static_cast<const WSK_PROVIDER_CONNECTION_DISPATCH*>(
      socket->Dispatch);
  constexpr size_t kOffset = 3;
  std::vector<UCHAR> a(first, 0xEE), b(kOffset + size - first, 0xEE);
  PMDL head = IoAllocateMdl(a.data(), static_cast<ULONG>(a.size()), FALSE,
                            FALSE, nullptr);
  PMDL tail = IoAllocateMdl(b.data(), static_cast<ULONG>(b.size()), FALSE,
                            FALSE, nullptr);
  if (head == nullptr || tail == nullptr) return false;
  MmBuildMdlForNonPagedPool(head);
  MmBuildMdlForNonPagedPool(tail);
  head->Next = tail;
  WSK_BUF buffer{head, kOffset, size};
  IO_STATUS_BLOCK io{};
  if (!RunIrp([&](PIRP irp) { dispatch->WskReceive(socket, &buffer, 0, irp); },
              &io)) {
    std::fprintf(stderr, "the receive never completed\n");
    return false;
  }
  Bytes got(a.begin() + kOffset, a.end());
  got.insert(got.end(), b.begin(), b.end());
  const bool same = got == ReceivedPattern(size);
  if (io.Status != STATUS_SUCCESS || io.Information != size || !same) {
    std::fprintf(stderr, "status 0x%x, Information %zu, bytes %s\n",
                 unsigned(io.Status), size_t(io.Information),
                 same ? "intact" : "differ");
    return false;
  }
  return true;
}

// In a child process (ExpectInChild): sends `size` patterned bytes and
// reports what the fake agent got.
void SendThrough(size_t size, Seen* seen, IO_STATUS_BLOCK* io) {
  WSK_PROVIDER_NPI npi{};
  FakeAgent* agent = AttachToFakeAgent(WSKA_PROTOCOL_VERSION, &npi);
  ASSERT_FALSE(::testing::Test::HasFailure());
  IO_STATUS_BLOCK made{};
  ASSERT_TRUE(RunIrp(
      [&](PIRP irp) {
        npi.Dispatch->WskSocket(npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
                                WSK_FLAG_CONNECTION_SOCKET, nullptr,
                                &kClientTable, nullptr, nullptr, nullptr,
                                irp);
      },
      &made));
  ASSERT_EQ(made.Status, STATUS_SUCCESS);
  auto socket = reinterpret_cast<PWSK_SOCKET>(made.Information);
  auto dispatch = static_cast<const WSK_PROVIDER_CONNECTION_DISPATCH*>(
      socket->Dispatch);
  std::vector<UCHAR> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<UCHAR>(i * 7 + 3);
  PMDL mdl = IoAllocateMdl(bytes.data(), static_cast<ULONG>(size), FALSE,
                           FALSE, nullptr);
  ASSERT_NE(mdl, nullptr);
  MmBuildMdlForNonPagedPool(mdl);
  WSK_BUF buffer{mdl, 0, size};
  ASSERT_TRUE(RunIrp(
      [&](PIRP irp) { dispatch->WskSend(socket, &buffer, 0, irp); }, io))
      << "the send never completed";
  *seen = agent->seen();
  if (seen->sent != Bytes(bytes.begin(), bytes.end())) {
    ADD_FAILURE() << "the agent assembled " << seen->sent.size()
                  << " bytes that differ from the client's " << size;
  }
}

// Sends in a child process and checks what arrived, and how.
void ExpectSend(size_t size, bool chunked) {
  ExpectInChild([size, chunked] {
    Seen seen;
    IO_STATUS_BLOCK io{};
    SendThrough(size, &seen, &io);
    const bool ok = io.Status == STATUS_SUCCESS && io.Information == size &&
                    seen.sent_chunked == chunked && seen.chunk_error.empty();
    if (!ok) {
      std::fprintf(stderr,
                   "status 0x%x, Information %zu, chunked %d, error '%s'\n",
                   unsigned(io.Status), size_t(io.Information),
                   seen.sent_chunked, seen.chunk_error.c_str());
    }
    return ok;
  });
}

TEST(WineAdapterChunks, ASendOverOneMessageArrivesWholeInChunks) {
  ExpectSend(3u * WSKA_MAX_DATA + 5, /*chunked=*/true);
}

TEST(WineAdapterChunks, ASendThatFitsStillTravelsInData) {
  ExpectSend(WSKA_MAX_DATA, /*chunked=*/false);
}

TEST(WineAdapterChunks, AReceiveOverOneMessageArrivesWholeFromChunks) {
  const size_t size = 3u * WSKA_MAX_DATA + 5;
  ExpectInChild([size] { return ReceiveThrough(size, size / 2 + 1); });
}

TEST(WineAdapterChunks, AReceiveThatFitsStillArrivesInData) {
  ExpectInChild([] { return ReceiveThrough(WSKA_MAX_DATA, 1000); });
}

}  // namespace
}  // namespace wskconf::agent
