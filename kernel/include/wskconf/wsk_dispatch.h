/* Part of <wsk.h> (include that instead): the PFN_WSK_* function types, the
 * client and provider dispatch tables (member order and x64 sizes of
 * VALUES.md §5c, newest member lists) and the client registration routines.
 * IRQL and statuses are from the ddi pages of ../shared/wsk-docs. */
#ifndef WSKCONF_WSKCONF_WSK_DISPATCH_H_
#define WSKCONF_WSKCONF_WSK_DISPATCH_H_

#include <wsk.h>

/* Windows spells this as a PVOID; an identical typedef may repeat. */
typedef PVOID PSECURITY_DESCRIPTOR;

struct _WSK_CLIENT_CONNECTION_DISPATCH;

/* ---- Client-side event callbacks (called by the provider). ---- */

/* Client-level event (e.g. WSK_TRANSPORT_LIST_CHANGE). STATUS_SUCCESS or
 * STATUS_NOT_IMPLEMENTED for events the client does not handle. */
typedef NTSTATUS(WSKAPI *PFN_WSK_CLIENT_EVENT)(
    _In_opt_ PVOID ClientContext, _In_ ULONG Event,
    _In_reads_bytes_opt_(InformationLength) PVOID Information,
    _In_ SIZE_T InformationLength);

/* Listening socket: an incoming connection was accepted. AcceptSocket NULL
 * means the listening socket stopped working. Return STATUS_SUCCESS after
 * setting *AcceptSocketContext and *AcceptSocketDispatch (the client owns
 * AcceptSocket), or STATUS_REQUEST_NOT_ACCEPTED. */
typedef NTSTATUS(WSKAPI *PFN_WSK_ACCEPT_EVENT)(
    _In_opt_ PVOID SocketContext, _In_ ULONG Flags, _In_ PSOCKADDR LocalAddress,
    _In_ PSOCKADDR RemoteAddress, _In_opt_ PWSK_SOCKET AcceptSocket,
    _Outptr_result_maybenull_ PVOID *AcceptSocketContext,
    _Outptr_result_maybenull_ const struct _WSK_CLIENT_CONNECTION_DISPATCH *
        *AcceptSocketDispatch);

/* Conditional accept: inspect a connection request. WskInspectPend defers
 * the verdict to WskInspectComplete. */
typedef WSK_INSPECT_ACTION(WSKAPI *PFN_WSK_INSPECT_EVENT)(
    _In_opt_ PVOID SocketContext, _In_ PSOCKADDR LocalAddress,
    _In_ PSOCKADDR RemoteAddress, _In_opt_ PWSK_INSPECT_ID InspectID);

/* Conditional accept: a pending request was dropped. Returns STATUS_SUCCESS. */
typedef NTSTATUS(WSKAPI *PFN_WSK_ABORT_EVENT)(_In_opt_ PVOID SocketContext,
                                              _In_ PWSK_INSPECT_ID InspectID);

/* Datagrams arrived (NULL DataIndication: socket no longer works). Returns
 * STATUS_SUCCESS (done with the list), STATUS_PENDING (retained; give it back
 * with WskRelease) or STATUS_DATA_NOT_ACCEPTED. */
typedef NTSTATUS(WSKAPI *PFN_WSK_RECEIVE_FROM_EVENT)(
    _In_opt_ PVOID SocketContext, _In_ ULONG Flags,
    _In_opt_ PWSK_DATAGRAM_INDICATION DataIndication);

/* Stream data arrived; set *BytesAccepted when accepting only part of it.
 * Same return codes as PFN_WSK_RECEIVE_FROM_EVENT. */
typedef NTSTATUS(WSKAPI *PFN_WSK_RECEIVE_EVENT)(
    _In_opt_ PVOID SocketContext, _In_ ULONG Flags,
    _In_opt_ PWSK_DATA_INDICATION DataIndication, _In_ SIZE_T BytesIndicated,
    _Inout_ SIZE_T *BytesAccepted);

