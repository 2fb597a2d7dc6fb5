// The wine adapter test helpers of adapter_test_util.h.
#include "adapter_test_util.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

namespace wskconf::agent {
namespace {

using RegisterFn = NTSTATUS (*)(PWSK_CLIENT_NPI, PWSK_REGISTRATION);
using CaptureFn = NTSTATUS (*)(PWSK_REGISTRATION, ULONG, PWSK_PROVIDER_NPI);

NTSTATUS WSKAPI Signal(PDEVICE_OBJECT, PIRP, PVOID event) {
  KeSetEvent(static_cast<PKEVENT>(event), IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

}  // namespace

FakeAgent* AttachToFakeAgent(uint32_t version, WSK_PROVIDER_NPI* npi) {
  auto* agent = new FakeAgent(version);
  const std::string address = "127.0.0.1:" + std::to_string(agent->port());
  EXPECT_EQ(setenv("WSKCONF_AGENT_ADDRESS", address.c_str(), 1), 0);
  void* so = dlopen(WSKCONF_TEST_ADAPTER_SO, RTLD_NOW | RTLD_LOCAL);
  EXPECT_NE(so, nullptr) << dlerror();
  if (so == nullptr) return agent;
  auto reg_fn = reinterpret_cast<RegisterFn>(dlsym(so, "WskRegister"));
  auto capture =
      reinterpret_cast<CaptureFn>(dlsym(so, "WskCaptureProviderNPI"));
  EXPECT_TRUE(reg_fn != nullptr && capture != nullptr) << dlerror();
  if (reg_fn == nullptr || capture == nullptr) return agent;
  static const WSK_CLIENT_DISPATCH kClientDispatch = {MAKE_WSK_VERSION(1, 0),
                                                      0, nullptr};
  auto* client = new WSK_CLIENT_NPI{nullptr, &kClientDispatch};
  auto* registration = new WSK_REGISTRATION{};
  EXPECT_EQ(reg_fn(client, registration), STATUS_SUCCESS);
  EXPECT_EQ(capture(registration, WSK_INFINITE_WAIT, npi), STATUS_SUCCESS);
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

void ExpectInChild(const std::function<bool()>& scenario) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const bool ok = scenario() && !::testing::Test::HasFailure();
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "see the child's output above";
}

}  // namespace wskconf::agent
