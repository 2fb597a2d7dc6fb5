// echo_server: loads the echo sample driver (echo.c) the way the I/O
// manager would: calls its DriverEntry with a driver object, serves until
// SIGINT or SIGTERM, then calls the driver's Unload routine and reports any
// verifier finding or leak (exit status 1 if there was one).
#include <signal.h>

#include <cstdio>

#include <wskconf/kernel.h>

#include "echo.h"

int main() {
  // Block the stop signals before any thread starts, so only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  DRIVER_OBJECT driver{};
  UNICODE_STRING registry_path;
  RtlInitUnicodeString(&registry_path, L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\Echo");
  NTSTATUS status = EchoDriverEntry(&driver, &registry_path);
  char text[96];
  if (!NT_SUCCESS(status)) {
    WskconfFormatNtStatus(status, text, sizeof(text));
    std::fprintf(stderr, "echo_server: EchoDriverEntry failed: %s\n", text);
    return 1;
  }
  SOCKADDR_STORAGE address{};
  status = EchoQueryListenAddress(&address);
  if (!NT_SUCCESS(status)) {
    WskconfFormatNtStatus(status, text, sizeof(text));
    std::fprintf(stderr, "echo_server: EchoQueryListenAddress failed: %s\n", text);
    driver.DriverUnload(&driver);
    return 1;
  }
  const auto* in = reinterpret_cast<const SOCKADDR_IN*>(&address);
  std::printf("echo_server: listening on 127.0.0.1:%u (Ctrl-C to unload)\n",
              RtlUshortByteSwap(in->sin_port));
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  std::printf("echo_server: unloading (%ld connections open)\n",
              static_cast<long>(EchoOpenConnections()));
  driver.DriverUnload(&driver);
  ULONG leaks = WskconfCheckLeaks();
  ULONG violations = WskconfGetViolationCount();
  for (ULONG i = 0; i < violations; ++i) {
    WSKCONF_VIOLATION v;
    if (WskconfGetViolation(i, &v)) std::fprintf(stderr, "verifier: %s: %s\n", v.RuleId, v.Message);
  }
  std::printf("echo_server: unloaded; %lu leaks, %lu verifier reports\n",
              static_cast<unsigned long>(leaks), static_cast<unsigned long>(violations));
  return leaks == 0 && violations == 0 ? 0 : 1;
}
