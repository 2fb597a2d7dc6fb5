// The wine adapter's callback answers ahead of time (agent/adapter/
// answers.cc), against a scripted fake agent on loopback TCP (label agent,
// no Wine needed): after a local WskReceiveEvent answers STATUS_PENDING
// where the agent had answered STATUS_SUCCESS, the adapter presets that
// socket's answer (SET_ANSWER), and the next socket made with the same
// client dispatch table carries it from its creation (protocol version 2's
// ANSWERS); a version-1 agent gets no ANSWERS. Also: a WskGetNameInfo with
// a NULL output reaches the agent saying so (OUTPUTS, version 2).
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <wsk.h>

#include "fake_agent.h"

namespace wskconf::agent {
namespace {

constexpr std::chrono::milliseconds kExpectCallback{10000};

// The local client: its receive callback keeps every indication.
std::mutex g_mu;
std::condition_variable g_called;
int g_receives = 0;

NTSTATUS WSKAPI KeepEverything(PVOID, ULONG, PWSK_DATA_INDICATION, SIZE_T,
                               SIZE_T*) {
  std::lock_guard lock(g_mu);
  ++g_receives;
  g_called.notify_all();
  return STATUS_PENDING;
}
const WSK_CLIENT_CONNECTION_DISPATCH kClientTable = {KeepEverything, nullptr,
                                                     nullptr};

NTSTATUS WSKAPI Signal(PDEVICE_OBJECT, PIRP, PVOID event) {
  KeSetEvent(static_cast<PKEVENT>(event), IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

using RegisterFn = NTSTATUS (*)(PWSK_CLIENT_NPI, PWSK_REGISTRATION);
using CaptureFn = NTSTATUS (*)(PWSK_REGISTRATION, ULONG, PWSK_PROVIDER_NPI);

// Makes a connection socket with kClientTable; returns the IRP's status.
NTSTATUS MakeSocket(const WSK_PROVIDER_NPI& npi) {
  KEVENT done;
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoSetCompletionRoutine(irp, Signal, &done, TRUE, TRUE, TRUE);
  npi.Dispatch->WskSocket(npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
                          WSK_FLAG_CONNECTION_SOCKET, nullptr, &kClientTable,
                          nullptr, nullptr, nullptr, irp);
  KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr);
  const NTSTATUS status = irp->IoStatus.Status;
  IoFreeIrp(irp);
  return status;
}

// One adapter process per version: the adapter keeps one connection.
// Runs in a child process that ends with _exit, so the fake agent (and the
// adapter's connection to it) is never torn down.
void RunScenario(uint32_t version, Seen* seen) {
  FakeAgent& agent = *new FakeAgent(version);
  const std::string address = "127.0.0.1:" + std::to_string(agent.port());
  ASSERT_EQ(setenv("WSKCONF_AGENT_ADDRESS", address.c_str(), 1), 0);
  void* so = dlopen(WSKCONF_TEST_ADAPTER_SO, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(so, nullptr) << dlerror();
  auto reg_fn = reinterpret_cast<RegisterFn>(dlsym(so, "WskRegister"));
  auto capture = reinterpret_cast<CaptureFn>(dlsym(so, "WskCaptureProviderNPI"));
  ASSERT_NE(reg_fn, nullptr);
  WSK_CLIENT_DISPATCH client_dispatch = {MAKE_WSK_VERSION(1, 0), 0, nullptr};
  WSK_CLIENT_NPI client{nullptr, &client_dispatch};
  WSK_REGISTRATION registration{};
  ASSERT_EQ(reg_fn(&client, &registration), STATUS_SUCCESS);
  WSK_PROVIDER_NPI npi{};
  ASSERT_EQ(capture(&registration, WSK_INFINITE_WAIT, &npi), STATUS_SUCCESS);
  ASSERT_EQ(MakeSocket(npi), STATUS_SUCCESS);
  {
    std::unique_lock lock(g_mu);
    ASSERT_TRUE(g_called.wait_for(lock, kExpectCallback,
                                  [] { return g_receives >= 1; }))
        << "the receive event never reached the local callback";
  }
  ASSERT_TRUE(agent.WaitSetAnswer(kExpectCallback))
      << "the adapter never preset the client's answer (SET_ANSWER)";
  ASSERT_EQ(MakeSocket(npi), STATUS_SUCCESS);
  *seen = agent.seen();
}

TEST(WineAdapterAnswers, TheClientsAnswerIsPresetForItsSocketAndLaterSockets) {
  // In a child: the adapter's forwarder lives for its process.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Seen seen;
    RunScenario(2, &seen);
    const bool ok = !::testing::Test::HasFailure() &&
                    !seen.first_socket_had_answers &&
                    seen.set_answer_calls == 1 &&
                    seen.set_answer.event == WSKA_EV_RECEIVE &&
                    seen.set_answer.answer == STATUS_PENDING &&
                    seen.second_socket_had_answers &&
                    seen.second_socket_answers.size() == 1 &&
                    seen.second_socket_answers[0].event == WSKA_EV_RECEIVE &&
                    seen.second_socket_answers[0].answer == STATUS_PENDING;
    if (!ok) {
      std::fprintf(stderr,
                   "first socket answers %d, SET_ANSWER calls %d (event %u, "
                   "answer 0x%x), second socket answers %d (%zu records)\n",
                   seen.first_socket_had_answers, seen.set_answer_calls,
                   seen.set_answer.event, unsigned(seen.set_answer.answer),
                   seen.second_socket_had_answers,
                   seen.second_socket_answers.size());
    }
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "see the child's output above";
}

TEST(WineAdapterAnswers, AVersionOneAgentGetsSetAnswerButNoPresets) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Seen seen;
    RunScenario(1, &seen);
    const bool ok = !::testing::Test::HasFailure() &&
                    seen.set_answer_calls == 1 &&
                    !seen.second_socket_had_answers;
    if (!ok) {
      std::fprintf(stderr, "SET_ANSWER calls %d, second socket answers %d\n",
                   seen.set_answer_calls, seen.second_socket_had_answers);
    }
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "see the child's output above";
}

// A NULL NodeName reaches the agent as OUTPUTS (service only), so the
// provider gets NULL too instead of a buffer the client never passed.
TEST(WineAdapterNameInfo, ANullOutputTravelsAsOutputs) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    FakeAgent& agent = *new FakeAgent(2);
    const std::string address = "127.0.0.1:" + std::to_string(agent.port());
    setenv("WSKCONF_AGENT_ADDRESS", address.c_str(), 1);
    void* so = dlopen(WSKCONF_TEST_ADAPTER_SO, RTLD_NOW | RTLD_LOCAL);
    if (so == nullptr) _exit(2);
    auto reg_fn = reinterpret_cast<RegisterFn>(dlsym(so, "WskRegister"));
    auto capture =
        reinterpret_cast<CaptureFn>(dlsym(so, "WskCaptureProviderNPI"));
    WSK_CLIENT_DISPATCH client_dispatch = {MAKE_WSK_VERSION(1, 0), 0, nullptr};
    WSK_CLIENT_NPI client{nullptr, &client_dispatch};
    WSK_REGISTRATION registration{};
    WSK_PROVIDER_NPI npi{};
    if (reg_fn(&client, &registration) != STATUS_SUCCESS ||
        capture(&registration, WSK_INFINITE_WAIT, &npi) != STATUS_SUCCESS) {
      _exit(3);
    }
    SOCKADDR_IN peer{};
    peer.sin_family = AF_INET;
    WCHAR service_buffer[32];
    UNICODE_STRING service{0, sizeof(service_buffer), service_buffer};
    PIRP irp = IoAllocateIrp(1, FALSE);
    const NTSTATUS status = npi.Dispatch->WskGetNameInfo(
        npi.Client, reinterpret_cast<PSOCKADDR>(&peer), sizeof(peer), nullptr,
        &service, 0, nullptr, nullptr, irp);
    const Seen seen = agent.seen();
    const bool ok = status == STATUS_NOT_IMPLEMENTED &&
                    seen.name_info_calls == 1 && seen.name_info_had_outputs &&
                    seen.name_info_outputs == WSKA_OUTPUT_SERVICE;
    if (!ok) {
      std::fprintf(stderr, "status 0x%x, calls %d, OUTPUTS %d (%u)\n",
                   unsigned(status), seen.name_info_calls,
                   seen.name_info_had_outputs, seen.name_info_outputs);
    }
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "see the child's output above";
}

}  // namespace
}  // namespace wskconf::agent
