/* NTSTATUS values with their Windows numbers: the whole list of [MS-ERREF]
 * section 2.3.1 (1,795 names: STATUS_*, DBG_*, RPC_NT_*, EPT_NT_*), written
 * from the published list and checked at test time against mingw-w64's
 * ntstatus.h where both define a name (ntstatus_mingw_crosscheck). The
 * values live in four files by severity and facility.
 * WskconfNtStatusName in <wskconf/ntstatus_names.h> prints each by name; the
 * name table is generated from these headers at build time. */
#ifndef WSKCONF_NTSTATUS_H_
#define WSKCONF_NTSTATUS_H_

#include <ntdef.h>

#include <wskconf/ntstatus_success.h>
#include <wskconf/ntstatus_errors.h>
#include <wskconf/ntstatus_errors2.h>
#include <wskconf/ntstatus_facility_errors.h>

#endif /* WSKCONF_NTSTATUS_H_ */
