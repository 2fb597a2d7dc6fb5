/* What kernel/ offers: the user-mode NT kernel runtime. Driver-facing code
 * includes the WDK-shaped headers (<ntddk.h>, <wdm.h>, <wsk.h>); test and
 * harness code includes this header for the verifier and fault injection. */
#ifndef WSKCONF_KERNEL_H_
#define WSKCONF_KERNEL_H_

#include <wskconf/verifier.h>

#endif /* WSKCONF_KERNEL_H_ */
