// The wine adapter on calls it used to end the process for (agent protocol
// version 4), against the scripted fake agent (label agent, no Wine):
// the registration routines on a deregistered block reach the agent and
// bring the provider's answer back; a WskDeregister the provider keeps
// waiting does not hold up the WskReleaseProviderNPI that lets it return,
// and one that never returns ends the process naming it after the stated
// limit; WskRelease of a NULL list is forwarded on its socket. What cannot
// be forwarded still ends the process with the reason.
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>

#include <wsk.h>

#include "fake_agent.h"

namespace wskconf::agent {
namespace {

using RegisterFn = NTSTATUS (*)(PWSK_CLIENT_NPI, PWSK_REGISTRATION);
using DeregisterFn = VOID (*)(PWSK_REGISTRATION);
using CaptureFn = NTSTATUS (*)(PWSK_REGISTRATION, ULONG, PWSK_PROVIDER_NPI);
using ReleaseFn = VOID (*)(PWSK_REGISTRATION);

// The blocking-call limit the children run with (WSKCONF_ADAPTER_BLOCKING_
// LIMIT_MS): a held WskDeregister must come back well within it.
constexpr char kBlockingLimitMs[] = "3000";
constexpr std::chrono::milliseconds kExpectCall{10000};

// A child's exit and what it said on stderr.
struct ChildResult {
  int status = 0;
  std::string said;
  bool exited_ok() const {
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  bool aborted() const {
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  }
};

// Runs `body` in a child (the adapter's forwarder lives for its process)
// with stderr captured; the child's exit code is body's result.
ChildResult RunInChild(const std::function<int()>& body) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  if (child == 0) {
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    _exit(body());
  }
  close(fds[1]);
  ChildResult result;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof(buffer))) > 0;) {
    result.said.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  EXPECT_EQ(waitpid(child, &result.status, 0), child);
  return result;
}

// The adapter in this child, connected to a fake agent of `version`.
struct Adapter {
  FakeAgent* agent;
  RegisterFn reg;
  DeregisterFn dereg;
  CaptureFn capture;
  ReleaseFn release;
};

Adapter Load(uint32_t version, FakeDeregister mode) {
  FakeAgent* agent = new FakeAgent(version);  // lives until _exit
  agent->SetDeregister(mode);
  const std::string address = "127.0.0.1:" + std::to_string(agent->port());
  setenv("WSKCONF_AGENT_ADDRESS", address.c_str(), 1);
  setenv("WSKCONF_ADAPTER_BLOCKING_LIMIT_MS", kBlockingLimitMs, 1);
  void* so = dlopen(WSKCONF_TEST_ADAPTER_SO, RTLD_NOW | RTLD_LOCAL);
  if (so == nullptr) {
    std::fprintf(stderr, "dlopen: %s\n", dlerror());
    _exit(90);
  }
  return {agent, reinterpret_cast<RegisterFn>(dlsym(so, "WskRegister")),
          reinterpret_cast<DeregisterFn>(dlsym(so, "WskDeregister")),
          reinterpret_cast<CaptureFn>(dlsym(so, "WskCaptureProviderNPI")),
          reinterpret_cast<ReleaseFn>(dlsym(so, "WskReleaseProviderNPI"))};
}

const WSK_CLIENT_DISPATCH kClientDispatch = {MAKE_WSK_VERSION(1, 0), 0,
                                             nullptr};