/* Reserved (unpublished): WskReceiveEvent with control information, enabled
 * with SIO_WSK_SET_RECEIVE_EX_CALLBACK. Same return codes. */
typedef NTSTATUS(WSKAPI *PFN_WSK_RECEIVE_EX_EVENT)(
    _In_opt_ PVOID SocketContext, _In_ ULONG Flags,
    _In_opt_ PWSK_DATA_INDICATION DataIndication,
    _In_reads_bytes_opt_(ControlInfoLength) PCMSGHDR ControlInfo,
    _In_ ULONG ControlInfoLength, _In_ SIZE_T BytesIndicated,
    _Inout_ SIZE_T *BytesAccepted);

/* The peer disconnected (WSK_FLAG_ABORTIVE: reset). Returns STATUS_SUCCESS. */
typedef NTSTATUS(WSKAPI *PFN_WSK_DISCONNECT_EVENT)(_In_opt_ PVOID SocketContext,
                                                   _In_ ULONG Flags);

/* The ideal send backlog changed. Returns STATUS_SUCCESS. */
typedef NTSTATUS(WSKAPI *PFN_WSK_SEND_BACKLOG_EVENT)(
    _In_opt_ PVOID SocketContext, _In_ SIZE_T IdealBacklogSize);

/* ---- Provider functions. Each completes Irp exactly once; the return is
 * STATUS_PENDING or the final status (also in Irp->IoStatus.Status). ---- */

/* Client level. WskSocket/WskSocketConnect put the new PWSK_SOCKET in
 * Irp->IoStatus.Information; Dispatch is the client table of the category. */
typedef NTSTATUS(WSKAPI *PFN_WSK_SOCKET)(
    _In_ PWSK_CLIENT Client, _In_ ADDRESS_FAMILY AddressFamily,
    _In_ USHORT SocketType, _In_ ULONG Protocol, _In_ ULONG Flags,
    _In_opt_ PVOID SocketContext, _In_opt_ const VOID *Dispatch,
    _In_opt_ PEPROCESS OwningProcess, _In_opt_ PETHREAD OwningThread,
    _In_opt_ PSECURITY_DESCRIPTOR SecurityDescriptor, _Inout_ PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_SOCKET_CONNECT)(
    _In_ PWSK_CLIENT Client, _In_ USHORT SocketType, _In_ ULONG Protocol,
    _In_ PSOCKADDR LocalAddress, _In_ PSOCKADDR RemoteAddress,
    _Reserved_ ULONG Flags, _In_opt_ PVOID SocketContext,
    _In_opt_ const struct _WSK_CLIENT_CONNECTION_DISPATCH *Dispatch,
    _In_opt_ PEPROCESS OwningProcess, _In_opt_ PETHREAD OwningThread,
    _In_opt_ PSECURITY_DESCRIPTOR SecurityDescriptor, _Inout_ PIRP Irp);
/* WSK_* client control codes; STATUS_BUFFER_OVERFLOW when OutputSize is too
 * small. */
typedef NTSTATUS(WSKAPI *PFN_WSK_CONTROL_CLIENT)(
    _In_ PWSK_CLIENT Client, _In_ ULONG ControlCode, _In_ SIZE_T InputSize,
    _In_reads_bytes_opt_(InputSize) PVOID InputBuffer, _In_ SIZE_T OutputSize,
    _Out_writes_bytes_opt_(OutputSize) PVOID OutputBuffer,
    _Out_opt_ SIZE_T *OutputSizeReturned, _Inout_opt_ PIRP Irp);
/* PASSIVE_LEVEL. Name resolution: STATUS_SUCCESS, STATUS_NO_MATCH,
 * STATUS_INVALID_PARAMETER; *Result is freed with WskFreeAddressInfo. */
