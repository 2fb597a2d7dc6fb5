/* Winsock Kernel (WSK) interface of wsk.h: constants, data structures,
 * client and provider dispatch tables with every PFN_WSK_* type, and the
 * registration routines a WSK client links against. Names, parameters and
 * values follow ../shared/wsk-docs (ddi/, guide/, VALUES.md §2e, §3, §5b-c).
 *
 * Every socket function takes a caller-owned IRP, returns STATUS_PENDING or
 * its final status, and always completes that IRP (Irp->IoStatus carries the
 * result); the completion routine runs at IRQL <= DISPATCH_LEVEL. Event
 * callbacks (PFN_WSK_*_EVENT) are called by the provider at IRQL <=
 * DISPATCH_LEVEL and must not block.
 *
 * A translation unit that also includes the host's socket headers defines
 * WSKCONF_WS_PREFIX first (see ws2def.h): the Winsock constants are then
 * spelled WS_AF_INET6, WS_SOL_SOCKET ...; the WSK names here do not change. */
#ifndef WSKCONF_WSK_H_
#define WSKCONF_WSK_H_

#if defined(__MINGW32__)
/* Cross-compiled with mingw-w64 for a real (or Wine's) Windows kernel, as
 * the in-kernel agent is (agent/driver): base types, IRPs, MDLs and the rest
 * of the I/O manager come from mingw-w64's ddk headers, and only the WSK
 * part and the Winsock types it uses come from this folder. Those are
 * included by quoted name, because mingw-w64's user-mode headers of the same
 * names (ws2def.h, mstcpip.h ...) do not work in a driver; put this folder
 * after the system ones (-idirafter) so <ntdef.h> stays mingw-w64's. */
#include <ddk/wdm.h>
#ifndef EXTERN_C_START /* the WDK's, which mingw-w64 lacks */
#ifdef __cplusplus
#define EXTERN_C_START extern "C" {
#define EXTERN_C_END }
#else
#define EXTERN_C_START
#define EXTERN_C_END
#endif
#endif
#include "netioddk.h"
#include "mstcpip.h"
#else
#include <wdm.h>
#include <netioddk.h>
#include <mstcpip.h>
#endif

#define WSKAPI NTAPI
#ifndef APIENTRY
#define APIENTRY
#endif

EXTERN_C_START

/* The WSK NPI identifier {2227E803-8D8B-11D4-ABAD-009027719E09}; defined
 * once in the kernel runtime (kernel/src/wsk_npi.cc). */
extern NTKERNELAPI const NPIID NPI_WSK_INTERFACE_ID;

EXTERN_C_END

/* Versions: high byte major, low byte minor; MAKE_WSK_VERSION(1, 0) is
 * 0x0100. */
#define MAKE_WSK_VERSION(Mj, Mn) ((USHORT)(((Mj) << 8) | ((Mn) & 0xff)))
#define WSK_MAJOR_VERSION(V) ((UCHAR)((V) >> 8))
#define WSK_MINOR_VERSION(V) ((UCHAR)(V))

/* WaitTimeout of WskCaptureProviderNPI, in milliseconds. */
#define WSK_NO_WAIT 0
#define WSK_INFINITE_WAIT 0xffffffff

/* WskSocket Flags: the socket category. */
#define WSK_FLAG_BASIC_SOCKET 0x00000000
#define WSK_FLAG_LISTEN_SOCKET 0x00000001
#define WSK_FLAG_CONNECTION_SOCKET 0x00000002
#define WSK_FLAG_DATAGRAM_SOCKET 0x00000004
#define WSK_FLAG_STREAM_SOCKET 0x00000008

/* Per-call flags; equal values mean different things in different calls. */
#define WSK_FLAG_ABORTIVE 0x00000001 /* WskDisconnect, WskDisconnectEvent */
#define WSK_FLAG_OOB 0x00000001 /* WskSend (undocumented, 1 source) */
#define WSK_FLAG_NODELAY 0x00000002 /* WskSend */
#define WSK_FLAG_WAITALL 0x00000002 /* WskReceive */
#define WSK_FLAG_RELEASE_ASAP 0x00000002 /* WskReceiveEvent */
#define WSK_FLAG_DRAIN 0x00000004 /* WskReceive */
#define WSK_FLAG_ENTIRE_MESSAGE 0x00000004 /* WskReceiveEvent */
#define WSK_FLAG_AT_DISPATCH_LEVEL 0x00000008 /* event callbacks */

