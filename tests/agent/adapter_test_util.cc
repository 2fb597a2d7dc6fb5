// The wine adapter test helpers of adapter_test_util.h.
#include "adapter_test_util.h"

#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace wskconf::agent {
namespace {

NTSTATUS WSKAPI Signal(PDEVICE_OBJECT, PIRP, PVOID event) {
  KeSetEvent(static_cast<PKEVENT>(event), IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

// Looks `name` up in `so` as a `T`; a test failure when it is missing.
template <typename T>
void Find(void* so, const char* name, T* out) {
  *out = reinterpret_cast<T>(dlsym(so, name));
  EXPECT_NE(*out, nullptr) << "the adapter does not export " << name;
}

}  // namespace

FakeAgent* StartFakeAgentForAdapter(uint32_t version) {
  auto* agent = new FakeAgent(version);
  const std::string address = "127.0.0.1:" + std::to_string(agent->port());
  EXPECT_EQ(setenv("WSKCONF_AGENT_ADDRESS", address.c_str(), 1), 0);
  return agent;
}

AdapterEntryPoints LoadAdapter() {
  AdapterEntryPoints entry;
  void* so = dlopen(WSKCONF_TEST_ADAPTER_SO, RTLD_NOW | RTLD_LOCAL);
  EXPECT_NE(so, nullptr) << dlerror();
  if (so == nullptr) return entry;
  Find(so, "WskRegister", &entry.reg);
  Find(so, "WskDeregister", &entry.dereg);
  Find(so, "WskCaptureProviderNPI", &entry.capture);
  Find(so, "WskReleaseProviderNPI", &entry.release);
  return entry;
}

PWSK_CLIENT_NPI TestClientNpi() {
  static const WSK_CLIENT_DISPATCH dispatch = {MAKE_WSK_VERSION(1, 0), 0,
                                               nullptr};
  static WSK_CLIENT_NPI client = {nullptr, &dispatch};
  return &client;
}

FakeAgent* AttachToFakeAgent(uint32_t version, WSK_PROVIDER_NPI* npi) {
  FakeAgent* agent = StartFakeAgentForAdapter(version);
  const AdapterEntryPoints adapter = LoadAdapter();
  if (adapter.reg == nullptr || adapter.capture == nullptr) return agent;
  auto* registration = new WSK_REGISTRATION{};
  EXPECT_EQ(adapter.reg(TestClientNpi(), registration), STATUS_SUCCESS);
  EXPECT_EQ(adapter.capture(registration, WSK_INFINITE_WAIT, npi),
            STATUS_SUCCESS);
  return agent;
}

bool RunIrp(const std::function<void(PIRP)>& call, IO_STATUS_BLOCK* io,
            std::chrono::milliseconds timeout) {
  KEVENT done;
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  PIRP irp = IoAllocateIrp(1, FALSE);
  IoSetCompletionRoutine(irp, Signal, &done, TRUE, TRUE, TRUE);
  call(irp);
  LARGE_INTEGER limit;
  limit.QuadPart = -10000LL * timeout.count();
  if (KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, &limit) !=
      STATUS_SUCCESS) {
    return false;
  }
  *io = irp->IoStatus;
  IoFreeIrp(irp);
  return true;
}

bool ChildResult::exited_ok() const {
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool ChildResult::aborted() const {
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

ChildResult RunInChild(const std::function<int()>& body) {
  ChildResult result;
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  EXPECT_GE(child, 0) << "fork failed";
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    result.status = -1;  // neither exited nor signalled
    return result;
  }
  if (child == 0) {
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    _exit(body());
  }
  close(fds[1]);
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof(buffer))) > 0;) {
    result.said.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  EXPECT_EQ(waitpid(child, &result.status, 0), child);
  return result;
}

void ExpectInChild(const std::function<bool()>& scenario) {
  const ChildResult r = RunInChild([&] {
    return scenario() && !::testing::Test::HasFailure() ? 0 : 1;
  });
  EXPECT_TRUE(r.exited_ok())
      << "wait status " << r.status << "; the child's failures are above; "
      << "it said on stderr: " << r.said;
}

void ExpectEndedSaying(const ChildResult& r, const std::string& reason) {
  EXPECT_TRUE(r.aborted()) << "wait status " << r.status << ": " << r.said;
  EXPECT_THAT(r.said, ::testing::HasSubstr(reason));
}

}  // namespace wskconf::agent