typedef NTSTATUS(WSKAPI *PFN_WSK_GET_ADDRESS_INFO)(
    _In_ PWSK_CLIENT Client, _In_opt_ PUNICODE_STRING NodeName,
    _In_opt_ PUNICODE_STRING ServiceName, _In_opt_ ULONG NameSpace,
    _In_opt_ GUID *Provider, _In_opt_ PADDRINFOEXW Hints,
    _Outptr_ PADDRINFOEXW *Result, _In_opt_ PEPROCESS OwningProcess,
    _In_opt_ PETHREAD OwningThread, _Inout_ PIRP Irp);
typedef VOID(WSKAPI *PFN_WSK_FREE_ADDRESS_INFO)(_In_ PWSK_CLIENT Client,
                                                _In_ PADDRINFOEXW AddrInfo);
typedef NTSTATUS(WSKAPI *PFN_WSK_GET_NAME_INFO)(
    _In_ PWSK_CLIENT Client, _In_ PSOCKADDR SockAddr, _In_ ULONG SockAddrLength,
    _Out_opt_ PUNICODE_STRING NodeName, _Out_opt_ PUNICODE_STRING ServiceName,
    _In_ ULONG Flags, _In_opt_ PEPROCESS OwningProcess,
    _In_opt_ PETHREAD OwningThread, _Inout_ PIRP Irp);

/* Every socket category. WskControlSocket: options (SOL_SOCKET/SO_*) and
 * IOCTLs (SIO_*); STATUS_FILE_FORCED_CLOSED after the socket was closed. */
typedef NTSTATUS(WSKAPI *PFN_WSK_CONTROL_SOCKET)(
    _In_ PWSK_SOCKET Socket, _In_ WSK_CONTROL_SOCKET_TYPE RequestType,
    _In_ ULONG ControlCode, _In_ ULONG Level, _In_ SIZE_T InputSize,
    _In_reads_bytes_opt_(InputSize) PVOID InputBuffer, _In_ SIZE_T OutputSize,
    _Out_writes_bytes_opt_(OutputSize) PVOID OutputBuffer,
    _Out_opt_ SIZE_T *OutputSizeReturned, _Inout_opt_ PIRP Irp);
/* Cancels outstanding IRPs and frees the socket; it must not be used after. */
typedef NTSTATUS(WSKAPI *PFN_WSK_CLOSE_SOCKET)(_In_ PWSK_SOCKET Socket,
                                               _Inout_ PIRP Irp);

/* Addressing. Invalid on a socket in the wrong state:
 * STATUS_INVALID_DEVICE_STATE (local/remote address). */
typedef NTSTATUS(WSKAPI *PFN_WSK_BIND)(_In_ PWSK_SOCKET Socket,
                                       _In_ PSOCKADDR LocalAddress,
                                       _Reserved_ ULONG Flags,
                                       _Inout_ PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_GET_LOCAL_ADDRESS)(
    _In_ PWSK_SOCKET Socket, _Out_ PSOCKADDR LocalAddress, _Inout_ PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_GET_REMOTE_ADDRESS)(
    _In_ PWSK_SOCKET Socket, _Out_ PSOCKADDR RemoteAddress, _Inout_ PIRP Irp);

/* Listening. WskAccept puts the accepted PWSK_SOCKET in
 * Irp->IoStatus.Information. */
typedef NTSTATUS(WSKAPI *PFN_WSK_ACCEPT)(
    _In_ PWSK_SOCKET ListenSocket, _Reserved_ ULONG Flags,
    _In_opt_ PVOID AcceptSocketContext,
    _In_opt_ const struct _WSK_CLIENT_CONNECTION_DISPATCH *AcceptSocketDispatch,
    _Out_opt_ PSOCKADDR LocalAddress, _Out_opt_ PSOCKADDR RemoteAddress,
    _Inout_ PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_INSPECT_COMPLETE)(
    _In_ PWSK_SOCKET ListenSocket, _In_ PWSK_INSPECT_ID InspectID,
    _In_ WSK_INSPECT_ACTION Action, _Inout_ PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_LISTEN)(_In_ PWSK_SOCKET Socket,
                                         _Inout_ PIRP Irp);

