/* Network Module Registrar (NMR) client interface of netioddk.h: NPI
 * identifiers, module ids, client characteristics and the Nmr* client
 * routines, as the netioddk pages in ../shared/wsk-docs/ddi describe them.
 * DECLARATIONS ONLY: wskconf implements no NMR. A WSK client attaches through
 * WskRegister/WskCaptureProviderNPI (wsk.h); code that calls an Nmr* routine
 * compiles but does not link unless something provides it. */
#ifndef WSKCONF_NETIODDK_H_
#define WSKCONF_NETIODDK_H_

#include <ntdef.h>

/* Identifies a Network Programming Interface, e.g. NPI_WSK_INTERFACE_ID. */
typedef GUID NPIID;
typedef CONST NPIID *PNPIID;

/* How an NPI_MODULEID names its module. Only MIT_GUID appears in the docs;
 * the numbering (MIT_GUID = 1) follows the WDK and is not in VALUES.md. */
typedef enum _NPI_MODULEID_TYPE { MIT_GUID = 1, MIT_IF_LUID } NPI_MODULEID_TYPE;

/* Uniquely identifies a network module. Length is sizeof(NPI_MODULEID). The
 * interface-LUID variant (MIT_IF_LUID) is not documented in the snapshot and
 * is not modelled beyond its enumerator; the union holds the GUID. */
typedef struct _NPI_MODULEID {
  USHORT Length;
  NPI_MODULEID_TYPE Type;
  union {
    GUID Guid;
  };
} NPI_MODULEID;
typedef CONST NPI_MODULEID *PNPI_MODULEID;

/* Identity of a module registering with the NMR for one NPI. Version is 0,
 * Size sizeof(NPI_REGISTRATION_INSTANCE); the pointed-to NpiId, ModuleId and
 * characteristics must stay valid while the module is registered. */
typedef struct _NPI_REGISTRATION_INSTANCE {
  USHORT Version;
  USHORT Size;
  PNPIID NpiId;
  PNPI_MODULEID ModuleId;
  ULONG Number;
  CONST VOID *NpiSpecificCharacteristics;
} NPI_REGISTRATION_INSTANCE, *PNPI_REGISTRATION_INSTANCE;

/* Client callbacks (PASSIVE_LEVEL). ClientAttachProvider returns
 * STATUS_SUCCESS after attaching with NmrClientAttachProvider, or
 * STATUS_NOINTERFACE to decline the provider. ClientDetachProvider returns
 * STATUS_SUCCESS, or STATUS_PENDING and later calls
 * NmrClientDetachProviderComplete. ClientCleanupBindingContext frees the
 * binding context after detach (optional: NULL if nothing to free). */
typedef NTSTATUS NTAPI NPI_CLIENT_ATTACH_PROVIDER_FN(
    _In_ HANDLE NmrBindingHandle, _In_ PVOID ClientContext,
    _In_ PNPI_REGISTRATION_INSTANCE ProviderRegistrationInstance);
typedef NPI_CLIENT_ATTACH_PROVIDER_FN *PNPI_CLIENT_ATTACH_PROVIDER_FN;
typedef NTSTATUS NTAPI NPI_CLIENT_DETACH_PROVIDER_FN(
    _In_ PVOID ClientBindingContext);
typedef NPI_CLIENT_DETACH_PROVIDER_FN *PNPI_CLIENT_DETACH_PROVIDER_FN;
typedef VOID NTAPI NPI_CLIENT_CLEANUP_BINDING_CONTEXT_FN(
    _In_ PVOID ClientBindingContext);
typedef NPI_CLIENT_CLEANUP_BINDING_CONTEXT_FN
    *PNPI_CLIENT_CLEANUP_BINDING_CONTEXT_FN;

/* What a client passes to NmrRegisterClient. Version is 0, Length
 * sizeof(NPI_CLIENT_CHARACTERISTICS); must stay valid while registered. */
typedef struct _NPI_CLIENT_CHARACTERISTICS {
  USHORT Version;
  USHORT Length;
  PNPI_CLIENT_ATTACH_PROVIDER_FN ClientAttachProvider;
  PNPI_CLIENT_DETACH_PROVIDER_FN ClientDetachProvider;
  PNPI_CLIENT_CLEANUP_BINDING_CONTEXT_FN ClientCleanupBindingContext;
  NPI_REGISTRATION_INSTANCE ClientRegistrationInstance;
} NPI_CLIENT_CHARACTERISTICS, *PNPI_CLIENT_CHARACTERISTICS;

EXTERN_C_START

/* PASSIVE_LEVEL. Registers a client module. STATUS_SUCCESS (handle in
 * *NmrClientHandle) or STATUS_INSUFFICIENT_RESOURCES. Declaration only. */
NTSTATUS NTAPI NmrRegisterClient(
    _In_ CONST NPI_CLIENT_CHARACTERISTICS *ClientCharacteristics,
    _In_opt_ PVOID ClientContext, _Out_ PHANDLE NmrClientHandle);

/* PASSIVE_LEVEL. Starts deregistration; returns STATUS_PENDING (wait with
 * NmrWaitForClientDeregisterComplete). Declaration only. */
NTSTATUS NTAPI NmrDeregisterClient(_In_ HANDLE NmrClientHandle);

/* PASSIVE_LEVEL. Waits until every binding is detached. STATUS_SUCCESS, or
 * STATUS_INVALID_PARAMETER for a handle that is not a client handle.
 * Declaration only. */
NTSTATUS NTAPI NmrWaitForClientDeregisterComplete(_In_ HANDLE NmrClientHandle);

/* PASSIVE_LEVEL, from ClientAttachProvider. Attaches to the provider and
 * returns its binding context and dispatch table. STATUS_SUCCESS or
 * STATUS_NOINTERFACE. Declaration only. */
NTSTATUS NTAPI NmrClientAttachProvider(
    _In_ HANDLE NmrBindingHandle, _In_ PVOID ClientBindingContext,
    _In_ CONST VOID *ClientDispatch, _Out_ PVOID *ProviderBindingContext,
    _Out_ CONST VOID **ProviderDispatch);

/* Completes a detach for which ClientDetachProvider returned STATUS_PENDING.
 * Declaration only. */
VOID NTAPI NmrClientDetachProviderComplete(_In_ HANDLE NmrBindingHandle);

EXTERN_C_END

#endif /* WSKCONF_NETIODDK_H_ */
