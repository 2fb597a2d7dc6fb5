// Shared by the tests of the wine adapter against the scripted fake agent
// (label agent): loading the adapter .so and attaching it to a fake agent,
// running an IRP-taking call to its completion, and running a scenario in
// a child process, since the adapter keeps its connection for its process
// (and ends the process when it cannot forward a call).
#ifndef WSKCONF_TESTS_AGENT_ADAPTER_TEST_UTIL_H_
#define WSKCONF_TESTS_AGENT_ADAPTER_TEST_UTIL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <wsk.h>

#include "fake_agent.h"

namespace wskconf::agent {

// How long an IRP the fake agent completes may take (generous: the CI
// machine is shared and loaded).
inline constexpr std::chrono::milliseconds kExpectCompletion{10000};

// The adapter's registration entry points, as a client links them.
struct AdapterEntryPoints {
  NTSTATUS (*reg)(PWSK_CLIENT_NPI, PWSK_REGISTRATION) = nullptr;
  VOID (*dereg)(PWSK_REGISTRATION) = nullptr;
  NTSTATUS (*capture)(PWSK_REGISTRATION, ULONG, PWSK_PROVIDER_NPI) = nullptr;
  VOID (*release)(PWSK_REGISTRATION) = nullptr;
};

// Starts a fake agent of protocol `version` and points the adapter at it
// (WSKCONF_AGENT_ADDRESS). The agent lives until the process ends.
FakeAgent* StartFakeAgentForAdapter(uint32_t version);

// Loads the adapter .so and looks its entry points up; each that is
// missing is a test failure and stays null.
AdapterEntryPoints LoadAdapter();

// The client NPI the helpers register with (WSK 1.0, no callbacks).
PWSK_CLIENT_NPI TestClientNpi();

// StartFakeAgentForAdapter + LoadAdapter, then registers and captures the
// provider NPI into `npi`. A step that fails is a test failure. The
// registration lives until the process ends.
FakeAgent* AttachToFakeAgent(uint32_t version, WSK_PROVIDER_NPI* npi);

// Runs `call` with a new IRP and waits up to `timeout` for its completion.
// True with the IRP's IoStatus in `io`; false if it did not complete (the
// IRP then leaks on purpose: it may still complete).
bool RunIrp(const std::function<void(PIRP)>& call, IO_STATUS_BLOCK* io,
            std::chrono::milliseconds timeout = kExpectCompletion);

// How a child process ended and what it said on stderr.
struct ChildResult {
  int status = 0;  // as from waitpid
  std::string said;
  bool exited_ok() const;
  bool aborted() const;  // ended by SIGABRT, as the adapter ends a process
};

// Runs `body` in a child process with its stderr captured; the child ends
// with _exit(body's result), so a fake agent and the adapter's connection
// to it are never torn down.
ChildResult RunInChild(const std::function<int()>& body);

// RunInChild for a scenario that must succeed: the test fails unless it
// returns true without a test failure, showing what the child said.
void ExpectInChild(const std::function<bool()>& scenario);

// The test fails unless the child was ended by the adapter (SIGABRT)
// saying `reason` on stderr.
void ExpectEndedSaying(const ChildResult& r, const std::string& reason);

}  // namespace wskconf::agent

#endif  // WSKCONF_TESTS_AGENT_ADAPTER_TEST_UTIL_H_