/* Datagrams. Irp->IoStatus.Information is the byte count. */
typedef NTSTATUS(WSKAPI *PFN_WSK_SEND_TO)(
    _In_ PWSK_SOCKET Socket, _In_ PWSK_BUF Buffer, _Reserved_ ULONG Flags,
    _In_opt_ PSOCKADDR RemoteAddress, _In_ ULONG ControlInfoLength,
    _In_reads_bytes_opt_(ControlInfoLength) PCMSGHDR ControlInfo,
    _Inout_ PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_RECEIVE_FROM)(
    _In_ PWSK_SOCKET Socket, _In_ PWSK_BUF Buffer, _Reserved_ ULONG Flags,
    _Out_opt_ PSOCKADDR RemoteAddress, _Inout_ PULONG ControlInfoLength,
    _Out_opt_ PCMSGHDR ControlInfo, _Out_opt_ PULONG ControlFlags,
    _Inout_ PIRP Irp);
/* Windows 8 and later: several datagrams in one call. */
typedef NTSTATUS(WSKAPI *PFN_WSK_SEND_MESSAGES)(
    _In_ PWSK_SOCKET Socket, _In_ PWSK_BUF_LIST BufferList,
    _Reserved_ ULONG Flags, _In_opt_ PSOCKADDR RemoteAddress,
    _In_ ULONG ControlInfoLength,
    _In_reads_bytes_opt_(ControlInfoLength) PCMSGHDR ControlInfo,
    _Inout_ PIRP Irp);
/* Return retained indications: STATUS_SUCCESS or STATUS_INVALID_PARAMETER. */
typedef NTSTATUS(WSKAPI *PFN_WSK_RELEASE_DATAGRAM_INDICATION_LIST)(
    _In_ PWSK_SOCKET Socket, _In_ PWSK_DATAGRAM_INDICATION DatagramIndication);
typedef NTSTATUS(WSKAPI *PFN_WSK_RELEASE_DATA_INDICATION_LIST)(
    _In_ PWSK_SOCKET Socket, _In_ PWSK_DATA_INDICATION DataIndication);
/* The stream-dispatch page spells the type without WSK_. */
typedef PFN_WSK_RELEASE_DATA_INDICATION_LIST PFN_RELEASE_DATA_INDICATION_LIST;

/* Connections. Send/receive: Irp->IoStatus.Information is the byte count;
 * STATUS_NOT_SUPPORTED for unsupported flags. WskConnectEx may send Buffer
 * with the connect (STATUS_BUFFER_OVERFLOW, STATUS_INVALID_PARAMETER). */
typedef NTSTATUS(WSKAPI *PFN_WSK_CONNECT)(_In_ PWSK_SOCKET Socket,
                                          _In_ PSOCKADDR RemoteAddress,
                                          _Reserved_ ULONG Flags,
                                          _Inout_ PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_CONNECT_EX)(_In_ PWSK_SOCKET Socket,
                                             _In_ PSOCKADDR RemoteAddress,
                                             _In_opt_ PWSK_BUF Buffer,
                                             _Reserved_ ULONG Flags,
                                             _Inout_ PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_SEND)(_In_ PWSK_SOCKET Socket,
                                       _In_ PWSK_BUF Buffer, _In_ ULONG Flags,
                                       _Inout_ PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_RECEIVE)(_In_ PWSK_SOCKET Socket,
                                          _In_ PWSK_BUF Buffer,
                                          _In_ ULONG Flags, _Inout_ PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_DISCONNECT)(_In_ PWSK_SOCKET Socket,
                                             _In_opt_ PWSK_BUF Buffer,
                                             _In_ ULONG Flags,
                                             _Inout_ PIRP Irp);
