// Client-level provider functions besides socket creation: WskControlClient
// (client_control.cc, security_cache.cc) and name resolution (resolver.cc).
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_CLIENT_LEVEL_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_CLIENT_LEVEL_H_

#include <wsk.h>

namespace wskconf::reference::internal {

class Registration;

NTSTATUS WSKAPI ControlClient(PWSK_CLIENT Client, ULONG ControlCode,
                              SIZE_T InputSize, PVOID InputBuffer,
                              SIZE_T OutputSize, PVOID OutputBuffer,
                              SIZE_T* OutputSizeReturned, PIRP Irp);
NTSTATUS WSKAPI GetAddressInfo(PWSK_CLIENT Client, PUNICODE_STRING NodeName,
                               PUNICODE_STRING ServiceName, ULONG NameSpace,
                               GUID* Provider, PADDRINFOEXW Hints,
                               PADDRINFOEXW* Result, PEPROCESS OwningProcess,
                               PETHREAD OwningThread, PIRP Irp);
VOID WSKAPI FreeAddressInfo(PWSK_CLIENT Client, PADDRINFOEXW AddrInfo);
NTSTATUS WSKAPI GetNameInfo(PWSK_CLIENT Client, PSOCKADDR SockAddr,
                            ULONG SockAddrLength, PUNICODE_STRING NodeName,
                            PUNICODE_STRING ServiceName, ULONG Flags,
                            PEPROCESS OwningProcess, PETHREAD OwningThread,
                            PIRP Irp);

// WSK_TRANSPORT_LIST_CHANGE: completes every waiting IRP of `r` with
// STATUS_CANCELLED (WskDeregister, before it waits for the registration's
// objects). No lock held.
void CancelTransportListWaiters(Registration* r);
// Completes every waiting WSK_TRANSPORT_LIST_CHANGE IRP of every client
// with STATUS_SUCCESS (WskconfReferenceTransportListChanged).
void CompleteTransportListWaiters();

// WSK_CACHE_SD / WSK_RELEASE_SD (security_cache.cc): the documented
// arguments are one PSECURITY_DESCRIPTOR variable each way.
// STATUS_INVALID_PARAMETER for other sizes, NULL pointers or (release) a
// pointer the cache did not hand out; STATUS_UNKNOWN_REVISION,
// STATUS_INVALID_SID, STATUS_INVALID_ACL, STATUS_INVALID_SECURITY_DESCR for
// a malformed descriptor; STATUS_INSUFFICIENT_RESOURCES.
NTSTATUS CacheSecurityDescriptor(Registration* r, SIZE_T input_size, PVOID input,
                                 SIZE_T output_size, PVOID output);
NTSTATUS ReleaseSecurityDescriptor(Registration* r, SIZE_T input_size, PVOID input);
// True when `descriptor` is a copy this registration's cache holds.
bool IsCachedSecurityDescriptor(Registration* r, const void* descriptor);
// Takes one more reference on the cached copy `descriptor` (a socket that
// carries it, SO_WSK_SECURITY); false when the cache holds no such copy.
// Each reference is dropped with ReleaseSecurityDescriptor.
bool ReferenceSecurityDescriptor(Registration* r, const void* descriptor);
// Writes to *cached a referenced cached copy of the default descriptor of a
// socket given none (SO_WSK_SECURITY.DefaultForbidsSharing);
// STATUS_INSUFFICIENT_RESOURCES.
NTSTATUS CacheDefaultSecurityDescriptor(Registration* r, PVOID* cached);
// Frees every copy still cached (WskDeregister).
void FreeSecurityCache(Registration* r);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_CLIENT_LEVEL_H_
