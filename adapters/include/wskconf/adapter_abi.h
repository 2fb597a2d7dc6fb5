/* The wskconf adapter ABI: what a WSK implementation packaged as a Linux
 * shared object (.so) must export so that wskconf can test it, and what it
 * may import from the process that loads it. C, so an implementation can be
 * written in any language that produces an ELF shared object.
 *
 * Version WSKCONF_ADAPTER_ABI_VERSION (1). adapters/README.md explains it
 * with an example (adapters/examples/minimal_provider.c).
 *
 * EXPORTS (required). The client-side registration routines of <wsk.h>,
 * with the signatures and behaviour the WSK documentation gives them:
 *
 *   WskRegister, WskDeregister, WskCaptureProviderNPI,
 *   WskReleaseProviderNPI, WskQueryProviderCharacteristics
 *
 * Everything else a client reaches goes through the WSK_PROVIDER_NPI that
 * WskCaptureProviderNPI returns: the provider dispatch table, the socket
 * objects and their dispatch tables, the IRPs it completes. wskconf's cases
 * use nothing else, so an implementation never exposes its internals.
 *
 * EXPORT (optional). WskconfAdapterInfo, a function with no arguments that
 * returns a pointer to a WSKCONF_ADAPTER_INFO that stays valid while the
 * library is loaded. Without it the loader assumes ABI version 1 and the
 * runner uses no conformance statement unless given one (--statement).
 *
 * IMPORTS. The kernel runtime of the host process (libwskconf_kernel.so):
 * IRPs, MDLs, events, pool, IRQL, spin locks, work items and the rest of
 * <wdm.h>/<ntddk.h>. The functions a host exports to an adapter are listed,
 * by name, in <wskconf/adapter_kernel_imports.h>; a test checks the list
 * against the runtime's dynamic symbol table. An adapter either links
 * libwskconf_kernel.so (DT_NEEDED, as the reference and the mutants do) or
 * leaves those symbols undefined for the host to provide: wskconf's test
 * binaries and runner load the runtime before any adapter. An adapter must
 * not bring its own copy of these functions: IRPs and MDLs are shared with
 * the client, so both sides must use one runtime.
 *
 * ADDRESS SPACE. The ABI does not assume that the provider lives in the
 * loading process. A forwarding adapter (Wine's netio.sys through an agent,
 * a provider on another machine) presents local objects: it allocates the
 * WSK_SOCKET structures and dispatch tables it hands out, completes the
 * client's IRPs with IoCompleteRequest when the remote side reports a
 * completion, copies buffer contents between the client's MDLs and its
 * transport, and calls the client's event callbacks at DISPATCH_LEVEL from a
 * thread of its own. Pointers never cross the process boundary.
 *
 * THREADS AND SIGNALS. The adapter may start threads. It must not install
 * signal handlers for SIGSEGV, SIGABRT or SIGALRM (the runner turns those
 * into verdicts) and must not call exit(). */
#ifndef WSKCONF_ADAPTER_ABI_H_
#define WSKCONF_ADAPTER_ABI_H_

#include <wsk.h>

EXTERN_C_START

/* The ABI version this header describes. A loader accepts the versions it
 * knows (today only 1) and refuses others with a message naming both. */
#define WSKCONF_ADAPTER_ABI_VERSION 1

/* The name of the optional description function. */
#define WSKCONF_ADAPTER_INFO_SYMBOL "WskconfAdapterInfo"

/* What an adapter says about itself. Strings are UTF-8, NUL-terminated and
 * owned by the adapter; NULL means "not given". */
typedef struct _WSKCONF_ADAPTER_INFO {
  /* WSKCONF_ADAPTER_ABI_VERSION as the adapter was built. */
  ULONG AbiVersion;
  /* A short name shown in reports, e.g. "reference" or "wine-netio". */
  const char *Name;
  /* The implementation's own version text, e.g. "8.0" or a git hash. */
  const char *Version;
  /* A conformance statement in the runner's format (README.md, "Conformance
   * statement"): one "Feature = supported" or "Feature = unsupported:
   * reason" per line, '#' comments. The runner uses it when no --statement
   * file is given. */
  const char *Statement;
} WSKCONF_ADAPTER_INFO, *PWSKCONF_ADAPTER_INFO;

typedef const WSKCONF_ADAPTER_INFO *(*PFN_WSKCONF_ADAPTER_INFO)(void);

/* Declared for adapters written in C or C++: define it with default
 * visibility (WSKCONF_PROVIDER_API). */
WSKCONF_PROVIDER_API const WSKCONF_ADAPTER_INFO *WskconfAdapterInfo(void);

/* The required entry points, as function pointer types (the loader's
 * view). */
typedef NTSTATUS (NTAPI *PFN_WSKCONF_WSK_REGISTER)(PWSK_CLIENT_NPI,
                                                  PWSK_REGISTRATION);
typedef VOID (NTAPI *PFN_WSKCONF_WSK_DEREGISTER)(PWSK_REGISTRATION);
typedef NTSTATUS (NTAPI *PFN_WSKCONF_WSK_CAPTURE_PROVIDER_NPI)(
    PWSK_REGISTRATION, ULONG, PWSK_PROVIDER_NPI);
typedef VOID (NTAPI *PFN_WSKCONF_WSK_RELEASE_PROVIDER_NPI)(PWSK_REGISTRATION);
typedef NTSTATUS (NTAPI *PFN_WSKCONF_WSK_QUERY_PROVIDER_CHARACTERISTICS)(
    PWSK_REGISTRATION, PWSK_PROVIDER_CHARACTERISTICS);

EXTERN_C_END

#endif /* WSKCONF_ADAPTER_ABI_H_ */