// Registers `registration` and captures its NPI; false (said) on failure.
bool Open(const Adapter& a, WSK_REGISTRATION* registration,
          WSK_PROVIDER_NPI* npi) {
  WSK_CLIENT_NPI client{nullptr, &kClientDispatch};
  if (a.reg(&client, registration) != STATUS_SUCCESS ||
      a.capture(registration, WSK_NO_WAIT, npi) != STATUS_SUCCESS) {
    std::fprintf(stderr, "register or capture failed\n");
    return false;
  }
  return true;
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
  const ChildResult r = RunInChild([] {
    Adapter a = Load(4, FakeDeregister::kAnswer);
    WSK_REGISTRATION registration{};
    WSK_PROVIDER_NPI npi{};
    if (!Open(a, &registration, &npi)) return 1;
    a.release(&registration);
    a.dereg(&registration);
    const NTSTATUS status = a.capture(&registration, WSK_NO_WAIT, &npi);
    a.release(&registration);  // as a client that ignores the status would
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
    Adapter a = Load(4, FakeDeregister::kAnswer);
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
  EXPECT_TRUE(r.aborted()) << "exit " << r.status << ": " << r.said;
  EXPECT_NE(r.said.find("WskCaptureProviderNPI: a registration deregistered "
                        "before a later WskRegister reset the agent"),
            std::string::npos)
      << r.said;
}

TEST(WineAdapterRegistration, ABlockNeverRegisteredEndsTheProcessNamingIt) {
  const ChildResult r = RunInChild([] {
    Adapter a = Load(4, FakeDeregister::kAnswer);
    WSK_REGISTRATION garbage{};
    garbage.ReservedRegistrationContext = reinterpret_cast<PVOID>(0x5a5a);
    WSK_PROVIDER_NPI npi{};
    a.capture(&garbage, WSK_NO_WAIT, &npi);
    return 4;
  });
  EXPECT_TRUE(r.aborted()) << "exit " << r.status << ": " << r.said;
  EXPECT_NE(r.said.find("WskCaptureProviderNPI: a registration block this "
                        "adapter's WskRegister never initialised"),
            std::string::npos)
      << r.said;
}

// A version-3 agent frees a registration at WskDeregister: nothing to
// name, so the call is not forwarded.
TEST(WineAdapterRegistration, AVersionThreeAgentCannotTakeDeregisteredCalls) {
  const ChildResult r = RunInChild([] {
    Adapter a = Load(3, FakeDeregister::kAnswer);
    WSK_REGISTRATION registration{};
    WSK_PROVIDER_NPI npi{};
    if (!Open(a, &registration, &npi)) return 1;
    a.release(&registration);
    a.dereg(&registration);
    a.capture(&registration, WSK_NO_WAIT, &npi);
    return 4;
  });
  EXPECT_TRUE(r.aborted()) << "exit " << r.status << ": " << r.said;
  EXPECT_NE(r.said.find("speaks protocol version 3, which frees a "
                        "registration at WskDeregister"),
            std::string::npos)
      << r.said;
}

// The provider keeps WskDeregister waiting until the capture is released;
// the release comes from another thread while WskDeregister waits, as in
// Registration.DeregisterWaitsForCapturesReleased. Holding the wire for a
// whole round trip made the release wait behind the deregistration.
TEST(WineAdapterDeregister, AReleaseGetsThroughWhileDeregisterWaits) {
  const ChildResult r = RunInChild([] {
    Adapter a = Load(4, FakeDeregister::kHoldUntilRelease);
    WSK_REGISTRATION registration{};
    WSK_PROVIDER_NPI npi{};
    if (!Open(a, &registration, &npi)) return 1;
    std::thread deregister([&] { a.dereg(&registration); });
    // The release goes out once the fake holds the deregistration.
    if (!a.agent->WaitForCall(WSKA_FN_DEREGISTER, kExpectCall)) return 3;
    a.release(&registration);
    deregister.join();
    const auto calls = a.agent->seen().calls;
    return calls.back().function == WSKA_FN_RELEASE_PROVIDER_NPI ? 0 : 2;
  });
  EXPECT_TRUE(r.exited_ok()) << "exit " << r.status << ": " << r.said;
}

TEST(WineAdapterDeregister, ADeregisterThatNeverReturnsEndsTheProcess) {
  const auto started = std::chrono::steady_clock::now();
  const ChildResult r = RunInChild([] {
    Adapter a = Load(4, FakeDeregister::kNever);
    WSK_REGISTRATION registration{};
    WSK_PROVIDER_NPI npi{};
    if (!Open(a, &registration, &npi)) return 1;
    a.release(&registration);
    a.dereg(&registration);
    return 4;
  });
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(r.aborted()) << "exit " << r.status << ": " << r.said;
  EXPECT_NE(r.said.find("WskDeregister: the agent did not answer request"),
            std::string::npos)
      << r.said;
  EXPECT_NE(r.said.find("the provider is still inside WskDeregister"),
            std::string::npos)
      << r.said;
  EXPECT_GE(took, std::chrono::milliseconds(std::atoi(kBlockingLimitMs)));
}

NTSTATUS WSKAPI Signal(PDEVICE_OBJECT, PIRP, PVOID event) {
  KeSetEvent(static_cast<PKEVENT>(event), IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

// A connection socket from the fake agent (kFakeSocketHandle).
PWSK_SOCKET MakeSocket(const WSK_PROVIDER_NPI& npi) {
  KEVENT done;
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoSetCompletionRoutine(irp, Signal, &done, TRUE, TRUE, TRUE);
  npi.Dispatch->WskSocket(npi.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
                          WSK_FLAG_CONNECTION_SOCKET, nullptr, nullptr,
                          nullptr, nullptr, nullptr, irp);
  KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, nullptr);
  auto* socket = reinterpret_cast<PWSK_SOCKET>(irp->IoStatus.Information);
  IoFreeIrp(irp);
  return socket;
}

NTSTATUS ReleaseList(PWSK_SOCKET socket, PWSK_DATA_INDICATION list) {
  return static_cast<const WSK_PROVIDER_CONNECTION_DISPATCH*>(socket->Dispatch)
      ->WskRelease(socket, list);
}

// WskRelease(socket, NULL) reaches the provider as INDICATION 0 on that
// socket, and the provider's status comes back.
TEST(WineAdapterRelease, ANullListIsForwardedOnItsSocket) {
  const ChildResult r = RunInChild([] {
    Adapter a = Load(4, FakeDeregister::kAnswer);
    WSK_REGISTRATION registration{};
    WSK_PROVIDER_NPI npi{};
    if (!Open(a, &registration, &npi)) return 1;
    PWSK_SOCKET socket = MakeSocket(npi);
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
  const ChildResult r = RunInChild([] {
    Adapter a = Load(3, FakeDeregister::kAnswer);
    WSK_REGISTRATION registration{};
    WSK_PROVIDER_NPI npi{};
    if (!Open(a, &registration, &npi)) return 1;
    PWSK_SOCKET socket = MakeSocket(npi);
    if (socket == nullptr) return 2;
    ReleaseList(socket, nullptr);
    return 4;
  });
  EXPECT_TRUE(r.aborted()) << "exit " << r.status << ": " << r.said;
  EXPECT_NE(r.said.find("WskRelease of a NULL list: the agent speaks "
                        "protocol version 3"),
            std::string::npos)
      << r.said;
}

// A pointer the adapter never handed out has no counterpart in the
// agent's address space.
TEST(WineAdapterRelease, AListNeverIndicatedEndsTheProcessNamingIt) {
  const ChildResult r = RunInChild([] {
    Adapter a = Load(4, FakeDeregister::kAnswer);
    WSK_REGISTRATION registration{};
    WSK_PROVIDER_NPI npi{};
    if (!Open(a, &registration, &npi)) return 1;
    PWSK_SOCKET socket = MakeSocket(npi);
    if (socket == nullptr) return 2;
    WSK_DATA_INDICATION stranger{};
    ReleaseList(socket, &stranger);
    return 4;
  });
  EXPECT_TRUE(r.aborted()) << "exit " << r.status << ": " << r.said;
  EXPECT_NE(r.said.find("this adapter never indicated or has released "
                        "already"),
            std::string::npos)
      << r.said;
}

}  // namespace
}  // namespace wskconf::agent
