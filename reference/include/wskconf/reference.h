/* What reference/ offers: a WSK provider over the host's sockets (libraries
 * wskconf_reference, static, and wskconf_reference_shared, the loadable
 * libwskconf_reference.so). A client uses it through <wsk.h> exactly as on
 * Windows: WskRegister, WskCaptureProviderNPI, the dispatch tables. This
 * header holds the few knobs a host (test harness, benchmark, runner) needs
 * beyond that; it is C, and every function is exported by the .so.
 *
 * Supported today: socket categories basic, listen, connection and stream
 * with SOCK_STREAM/IPPROTO_TCP, and datagram with SOCK_DGRAM/IPPROTO_UDP or
 * SOCK_RAW, over AF_INET and AF_INET6. */
#ifndef WSKCONF_REFERENCE_H_
#define WSKCONF_REFERENCE_H_

#include <wsk.h>

EXTERN_C_START

/* How the provider completes an IRP whose operation could finish at once. */
typedef enum _WSKCONF_COMPLETION_POLICY {
  /* Complete within the call and return the final status. */
  WskconfPolicyInline = 0,
  /* Always return STATUS_PENDING and complete from the provider's thread. */
  WskconfPolicyPend = 1,
  /* Choose inline or pend per call from a seeded pseudo-random sequence. */
  WskconfPolicyRandom = 2
} WSKCONF_COMPLETION_POLICY;

/* Sets the completion policy for every later call (calls already in flight
 * keep theirs). Seed matters only for WskconfPolicyRandom. Any IRQL, any
 * thread. STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for an unknown
 * Policy (the policy is then unchanged). */
WSKCONF_PROVIDER_API NTSTATUS
WskconfReferenceSetPolicy(WSKCONF_COMPLETION_POLICY Policy, ULONG Seed);

/* Parses Text as the environment variable WSKCONF_POLICY is parsed:
 * "inline", "pend" or "random:SEED" (SEED a decimal ULONG). On success sets
 * the policy and returns STATUS_SUCCESS; otherwise returns
 * STATUS_INVALID_PARAMETER and leaves the policy alone. NULL or "" mean
 * inline. At load the provider applies WSKCONF_POLICY the same way; a bad
 * value is named on stderr and the process exits with status 2. */
WSKCONF_PROVIDER_API NTSTATUS WskconfReferenceSetPolicyFromString(const char *Text);

/* The current policy and its seed (Seed may be NULL). Any IRQL. */
WSKCONF_PROVIDER_API WSKCONF_COMPLETION_POLICY
WskconfReferenceGetPolicy(PULONG Seed);

/* Holds the provider NPI unavailable (Available FALSE) or makes it available
 * again (TRUE; the default). While unavailable, WskCaptureProviderNPI waits
 * for up to its WaitTimeout and then returns STATUS_DEVICE_NOT_READY, and
 * WskQueryProviderCharacteristics returns STATUS_DEVICE_NOT_READY: this
 * models the provider not having attached yet, which the spec's timeout
 * clauses need. Making it available wakes every waiting capture. Any
 * IRQL. */
WSKCONF_PROVIDER_API VOID WskconfReferenceSetAvailable(BOOLEAN Available);

/* Tells the provider that the host's transports changed: every IRP waiting
 * in WskControlClient(WSK_TRANSPORT_LIST_CHANGE), of every client,
 * completes with STATUS_SUCCESS. The reference watches the host itself
 * while such an IRP waits (its list, TCP and UDP over IPv4 and over IPv6,
 * changes when IPv6 is disabled or enabled for its network namespace,
 * which rtnetlink reports); this is for tests that need a change on
 * demand, without root. Any IRQL. */
WSKCONF_PROVIDER_API VOID WskconfReferenceTransportListChanged(VOID);

/* Number of socket objects the provider holds (created and not yet fully
 * closed), over every registration. Any IRQL. */
WSKCONF_PROVIDER_API ULONG WskconfReferenceLiveSocketCount(VOID);

/* The version range the provider reports through
 * WskQueryProviderCharacteristics and accepts in WskCaptureProviderNPI. */
#define WSKCONF_REFERENCE_LOWEST_VERSION MAKE_WSK_VERSION(1, 0)
#define WSKCONF_REFERENCE_HIGHEST_VERSION MAKE_WSK_VERSION(1, 0)

EXTERN_C_END

#endif /* WSKCONF_REFERENCE_H_ */