/* Reserved (unpublished): send and receive with control information. */
typedef NTSTATUS(WSKAPI *PFN_WSK_SEND_EX)(
    _In_ PWSK_SOCKET Socket, _In_ PWSK_BUF Buffer, _In_ ULONG Flags,
    _In_ ULONG ControlInfoLength,
    _In_reads_bytes_opt_(ControlInfoLength) PCMSGHDR ControlInfo,
    _Inout_ PIRP Irp);
typedef NTSTATUS(WSKAPI *PFN_WSK_RECEIVE_EX)(
    _In_ PWSK_SOCKET Socket, _In_ PWSK_BUF Buffer, _In_ ULONG Flags,
    _Inout_opt_ PULONG ControlInfoLength, _Out_opt_ PCMSGHDR ControlInfo,
    _Reserved_ PULONG ControlFlags, _Inout_ PIRP Irp);

/* ---- Dispatch tables. ---- */

typedef struct _WSK_CLIENT_DISPATCH {
  USHORT Version;
  USHORT Reserved;
  PFN_WSK_CLIENT_EVENT WskClientEvent;
} WSK_CLIENT_DISPATCH, *PWSK_CLIENT_DISPATCH;

typedef struct _WSK_CLIENT_LISTEN_DISPATCH {
  PFN_WSK_ACCEPT_EVENT WskAcceptEvent;
  PFN_WSK_INSPECT_EVENT WskInspectEvent;
  PFN_WSK_ABORT_EVENT WskAbortEvent;
} WSK_CLIENT_LISTEN_DISPATCH, *PWSK_CLIENT_LISTEN_DISPATCH;

typedef struct _WSK_CLIENT_DATAGRAM_DISPATCH {
  PFN_WSK_RECEIVE_FROM_EVENT WskReceiveFromEvent;
} WSK_CLIENT_DATAGRAM_DISPATCH, *PWSK_CLIENT_DATAGRAM_DISPATCH;

typedef struct _WSK_CLIENT_CONNECTION_DISPATCH {
  PFN_WSK_RECEIVE_EVENT WskReceiveEvent;
  PFN_WSK_DISCONNECT_EVENT WskDisconnectEvent;
  PFN_WSK_SEND_BACKLOG_EVENT WskSendBacklogEvent;
} WSK_CLIENT_CONNECTION_DISPATCH, *PWSK_CLIENT_CONNECTION_DISPATCH;

/* Stream sockets (WSK_FLAG_STREAM_SOCKET) take both client tables. */
typedef struct _WSK_CLIENT_STREAM_DISPATCH {
  CONST WSK_CLIENT_LISTEN_DISPATCH *Listen;
  CONST WSK_CLIENT_CONNECTION_DISPATCH *Connect;
} WSK_CLIENT_STREAM_DISPATCH, *PWSK_CLIENT_STREAM_DISPATCH;

/* Client-level provider table (from WskCaptureProviderNPI). */
typedef struct _WSK_PROVIDER_DISPATCH {
  USHORT Version;
  USHORT Reserved;
  PFN_WSK_SOCKET WskSocket;
  PFN_WSK_SOCKET_CONNECT WskSocketConnect;
  PFN_WSK_CONTROL_CLIENT WskControlClient;
  PFN_WSK_GET_ADDRESS_INFO WskGetAddressInfo;
  PFN_WSK_FREE_ADDRESS_INFO WskFreeAddressInfo;
  PFN_WSK_GET_NAME_INFO WskGetNameInfo;
} WSK_PROVIDER_DISPATCH, *PWSK_PROVIDER_DISPATCH;

/* Basic sockets, and the head of every other socket table. */
typedef struct _WSK_PROVIDER_BASIC_DISPATCH {
  PFN_WSK_CONTROL_SOCKET WskControlSocket;
  PFN_WSK_CLOSE_SOCKET WskCloseSocket;
} WSK_PROVIDER_BASIC_DISPATCH, *PWSK_PROVIDER_BASIC_DISPATCH;

