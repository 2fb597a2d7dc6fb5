// WskControlSocket calls for the option, sharing and IOCTL tests.
#ifndef WSKCONF_TESTS_REFERENCE_CONTROL_TEST_UTIL_H_
#define WSKCONF_TESTS_REFERENCE_CONTROL_TEST_UTIL_H_

#include <unistd.h>

#include <vector>

#include "reference_test_util.h"

namespace wskconf::reference::testing {

// SO_EXCLUSIVEADDRUSE as the ULONG ControlCode carries it.
constexpr ULONG kExclusiveAddressUse = static_cast<ULONG>(WS_SO_EXCLUSIVEADDRUSE);

// WskSetOption of a ULONG at SOL_SOCKET with an IRP: the completion status.
inline NTSTATUS SetUlong(PWSK_SOCKET s, ULONG code, ULONG value) {
  IrpProbe probe;
  return probe.Result(BasicTable(s)->WskControlSocket(s, WskSetOption, code, WS_SOL_SOCKET,
                                                      sizeof(value), &value, 0, nullptr,
                                                      nullptr, probe.Start()));
}

// WskGetOption of a ULONG at SOL_SOCKET with an IRP: the completion status,
// the value in *value and IoStatus.Information in *information.
inline NTSTATUS GetUlong(PWSK_SOCKET s, ULONG code, ULONG* value,
                         ULONG_PTR* information = nullptr) {
  IrpProbe probe;
  NTSTATUS status = probe.Result(BasicTable(s)->WskControlSocket(
      s, WskGetOption, code, WS_SOL_SOCKET, 0, nullptr, sizeof(*value), value, nullptr,
      probe.Start()));
  if (information != nullptr) *information = probe.information();
  return status;
}

// An IOCTL with an IRP: the completion status, Information in *information.
inline NTSTATUS Ioctl(PWSK_SOCKET s, ULONG code, SIZE_T in_size, PVOID in, SIZE_T out_size,
                      PVOID out, ULONG_PTR* information = nullptr) {
  IrpProbe probe;
  NTSTATUS status = probe.Result(BasicTable(s)->WskControlSocket(
      s, WskIoctl, code, 0, in_size, in, out_size, out, nullptr, probe.Start()));
  if (information != nullptr) *information = probe.information();
  return status;
}

// An IOCTL without an IRP (the codes whose irp is "none").
inline NTSTATUS IoctlNoIrp(PWSK_SOCKET s, ULONG code, SIZE_T in_size, PVOID in,
                           SIZE_T out_size, PVOID out, SIZE_T* returned) {
  return BasicTable(s)->WskControlSocket(s, WskIoctl, code, 0, in_size, in, out_size, out,
                                         returned, nullptr);
}

// A per-family test that closes, at its end, every socket it kept (Keep)
// and every host descriptor it kept (KeepFd), expecting each close to
// succeed; the fixtures of the option, IOCTL and security tests build on it.
class KeepingFamilyTest : public FamilyTest {
 protected:
  void TearDown() override {
    for (PWSK_SOCKET s : sockets_) EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
    for (int fd : fds_) close(fd);
    FamilyTest::TearDown();
  }
  PWSK_SOCKET Keep(PWSK_SOCKET s) {
    if (s != nullptr) sockets_.push_back(s);
    return s;
  }
  int KeepFd(int fd) {
    fds_.push_back(fd);
    return fd;
  }

 private:
  std::vector<PWSK_SOCKET> sockets_;
  std::vector<int> fds_;
};

}  // namespace wskconf::reference::testing

#endif  // WSKCONF_TESTS_REFERENCE_CONTROL_TEST_UTIL_H_
