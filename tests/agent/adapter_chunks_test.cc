// The wine adapter sends a WSK_BUF larger than one protocol message in
// CHUNK messages ahead of its WskSend (protocol version 3), against the
// scripted fake agent on loopback TCP (label agent, no Wine needed): the
// agent must assemble exactly the client's bytes, and the client's IRP
// completes with what the agent reported.
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include <wsk.h>

#include "fake_agent.h"

namespace wskconf::agent {
namespace {

constexpr std::chrono::milliseconds kExpectCompletion{10000};

NTSTATUS WSKAPI TakeAll(PVOID, ULONG, PWSK_DATA_INDICATION, SIZE_T,
                        SIZE_T*) {
  return STATUS_SUCCESS;
}
const WSK_CLIENT_CONNECTION_DISPATCH kClientTable = {TakeAll, nullptr,
                                                     nullptr};

NTSTATUS WSKAPI Signal(PDEVICE_OBJECT, PIRP, PVOID event) {
  KeSetEvent(static_cast<PKEVENT>(event), IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

using RegisterFn = NTSTATUS (*)(PWSK_CLIENT_NPI, PWSK_REGISTRATION);
using CaptureFn = NTSTATUS (*)(PWSK_REGISTRATION, ULONG, PWSK_PROVIDER_NPI);

// Runs one IRP-taking call and waits for its completion with a limit.
template <typename F>
bool RunIrp(F call, IO_STATUS_BLOCK* io) {
  KEVENT done;
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoSetCompletionRoutine(irp, Signal, &done, TRUE, TRUE, TRUE);
  call(irp);
  LARGE_INTEGER limit;
  limit.QuadPart = -10000LL * kExpectCompletion.count();
  if (KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, &limit) !=
      STATUS_SUCCESS) {
    return false;  // the IRP leaks on purpose: it may still complete
  }
  *io = irp->IoStatus;
  IoFreeIrp(irp);
  return true;
}

// In a child process (the adapter keeps its connection for the process):
// sends `size` patterned bytes and reports what the fake agent got.
void SendThrough(size_t size, Seen* seen, IO_STATUS_BLOCK* io) {
  FakeAgent& agent = *new FakeAgent(WSKA_PROTOCOL_VERSION);
  const std::string address = "127.0.0.1:" + std::to_string(agent.port());
  ASSERT_EQ(setenv("WSKCONF_AGENT_ADDRESS", address.c_str(), 1), 0);
  void* so = dlopen(WSKCONF_TEST_ADAPTER_SO, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(so, nullptr) << dlerror();
  auto reg_fn = reinterpret_cast<RegisterFn>(dlsym(so, "WskRegister"));
  auto capture =
      reinterpret_cast<CaptureFn>(dlsym(so, "WskCaptureProviderNPI"));
  WSK_CLIENT_DISPATCH client_dispatch = {MAKE_WSK_VERSION(1, 0), 0, nullptr};
  WSK_CLIENT_NPI client{nullptr, &client_dispatch};
  WSK_REGISTRATION registration{};
  WSK_PROVIDER_NPI npi{};
  ASSERT_EQ(reg_fn(&client, &registration), STATUS_SUCCESS);
  ASSERT_EQ(capture(&registration, WSK_INFINITE_WAIT, &npi), STATUS_SUCCESS);
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
  *seen = agent.seen();
  if (seen->sent != Bytes(bytes.begin(), bytes.end())) {
    ADD_FAILURE() << "the agent assembled " << seen->sent.size()
                  << " bytes that differ from the client's " << size;
  }
}

// Forks, runs SendThrough and checks the child's verdict.
void ExpectSend(size_t size, bool chunked) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Seen seen;
    IO_STATUS_BLOCK io{};
    SendThrough(size, &seen, &io);
    const bool ok = !::testing::Test::HasFailure() &&
                    io.Status == STATUS_SUCCESS && io.Information == size &&
                    seen.sent_chunked == chunked && seen.chunk_error.empty();
    if (!ok) {
      std::fprintf(stderr,
                   "status 0x%x, Information %zu, chunked %d, error '%s'\n",
                   unsigned(io.Status), size_t(io.Information),
                   seen.sent_chunked, seen.chunk_error.c_str());
    }
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "see the child's output above";
}

TEST(WineAdapterChunks, ASendOverOneMessageArrivesWholeInChunks) {
  ExpectSend(3u * WSKA_MAX_DATA + 5, /*chunked=*/true);
}

TEST(WineAdapterChunks, ASendThatFitsStillTravelsInData) {
  ExpectSend(WSKA_MAX_DATA, /*chunked=*/false);
}

}  // namespace
}  // namespace wskconf::agent