/* EventMask of WSK_EVENT_CALLBACK_CONTROL (SO_WSK_EVENT_CALLBACK). */
#define WSK_EVENT_SEND_BACKLOG 0x00000010
#define WSK_EVENT_RECEIVE 0x00000040
#define WSK_EVENT_DISCONNECT 0x00000080
#define WSK_EVENT_RECEIVE_FROM 0x00000100
#define WSK_EVENT_ACCEPT 0x00000200
#define WSK_EVENT_DISABLE 0x80000000

/* WskControlClient control codes (0 and 1 are not defined). */
#define WSK_TRANSPORT_LIST_QUERY 2
#define WSK_TRANSPORT_LIST_CHANGE 3
#define WSK_CACHE_SD 4
#define WSK_RELEASE_SD 5
#define WSK_TDI_DEVICENAME_MAPPING 6
#define WSK_SET_STATIC_EVENT_CALLBACKS 7
#define WSK_TDI_BEHAVIOR 8
#define WSK_TDI_BEHAVIOR_BYPASS_TDI 0x00000001 /* input flag of 8 */

/* SOL_SOCKET options specific to WSK. */
#define SO_WSK_SECURITY (WSK_SO_BASE + 1)
#define SO_WSK_EVENT_CALLBACK (WSK_SO_BASE + 2)

/* WskControlSocket IOCTLs (RequestType WskIoctl, Level 0). */
#define SIO_WSK_SET_REMOTE_ADDRESS _WSAIOW(WS_IOC_WSK, 1)
#define SIO_WSK_REGISTER_EXTENSION _WSAIORW(WS_IOC_WSK, 2)
#define SIO_WSK_QUERY_IDEAL_SEND_BACKLOG _WSAIOR(WS_IOC_WSK, 3)
#define SIO_WSK_QUERY_RECEIVE_BACKLOG _WSAIOR(WS_IOC_WSK, 4)
#define SIO_WSK_QUERY_INSPECT_ID _WSAIOR(WS_IOC_WSK, 5)
#define SIO_WSK_SET_SENDTO_ADDRESS _WSAIOW(WS_IOC_WSK, 6)
#define SIO_WSK_SET_TCP_SILENT_MODE _WSAIO(WS_IOC_WSK, 7)
/* Reserved: enables WskReceiveExEvent (unpublished; 1 source). */
#define SIO_WSK_SET_RECEIVE_EX_CALLBACK _WSAIOW(WS_IOC_WSK, 8)

/* The provider's binding to one client: opaque, from WskCaptureProviderNPI. */
typedef VOID WSK_CLIENT, *PWSK_CLIENT;

/* A socket object. Dispatch points at the provider dispatch table of the
 * socket's category (listen, datagram, connection, stream or basic); cast
 * it to that table. Owned by the provider until WskCloseSocket completes. */
typedef struct _WSK_SOCKET {
  const VOID *Dispatch;
} WSK_SOCKET, *PWSK_SOCKET;

/* A data buffer: Length bytes starting Offset bytes into the MDL chain. */
typedef struct _WSK_BUF {
  PMDL Mdl;
  ULONG Offset;
  SIZE_T Length;
} WSK_BUF, *PWSK_BUF;

/* One datagram of a WskSendMessages list (Windows 8 and later). */
typedef struct _WSK_BUF_LIST {
  struct _WSK_BUF_LIST *Next;
  WSK_BUF Buffer;
} WSK_BUF_LIST, *PWSK_BUF_LIST;

/* Received stream data handed to WskReceiveEvent; owned by the provider and,
 * if retained (STATUS_PENDING), returned with WskRelease. */
typedef struct _WSK_DATA_INDICATION {
  struct _WSK_DATA_INDICATION *Next;
  WSK_BUF Buffer;
} WSK_DATA_INDICATION, *PWSK_DATA_INDICATION;