/* The derived tables start with Basic. WDK code reaches those two functions
 * both as Dispatch->Basic.WskCloseSocket and as Dispatch->WskCloseSocket, so
 * Basic shares its storage with an anonymous struct of the same members (a
 * common initial sequence: reading either view is defined in C and C++).
 * The layout is the WDK's. One visible difference: a positional initializer
 * written { {Control, Close}, Bind, ... } is correct, but C's -Wmissing-braces
 * (part of -Wall for C, not for C++) asks for { {{Control, Close}}, Bind };
 * designated initializers (.Basic = {...} or .WskCloseSocket = ...) avoid it.
 */
#define WSKCONF_WSK_BASIC_DISPATCH_HEAD        \
  union {                                      \
    WSK_PROVIDER_BASIC_DISPATCH Basic;         \
    struct {                                   \
      PFN_WSK_CONTROL_SOCKET WskControlSocket; \
      PFN_WSK_CLOSE_SOCKET WskCloseSocket;     \
    };                                         \
  }

typedef struct _WSK_PROVIDER_LISTEN_DISPATCH {
  WSKCONF_WSK_BASIC_DISPATCH_HEAD;
  PFN_WSK_BIND WskBind;
  PFN_WSK_ACCEPT WskAccept;
  PFN_WSK_INSPECT_COMPLETE WskInspectComplete;
  PFN_WSK_GET_LOCAL_ADDRESS WskGetLocalAddress;
} WSK_PROVIDER_LISTEN_DISPATCH, *PWSK_PROVIDER_LISTEN_DISPATCH;

typedef struct _WSK_PROVIDER_DATAGRAM_DISPATCH {
  WSKCONF_WSK_BASIC_DISPATCH_HEAD;
  PFN_WSK_BIND WskBind;
  PFN_WSK_SEND_TO WskSendTo;
  PFN_WSK_RECEIVE_FROM WskReceiveFrom;
  PFN_WSK_RELEASE_DATAGRAM_INDICATION_LIST WskRelease;
  PFN_WSK_GET_LOCAL_ADDRESS WskGetLocalAddress;
  PFN_WSK_SEND_MESSAGES WskSendMessages;
} WSK_PROVIDER_DATAGRAM_DISPATCH, *PWSK_PROVIDER_DATAGRAM_DISPATCH;

typedef struct _WSK_PROVIDER_CONNECTION_DISPATCH {
  WSKCONF_WSK_BASIC_DISPATCH_HEAD;
  PFN_WSK_BIND WskBind;
  PFN_WSK_CONNECT WskConnect;
  PFN_WSK_GET_LOCAL_ADDRESS WskGetLocalAddress;
  PFN_WSK_GET_REMOTE_ADDRESS WskGetRemoteAddress;
  PFN_WSK_SEND WskSend;
  PFN_WSK_RECEIVE WskReceive;
  PFN_WSK_DISCONNECT WskDisconnect;
  PFN_WSK_RELEASE_DATA_INDICATION_LIST WskRelease;
  PFN_WSK_CONNECT_EX WskConnectEx;
  PFN_WSK_SEND_EX WskSendEx;       /* reserved */
  PFN_WSK_RECEIVE_EX WskReceiveEx; /* reserved */
} WSK_PROVIDER_CONNECTION_DISPATCH, *PWSK_PROVIDER_CONNECTION_DISPATCH;

