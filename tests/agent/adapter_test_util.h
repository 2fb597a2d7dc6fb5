// Shared by the tests of the wine adapter against the scripted fake agent
// (label agent): loading the adapter .so and attaching it to a fake agent,
// running an IRP-taking call to its completion, and running a scenario in
// a child process, since the adapter keeps its connection for its process.
#ifndef WSKCONF_TESTS_AGENT_ADAPTER_TEST_UTIL_H_
#define WSKCONF_TESTS_AGENT_ADAPTER_TEST_UTIL_H_

#include <chrono>
#include <cstdint>
#include <functional>

#include <wsk.h>

#include "fake_agent.h"

namespace wskconf::agent {

// How long an IRP the fake agent completes may take (generous: the CI
// machine is shared and loaded).
inline constexpr std::chrono::milliseconds kExpectCompletion{10000};

// Starts a fake agent of protocol `version`, points the adapter at it
// (WSKCONF_AGENT_ADDRESS), loads the adapter .so, registers and captures
// its provider NPI into `npi`. A step that fails is a test failure. The
// agent, the registration and the client NPI live until the process ends.
FakeAgent* AttachToFakeAgent(uint32_t version, WSK_PROVIDER_NPI* npi);

// Runs `call` with a new IRP and waits up to `timeout` for its completion.
// True with the IRP's IoStatus in `io`; false if it did not complete (the
// IRP then leaks on purpose: it may still complete).
bool RunIrp(const std::function<void(PIRP)>& call, IO_STATUS_BLOCK* io,
            std::chrono::milliseconds timeout = kExpectCompletion);

// Runs `scenario` in a child process that ends with _exit, so the fake
// agent and the adapter's connection to it are never torn down. The test
// fails unless the scenario returns true without a test failure; it says
// on stderr why it did not.
void ExpectInChild(const std::function<bool()>& scenario);

}  // namespace wskconf::agent

#endif  // WSKCONF_TESTS_AGENT_ADAPTER_TEST_UTIL_H_
