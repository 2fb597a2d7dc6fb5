/* What kernel/ offers: a user-mode NT kernel runtime (library
 * wskconf_kernel) for WSK clients and providers running on Linux.
 *
 * Driver-facing code includes the WDK-shaped headers, as on Windows:
 *   <ntddk.h>, <wdm.h>  IRPs, stack locations, completion and cancellation,
 *                       MDLs (<wskconf/wdm_mdl.h>), and through
 *                       <wskconf/ke.h> IRQL, spin locks, events and waits,
 *                       pool, threads, work items, DPCs/timers, Rtl helpers;
 *   <wsk.h> (+ <ws2def.h>, <ws2ipdef.h>, <mstcpip.h>, <netioddk.h>)  the WSK
 *                       NPI types and constants, with Windows values.
 * Harness and test code includes this header: the verifier's record of rule
 * violations (ids in <wskconf/verifier_rules.h>), leak checks, fault
 * injection, and NTSTATUS names. Misuse never crashes the runtime: it is a
 * violation, reported with the routine and object involved. */
#ifndef WSKCONF_KERNEL_H_
#define WSKCONF_KERNEL_H_

#include <wskconf/ntstatus_names.h>
#include <wskconf/verifier.h>

#endif /* WSKCONF_KERNEL_H_ */
