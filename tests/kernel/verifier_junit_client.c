/* A client program as a driver's own test binary is: it links the runtime,
 * makes a few mistakes the verifier reports, and exits normally, so the
 * report named by WSKCONF_VERIFIER_JUNIT is written at exit. Run by
 * verifier_junit_test.cmake, which validates that report. */
#include <wdm.h>

int main(void) {
  PIRP irp = IoAllocateIrp(1, FALSE);
  PVOID block = ExAllocatePoolWithTag(NonPagedPoolNx, 8, 'tseT');
  if (irp == NULL || block == NULL) return 1;
  IoFreeIrp(irp);
  IoFreeIrp(irp); /* Irp.FreedTwice */
  ExFreePoolWithTag(block, 'tseT');
  ExFreePoolWithTag(block, 'tseT'); /* Pool.FreedTwice */
  ExFreePoolWithTag(block, 'tseT'); /* Pool.FreedTwice #2 */
  /* Text a report must escape: markup, control and non-ASCII bytes. */
  WskconfReportViolation(WskconfRuleNullArgument, NULL,
                         "markup <&\"'> control \x01\x1b\x7f byte \xff end");
  return 0;
}