typedef struct _WSK_PROVIDER_STREAM_DISPATCH {
  WSKCONF_WSK_BASIC_DISPATCH_HEAD;
  PFN_WSK_BIND WskBind;
  PFN_WSK_ACCEPT WskAccept;
  PFN_WSK_CONNECT WskConnect;
  PFN_WSK_LISTEN WskListen;
  PFN_WSK_SEND WskSend;
  PFN_WSK_RECEIVE WskReceive;
  PFN_WSK_DISCONNECT WskDisconnect;
  PFN_WSK_RELEASE_DATA_INDICATION_LIST WskRelease;
  PFN_WSK_GET_LOCAL_ADDRESS WskGetLocalAddress;
  PFN_WSK_GET_REMOTE_ADDRESS WskGetRemoteAddress;
  PFN_WSK_CONNECT_EX WskConnectEx;
  PFN_WSK_SEND_EX WskSendEx;       /* reserved */
  PFN_WSK_RECEIVE_EX WskReceiveEx; /* reserved */
} WSK_PROVIDER_STREAM_DISPATCH, *PWSK_PROVIDER_STREAM_DISPATCH;

/* ---- Registration. ---- */

/* What the client registers: its context and client dispatch table. */
typedef struct _WSK_CLIENT_NPI {
  PVOID ClientContext;
  const WSK_CLIENT_DISPATCH *Dispatch;
} WSK_CLIENT_NPI, *PWSK_CLIENT_NPI;

/* What WskCaptureProviderNPI returns: the binding and the provider table. */
typedef struct _WSK_PROVIDER_NPI {
  PWSK_CLIENT Client;
  const WSK_PROVIDER_DISPATCH *Dispatch;
} WSK_PROVIDER_NPI, *PWSK_PROVIDER_NPI;

/* Implemented by the WSK provider (.so) a client is linked or loaded with,
 * not by the kernel runtime: declared with default visibility so a provider
 * built with hidden visibility still exports them. */
#if defined(__MINGW32__)
#define WSKCONF_PROVIDER_API DECLSPEC_IMPORT /* from netio.sys (libnetio.a) */
#else
#define WSKCONF_PROVIDER_API __attribute__((visibility("default")))
#endif

EXTERN_C_START

/* PASSIVE_LEVEL. Registers the client; WskClientNpi and WskRegistration must
 * stay valid until WskDeregister. STATUS_SUCCESS or a failure status. */
WSKCONF_PROVIDER_API NTSTATUS WskRegister(
    _In_ PWSK_CLIENT_NPI WskClientNpi, _Out_ PWSK_REGISTRATION WskRegistration);

/* PASSIVE_LEVEL (<= DISPATCH_LEVEL with WSK_NO_WAIT). Waits up to
 * WaitTimeout ms for the provider: STATUS_SUCCESS, STATUS_NOINTERFACE (no
 * compatible version), STATUS_DEVICE_NOT_READY (timeout or deregistering).
 * Each success is paired with one WskReleaseProviderNPI. */
WSKCONF_PROVIDER_API NTSTATUS WskCaptureProviderNPI(
    _In_ PWSK_REGISTRATION WskRegistration, _In_ ULONG WaitTimeout,
    _Out_ PWSK_PROVIDER_NPI WskProviderNpi);

/* <= DISPATCH_LEVEL. Releases one capture. */
WSKCONF_PROVIDER_API VOID
WskReleaseProviderNPI(_In_ PWSK_REGISTRATION WskRegistration);

/* <= DISPATCH_LEVEL. STATUS_SUCCESS or STATUS_DEVICE_NOT_READY. */
WSKCONF_PROVIDER_API NTSTATUS WskQueryProviderCharacteristics(
    _In_ PWSK_REGISTRATION WskRegistration,
    _Out_ PWSK_PROVIDER_CHARACTERISTICS WskProviderCharacteristics);

/* PASSIVE_LEVEL. Waits for every capture to be released and every socket to
 * be closed, then detaches. */
WSKCONF_PROVIDER_API VOID WskDeregister(_In_ PWSK_REGISTRATION WskRegistration);

EXTERN_C_END

#endif /* WSKCONF_WSKCONF_WSK_DISPATCH_H_ */
