// The wine adapter on calls it used to end the process for (agent protocol
// version 4), against the scripted fake agent (label agent, no Wine):
// the registration routines on a deregistered block reach the agent and
// bring the provider's answer back; a WskDeregister the provider keeps
// waiting does not hold up the WskReleaseProviderNPI that lets it return,
// and one that never returns ends the process naming it after the stated
// limit; WskRelease of a NULL list is forwarded on its socket. What cannot
// be forwarded still ends the process with the reason.
#include <stdlib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <wsk.h>

#include "adapter_test_util.h"
#include "fake_agent.h"

namespace wskconf::agent {
namespace {

using ::testing::HasSubstr;

// The blocking-call limit the children run with (WSKCONF_ADAPTER_BLOCKING_
// LIMIT_MS): a held WskDeregister must come back well within it.
constexpr char kBlockingLimitMs[] = "3000";
constexpr std::chrono::milliseconds kExpectCall{10000};

// The adapter in this child, connected to a fake agent of `version` that
// treats WskDeregister as `mode` says. A missing entry point ends the child.
struct Adapter : AdapterEntryPoints {
  Adapter(uint32_t version, FakeDeregister mode)
      : agent(StartFakeAgentForAdapter(version)) {
    agent->SetDeregister(mode);
    setenv("WSKCONF_ADAPTER_BLOCKING_LIMIT_MS", kBlockingLimitMs, 1);
    static_cast<AdapterEntryPoints&>(*this) = LoadAdapter();
    if (reg == nullptr || dereg == nullptr || capture == nullptr ||
        release == nullptr) {
      _exit(90);
    }
  }
  FakeAgent* agent;  // lives until _exit
};

// Registers `registration` and captures its NPI; false (said) on failure.
bool Open(const Adapter& a, WSK_REGISTRATION* registration,
          WSK_PROVIDER_NPI* npi) {
  if (a.reg(TestClientNpi(), registration) != STATUS_SUCCESS ||
      a.capture(registration, WSK_NO_WAIT, npi) != STATUS_SUCCESS) {
    std::fprintf(stderr, "register or capture failed\n");
    return false;
  }
  return true;
}

// The adapter with one registration open (not movable: the adapter knows
// the registration by its address).
struct Opened {
  Opened(uint32_t version, FakeDeregister mode) : a(version, mode) {}
  Opened(const Opened&) = delete;
  bool Open() { return agent::Open(a, &registration, &npi); }
  Adapter a;
  WSK_REGISTRATION registration{};
  WSK_PROVIDER_NPI npi{};
};

// Runs `body` in a child with the adapter open; the child's exit code is
// body's result, 1 if the adapter could not be opened.
ChildResult RunOpened(uint32_t version, FakeDeregister mode,
                      const std::function<int(Opened&)>& body) {
  return RunInChild([&] {
    Opened o(version, mode);
    return o.Open() ? body(o) : 1;
  });
}

// The calls of `function` the fake agent saw.
std::vector<SeenCall> CallsOf(FakeAgent& agent, uint32_t function) {
  std::vector<SeenCall> out;
  for (const SeenCall& call : agent.seen().calls) {
    if (call.function == function) out.push_back(call);
  }
  return out;
}

TEST(WineAdapterRegistration, CaptureAfterDeregisterGetsTheProvidersAnswer) {
  const ChildResult r = RunOpened(4, FakeDeregister::kAnswer, [](Opened& o) {
    Adapter& a = o.a;
    a.release(&o.registration);
    a.dereg(&o.registration);
    const NTSTATUS status = a.capture(&o.registration, WSK_NO_WAIT, &o.npi);
    a.release(&o.registration);  // as a client that ignores the status would
    const auto captures = CallsOf(*a.agent, WSKA_FN_CAPTURE_PROVIDER_NPI);
    const auto releases = CallsOf(*a.agent, WSKA_FN_RELEASE_PROVIDER_NPI);
    if (status != STATUS_DEVICE_NOT_READY || captures.size() != 2 ||
        captures[1].registration != 1 || releases.size() != 2 ||
        releases[1].registration != 1) {
      std::fprintf(stderr, "status 0x%x, %zu captures, %zu releases\n",
                   unsigned(status), captures.size(), releases.size());
      return 1;
    }
    return 0;
  });
  EXPECT_TRUE(r.exited_ok()) << r.said;
}

// A later WskRegister, with every registration gone, resets the agent
// first (SHUTDOWN), which frees the deregistered block there: a call on
// it then ends the process saying so.
TEST(WineAdapterRegistration, ALaterRegisterResetsTheAgentFirst) {
  const ChildResult r = RunInChild([] {
    Adapter a(4, FakeDeregister::kAnswer);
    WSK_REGISTRATION first{}, second{};
    WSK_PROVIDER_NPI npi{};
    if (!Open(a, &first, &npi)) return 1;
    a.release(&first);
    a.dereg(&first);
    if (!CallsOf(*a.agent, WSKA_FN_SHUTDOWN).empty()) return 2;
    if (!Open(a, &second, &npi)) return 1;
    const auto calls = a.agent->seen().calls;
    // ..., DEREGISTER 1, SHUTDOWN, REGISTER (handle 2), CAPTURE 2
    if (calls.size() < 3 ||
        calls[calls.size() - 3].function != WSKA_FN_SHUTDOWN) {
      return 3;
    }
    a.capture(&first, WSK_NO_WAIT, &npi);
    return 4;  // not reached: the adapter ends the process
  });
  ExpectEndedSaying(r, "WskCaptureProviderNPI: a registration deregistered "
                       "before a later WskRegister reset the agent");
}

TEST(WineAdapterRegistration, ABlockNeverRegisteredEndsTheProcessNamingIt) {
  const ChildResult r = RunInChild([] {
    Adapter a(4, FakeDeregister::kAnswer);
    WSK_REGISTRATION garbage{};
    garbage.ReservedRegistrationContext = reinterpret_cast<PVOID>(0x5a5a);
    WSK_PROVIDER_NPI npi{};
    a.capture(&garbage, WSK_NO_WAIT, &npi);
    return 4;
  });
  ExpectEndedSaying(r, "WskCaptureProviderNPI: a registration block this "
                       "adapter's WskRegister never initialised");
}

// A version-3 agent frees a registration at WskDeregister: nothing to
// name, so the call is not forwarded.
TEST(WineAdapterRegistration, AVersionThreeAgentCannotTakeDeregisteredCalls) {
  const ChildResult r = RunOpened(3, FakeDeregister::kAnswer, [](Opened& o) {
    Adapter& a = o.a;
    a.release(&o.registration);
    a.dereg(&o.registration);
    a.capture(&o.registration, WSK_NO_WAIT, &o.npi);
    return 4;
  });
  ExpectEndedSaying(r, "speaks protocol version 3, which frees a "
                       "registration at WskDeregister");
}

// The provider keeps WskDeregister waiting until the capture is released;
// the release comes from another thread while WskDeregister waits, as in
// Registration.DeregisterWaitsForCapturesReleased. Holding the wire for a
// whole round trip made the release wait behind the deregistration.
TEST(WineAdapterDeregister, AReleaseGetsThroughWhileDeregisterWaits) {
  const ChildResult r =
      RunOpened(4, FakeDeregister::kHoldUntilRelease, [](Opened& o) {
        Adapter& a = o.a;
        std::thread deregister([&] { a.dereg(&o.registration); });
        // The release goes out once the fake holds the deregistration.
        if (!a.agent->WaitForCall(WSKA_FN_DEREGISTER, kExpectCall)) return 3;
        a.release(&o.registration);
        deregister.join();
        const auto calls = a.agent->seen().calls;
        return calls.back().function == WSKA_FN_RELEASE_PROVIDER_NPI ? 0 : 2;
      });
  EXPECT_TRUE(r.exited_ok()) << "exit " << r.status << ": " << r.said;
}

TEST(WineAdapterDeregister, ADeregisterThatNeverReturnsEndsTheProcess) {
  const auto started = std::chrono::steady_clock::now();
  const ChildResult r = RunOpened(4, FakeDeregister::kNever, [](Opened& o) {
    Adapter& a = o.a;
    a.release(&o.registration);
    a.dereg(&o.registration);
    return 4;
  });
  const auto took = std::chrono::steady_clock::now() - started;
  ExpectEndedSaying(r, "WskDeregister: the agent did not answer request");
  EXPECT_THAT(r.said, HasSubstr("the provider is still inside WskDeregister"));
  EXPECT_GE(took, std::chrono::milliseconds(std::atoi(kBlockingLimitMs)));
}

// The limit is read at the first blocking call; a value that is not a
// positive number of milliseconds ends the process naming the variable.
TEST(WineAdapterDeregister, ABadBlockingLimitIsRefusedNamingTheVariable) {
  const ChildResult r = RunInChild([] {
    Adapter a(4, FakeDeregister::kAnswer);
    setenv("WSKCONF_ADAPTER_BLOCKING_LIMIT_MS", "20s", 1);
    WSK_REGISTRATION registration{};
    WSK_PROVIDER_NPI npi{};
    if (a.reg(TestClientNpi(), &registration) != STATUS_SUCCESS) return 1;
    a.capture(&registration, WSK_INFINITE_WAIT, &npi);  // a blocking call
    return 4;
  });
  ExpectEndedSaying(r, "WSKCONF_ADAPTER_BLOCKING_LIMIT_MS='20s': expected a "
                       "positive number of milliseconds");
}

// A connection socket from the fake agent (kFakeSocketHandle), or NULL.
PWSK_SOCKET MakeSocket(const WSK_PROVIDER_NPI& npi) {
  IO_STATUS_BLOCK io{};
  if (!RunIrp(
          [&](PIRP irp) {
            npi.Dispatch->WskSocket(npi.Client, AF_INET, SOCK_STREAM,
                                    IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET,
                                    nullptr, nullptr, nullptr, nullptr,
                                    nullptr, irp);
          },
          &io)) {
    std::fprintf(stderr, "WskSocket never completed\n");
    return nullptr;
  }
  return reinterpret_cast<PWSK_SOCKET>(io.Information);
}

NTSTATUS ReleaseList(PWSK_SOCKET socket, PWSK_DATA_INDICATION list) {
  return static_cast<const WSK_PROVIDER_CONNECTION_DISPATCH*>(socket->Dispatch)
      ->WskRelease(socket, list);
}

// WskRelease(socket, NULL) reaches the provider as INDICATION 0 on that
// socket, and the provider's status comes back.
TEST(WineAdapterRelease, ANullListIsForwardedOnItsSocket) {
  const ChildResult r = RunOpened(4, FakeDeregister::kAnswer, [](Opened& o) {
    Adapter& a = o.a;
    PWSK_SOCKET socket = MakeSocket(o.npi);
    if (socket == nullptr) return 2;
    const NTSTATUS status = ReleaseList(socket, nullptr);
    const auto releases = CallsOf(*a.agent, WSKA_FN_RELEASE);
    if (status != STATUS_INVALID_PARAMETER || releases.size() != 1 ||
        releases[0].socket != kFakeSocketHandle ||
        !releases[0].has_indication || releases[0].indication != 0) {
      std::fprintf(stderr, "status 0x%x, %zu releases\n", unsigned(status),
                   releases.size());
      return 3;
    }
    return 0;
  });
  EXPECT_TRUE(r.exited_ok()) << "exit " << r.status << ": " << r.said;
}

TEST(WineAdapterRelease, AVersionThreeAgentCannotNameANullList) {
  const ChildResult r = RunOpened(3, FakeDeregister::kAnswer, [](Opened& o) {
    PWSK_SOCKET socket = MakeSocket(o.npi);
    if (socket == nullptr) return 2;
    ReleaseList(socket, nullptr);
    return 4;
  });
  ExpectEndedSaying(r, "WskRelease of a NULL list: the agent speaks "
                       "protocol version 3");
}

// A pointer the adapter never handed out has no counterpart in the
// agent's address space.
TEST(WineAdapterRelease, AListNeverIndicatedEndsTheProcessNamingIt) {
  const ChildResult r = RunOpened(4, FakeDeregister::kAnswer, [](Opened& o) {
    PWSK_SOCKET socket = MakeSocket(o.npi);
    if (socket == nullptr) return 2;
    WSK_DATA_INDICATION stranger{};
    ReleaseList(socket, &stranger);
    return 4;
  });
  ExpectEndedSaying(r, "this adapter never indicated or has released "
                       "already");
}

}  // namespace
}  // namespace wskconf::agent
