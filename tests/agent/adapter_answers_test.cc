// The wine adapter's callback answers ahead of time (agent/adapter/
// answers.cc), against a scripted fake agent on loopback TCP (label agent,
// no Wine needed): after a local WskReceiveEvent answers STATUS_PENDING
// where the agent had answered STATUS_SUCCESS, the adapter presets that
// socket's answer (SET_ANSWER), and the next socket made with the same
// client dispatch table carries it from its creation (protocol version 2's
// ANSWERS); a version-1 agent gets no ANSWERS. Also: a WskGetNameInfo with
// a NULL output reaches the agent saying so (OUTPUTS, version 2).
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>

#include <wsk.h>

#include "adapter_test_util.h"
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

// Makes a connection socket with kClientTable; returns the IRP's status.
NTSTATUS MakeSocket(const WSK_PROVIDER_NPI& npi) {
  IO_STATUS_BLOCK io{};
  const bool completed = RunIrp(
      [&](PIRP irp) {
        npi.Dispatch->WskSocket(npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
                                WSK_FLAG_CONNECTION_SOCKET, nullptr,
                                &kClientTable, nullptr, nullptr, nullptr, irp);
      },
      &io);
  EXPECT_TRUE(completed) << "WskSocket never completed";
  return completed ? io.Status : STATUS_PENDING;
}

// One adapter process per version: the adapter keeps one connection.
// Runs in a child process (ExpectInChild).
void RunScenario(uint32_t version, Seen* seen) {
  WSK_PROVIDER_NPI npi{};
  FakeAgent* agent = AttachToFakeAgent(version, &npi);
  ASSERT_FALSE(::testing::Test::HasFailure());
  ASSERT_EQ(MakeSocket(npi), STATUS_SUCCESS);
  {
    std::unique_lock lock(g_mu);
    ASSERT_TRUE(g_called.wait_for(lock, kExpectCallback,
                                  [] { return g_receives >= 1; }))
        << "the receive event never reached the local callback";
  }
  ASSERT_TRUE(agent->WaitSetAnswer(kExpectCallback))
      << "the adapter never preset the client's answer (SET_ANSWER)";
  ASSERT_EQ(MakeSocket(npi), STATUS_SUCCESS);
  *seen = agent->seen();
}

TEST(WineAdapterAnswers, TheClientsAnswerIsPresetForItsSocketAndLaterSockets) {
  ExpectInChild([] {
    Seen seen;
    RunScenario(2, &seen);
    const bool ok = !seen.first_socket_had_answers &&
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
    return ok;
  });
}

TEST(WineAdapterAnswers, AVersionOneAgentGetsSetAnswerButNoPresets) {
  ExpectInChild([] {
    Seen seen;
    RunScenario(1, &seen);
    const bool ok =
        seen.set_answer_calls == 1 && !seen.second_socket_had_answers;
    if (!ok) {
      std::fprintf(stderr, "SET_ANSWER calls %d, second socket answers %d\n",
                   seen.set_answer_calls, seen.second_socket_had_answers);
    }
    return ok;
  });
}

// A NULL NodeName reaches the agent as OUTPUTS (service only), so the
// provider gets NULL too instead of a buffer the client never passed.
TEST(WineAdapterNameInfo, ANullOutputTravelsAsOutputs) {
  ExpectInChild([] {
    WSK_PROVIDER_NPI npi{};
    FakeAgent* agent = AttachToFakeAgent(2, &npi);
    if (::testing::Test::HasFailure()) return false;
    SOCKADDR_IN peer{};
    peer.sin_family = AF_INET;
    WCHAR service_buffer[32];
    UNICODE_STRING service{0, sizeof(service_buffer), service_buffer};
    PIRP irp = IoAllocateIrp(1, FALSE);
    const NTSTATUS status = npi.Dispatch->WskGetNameInfo(
        npi.Client, reinterpret_cast<PSOCKADDR>(&peer), sizeof(peer), nullptr,
        &service, 0, nullptr, nullptr, irp);
    const Seen seen = agent->seen();
    const bool ok = status == STATUS_NOT_IMPLEMENTED &&
                    seen.name_info_calls == 1 && seen.name_info_had_outputs &&
                    seen.name_info_outputs == WSKA_OUTPUT_SERVICE;
    if (!ok) {
      std::fprintf(stderr, "status 0x%x, calls %d, OUTPUTS %d (%u)\n",
                   unsigned(status), seen.name_info_calls,
                   seen.name_info_had_outputs, seen.name_info_outputs);
    }
    return ok;
  });
}

}  // namespace
}  // namespace wskconf::agent
