// A tiny WSK provider for the harness's own tests: registration works, the
// one socket call completes inline with STATUS_NOT_IMPLEMENTED. Never a
// stand-in for the reference provider. Built twice: complete, and (with
// WSKCONF_FAKE_WITHOUT_QUERY) missing one entry point.
#include <wsk.h>

namespace {

NTSTATUS WSKAPI FakeSocket(PWSK_CLIENT, ADDRESS_FAMILY, USHORT, ULONG, ULONG,
                           PVOID, const VOID*, PEPROCESS, PETHREAD,
                           PSECURITY_DESCRIPTOR, PIRP irp) {
  IoSetNextIrpStackLocation(irp);
  irp->IoStatus.Status = STATUS_NOT_IMPLEMENTED;
  irp->IoStatus.Information = 0;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
  return STATUS_NOT_IMPLEMENTED;
}

const WSK_PROVIDER_DISPATCH kDispatch = {
    MAKE_WSK_VERSION(1, 0), 0, FakeSocket, nullptr, nullptr,
    nullptr,                nullptr, nullptr};
int g_client_tag;

}  // namespace

extern "C" {

NTSTATUS WskRegister(PWSK_CLIENT_NPI, PWSK_REGISTRATION registration) {
  registration->ReservedRegistrationState = 1;
  return STATUS_SUCCESS;
}

NTSTATUS WskCaptureProviderNPI(PWSK_REGISTRATION registration, ULONG,
                               PWSK_PROVIDER_NPI npi) {
  if (registration->ReservedRegistrationState != 1) {
    return STATUS_DEVICE_NOT_READY;
  }
  npi->Client = &g_client_tag;
  npi->Dispatch = &kDispatch;
  return STATUS_SUCCESS;
}

VOID WskReleaseProviderNPI(PWSK_REGISTRATION) {}

VOID WskDeregister(PWSK_REGISTRATION registration) {
  registration->ReservedRegistrationState = 0;
}

#ifndef WSKCONF_FAKE_WITHOUT_QUERY
NTSTATUS WskQueryProviderCharacteristics(
    PWSK_REGISTRATION, PWSK_PROVIDER_CHARACTERISTICS characteristics) {
  characteristics->HighestVersion = MAKE_WSK_VERSION(1, 0);
  characteristics->LowestVersion = MAKE_WSK_VERSION(1, 0);
  return STATUS_SUCCESS;
}
#endif

}  // extern "C"
