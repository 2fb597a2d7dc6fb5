/* Entry points of the WPP-traced driver files (wpp_driver_body.h). Each
 * traces one message (Step 0, 1 or 2) and returns STATUS_SUCCESS. */
#ifndef WSKCONF_TESTS_KERNEL_WPP_DRIVER_H_
#define WSKCONF_TESTS_KERNEL_WPP_DRIVER_H_

#include <ntddk.h>

EXTERN_C NTSTATUS WskconfWppDriverC(PDRIVER_OBJECT DriverObject,
                                    PUNICODE_STRING RegistryPath, int Step);
EXTERN_C NTSTATUS WskconfWppDriverCpp(PDRIVER_OBJECT DriverObject,
                                      PUNICODE_STRING RegistryPath, int Step);

#endif /* WSKCONF_TESTS_KERNEL_WPP_DRIVER_H_ */