/* Received datagrams handed to WskReceiveFromEvent (same ownership). */
typedef struct _WSK_DATAGRAM_INDICATION {
  struct _WSK_DATAGRAM_INDICATION *Next;
  WSK_BUF Buffer;
  PCMSGHDR ControlInfo;
  ULONG ControlInfoLength;
  PSOCKADDR RemoteAddress;
} WSK_DATAGRAM_INDICATION, *PWSK_DATAGRAM_INDICATION;

/* Identifies a connection request under conditional accept; compare the
 * contents, not the pointers. */
typedef struct _WSK_INSPECT_ID {
  ULONG_PTR Key;
  ULONG SerialNumber;
} WSK_INSPECT_ID, *PWSK_INSPECT_ID;

/* Verdict of WskInspectEvent and the Action of WskInspectComplete. */
typedef enum {
  WskInspectReject,
  WskInspectAccept,
  WskInspectPend,
  WskInspectMax
} WSK_INSPECT_ACTION, *PWSK_INSPECT_ACTION;

/* Input of SO_WSK_EVENT_CALLBACK and WSK_SET_STATIC_EVENT_CALLBACKS. */
typedef struct _WSK_EVENT_CALLBACK_CONTROL {
  PNPIID NpiId;
  ULONG EventMask;
} WSK_EVENT_CALLBACK_CONTROL, *PWSK_EVENT_CALLBACK_CONTROL;

/* Input and output of SIO_WSK_REGISTER_EXTENSION. */
typedef struct _WSK_EXTENSION_CONTROL_IN {
  PNPIID NpiId;
  PVOID ClientContext;
  const VOID *ClientDispatch;
} WSK_EXTENSION_CONTROL_IN, *PWSK_EXTENSION_CONTROL_IN;

typedef struct _WSK_EXTENSION_CONTROL_OUT {
  PVOID ProviderContext;
  const VOID *ProviderDispatch;
} WSK_EXTENSION_CONTROL_OUT, *PWSK_EXTENSION_CONTROL_OUT;

/* RequestType of WskControlSocket. */
typedef enum {
  WskSetOption,
  WskGetOption,
  WskIoctl,
  WskControlMax
} WSK_CONTROL_SOCKET_TYPE, *PWSK_CONTROL_SOCKET_TYPE;

/* One entry of WSK_TRANSPORT_LIST_QUERY's output (28 bytes, 4-aligned). */
typedef struct _WSK_TRANSPORT {
  USHORT Version;
  USHORT SocketType;
  ULONG Protocol;
  ADDRESS_FAMILY AddressFamily;
  GUID ProviderId;
} WSK_TRANSPORT, *PWSK_TRANSPORT;

/* Versions the provider supports (WskQueryProviderCharacteristics). */
typedef struct _WSK_PROVIDER_CHARACTERISTICS {
  USHORT HighestVersion;
  USHORT LowestVersion;
} WSK_PROVIDER_CHARACTERISTICS, *PWSK_PROVIDER_CHARACTERISTICS;

/* Input of WSK_TDI_DEVICENAME_MAPPING: which TDI device serves a triple. */
typedef struct _WSK_TDI_MAP {
  USHORT SocketType;
  ADDRESS_FAMILY AddressFamily;
  ULONG Protocol;
  PCWSTR TdiDeviceName;
} WSK_TDI_MAP, *PWSK_TDI_MAP;

typedef struct _WSK_TDI_MAP_INFO {
  const ULONG ElementCount;
  const WSK_TDI_MAP *Map;
} WSK_TDI_MAP_INFO, *PWSK_TDI_MAP_INFO;

/* Client registration state: caller-allocated, opaque, must stay valid from
 * WskRegister until WskDeregister returns. */
typedef struct _WSK_REGISTRATION {
  ULONGLONG ReservedRegistrationState;
  PVOID ReservedRegistrationContext;
  KSPIN_LOCK ReservedRegistrationLock;
} WSK_REGISTRATION, *PWSK_REGISTRATION;

/* The PFN_WSK_* types, the dispatch tables and the registration routines. */
#include <wskconf/wsk_dispatch.h>

#endif /* WSKCONF_WSK_H_ */
