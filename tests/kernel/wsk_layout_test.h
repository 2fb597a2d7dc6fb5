/* Windows x64 facts for wsk.h and netioddk.h (VALUES.md §3 and §5b-d) as
 * X-macro lists, expanded by wsk_layout_test.c (C11) and wsk_layout_test.cc
 * (C++20). Dispatch tables use the newest member lists. */
#ifndef WSKCONF_TESTS_KERNEL_WSK_LAYOUT_TEST_H_
#define WSKCONF_TESTS_KERNEL_WSK_LAYOUT_TEST_H_

#include <wsk.h>

#include "layout_rows.h"

#define WSKCONF_WSK_STRUCT_LAYOUTS(SIZE, ALIGN, OFFSET)                        \
  SIZE(WSK_SOCKET, 8) OFFSET(WSK_SOCKET, Dispatch, 0)                          \
  SIZE(WSK_BUF, 24) OFFSET(WSK_BUF, Mdl, 0) OFFSET(WSK_BUF, Offset, 8)         \
  OFFSET(WSK_BUF, Length, 16)                                                  \
  SIZE(WSK_BUF_LIST, 32) OFFSET(WSK_BUF_LIST, Next, 0)                         \
  OFFSET(WSK_BUF_LIST, Buffer, 8)                                              \
  SIZE(WSK_DATA_INDICATION, 32) OFFSET(WSK_DATA_INDICATION, Next, 0)           \
  OFFSET(WSK_DATA_INDICATION, Buffer, 8)                                       \
  SIZE(WSK_DATAGRAM_INDICATION, 56) OFFSET(WSK_DATAGRAM_INDICATION, Next, 0)   \
  OFFSET(WSK_DATAGRAM_INDICATION, Buffer, 8)                                   \
  OFFSET(WSK_DATAGRAM_INDICATION, ControlInfo, 32)                             \
  OFFSET(WSK_DATAGRAM_INDICATION, ControlInfoLength, 40)                       \
  OFFSET(WSK_DATAGRAM_INDICATION, RemoteAddress, 48)                           \
  SIZE(WSK_INSPECT_ID, 16) OFFSET(WSK_INSPECT_ID, Key, 0)                      \
  OFFSET(WSK_INSPECT_ID, SerialNumber, 8)                                      \
  SIZE(WSK_EVENT_CALLBACK_CONTROL, 16)                                         \
  OFFSET(WSK_EVENT_CALLBACK_CONTROL, NpiId, 0)                                 \
  OFFSET(WSK_EVENT_CALLBACK_CONTROL, EventMask, 8)                             \
  SIZE(WSK_EXTENSION_CONTROL_IN, 24)                                           \
  OFFSET(WSK_EXTENSION_CONTROL_IN, NpiId, 0)                                   \
  OFFSET(WSK_EXTENSION_CONTROL_IN, ClientContext, 8)                           \
  OFFSET(WSK_EXTENSION_CONTROL_IN, ClientDispatch, 16)                         \
  SIZE(WSK_EXTENSION_CONTROL_OUT, 16)                                          \
  OFFSET(WSK_EXTENSION_CONTROL_OUT, ProviderContext, 0)                        \
  OFFSET(WSK_EXTENSION_CONTROL_OUT, ProviderDispatch, 8)                       \
  SIZE(WSK_TRANSPORT, 28) ALIGN(WSK_TRANSPORT, 4)                              \
  OFFSET(WSK_TRANSPORT, Version, 0) OFFSET(WSK_TRANSPORT, SocketType, 2)       \
  OFFSET(WSK_TRANSPORT, Protocol, 4) OFFSET(WSK_TRANSPORT, AddressFamily, 8)   \
  OFFSET(WSK_TRANSPORT, ProviderId, 12)                                        \
  SIZE(WSK_PROVIDER_CHARACTERISTICS, 4)                                        \
  OFFSET(WSK_PROVIDER_CHARACTERISTICS, HighestVersion, 0)                      \
  OFFSET(WSK_PROVIDER_CHARACTERISTICS, LowestVersion, 2)                       \
  SIZE(WSK_CLIENT_NPI, 16) OFFSET(WSK_CLIENT_NPI, ClientContext, 0)            \
  OFFSET(WSK_CLIENT_NPI, Dispatch, 8)                                          \
  SIZE(WSK_PROVIDER_NPI, 16) OFFSET(WSK_PROVIDER_NPI, Client, 0)               \
  OFFSET(WSK_PROVIDER_NPI, Dispatch, 8)                                        \
  SIZE(WSK_REGISTRATION, 24)                                                   \
  OFFSET(WSK_REGISTRATION, ReservedRegistrationState, 0)                       \
  OFFSET(WSK_REGISTRATION, ReservedRegistrationContext, 8)                     \
  OFFSET(WSK_REGISTRATION, ReservedRegistrationLock, 16)                       \
  SIZE(WSK_TDI_MAP, 16) OFFSET(WSK_TDI_MAP, SocketType, 0)                     \
  OFFSET(WSK_TDI_MAP, AddressFamily, 2) OFFSET(WSK_TDI_MAP, Protocol, 4)       \
  OFFSET(WSK_TDI_MAP, TdiDeviceName, 8)                                        \
  SIZE(WSK_TDI_MAP_INFO, 16) OFFSET(WSK_TDI_MAP_INFO, ElementCount, 0)         \
  OFFSET(WSK_TDI_MAP_INFO, Map, 8)                                             \
  SIZE(NPIID, 16) ALIGN(NPIID, 4) OFFSET(NPIID, Data1, 0)                      \
  OFFSET(NPIID, Data2, 4) OFFSET(NPIID, Data3, 6) OFFSET(NPIID, Data4, 8)      \
  SIZE(WSK_CONTROL_SOCKET_TYPE, 4) SIZE(WSK_INSPECT_ACTION, 4)

#define WSKCONF_WSK_DISPATCH_LAYOUTS(SIZE, ALIGN, OFFSET)                      \
  SIZE(WSK_CLIENT_DISPATCH, 16) OFFSET(WSK_CLIENT_DISPATCH, Version, 0)        \
  OFFSET(WSK_CLIENT_DISPATCH, Reserved, 2)                                     \
  OFFSET(WSK_CLIENT_DISPATCH, WskClientEvent, 8)                               \
  SIZE(WSK_PROVIDER_DISPATCH, 56) OFFSET(WSK_PROVIDER_DISPATCH, Version, 0)    \
  OFFSET(WSK_PROVIDER_DISPATCH, Reserved, 2)                                   \
  OFFSET(WSK_PROVIDER_DISPATCH, WskSocket, 8)                                  \
  OFFSET(WSK_PROVIDER_DISPATCH, WskSocketConnect, 16)                          \
  OFFSET(WSK_PROVIDER_DISPATCH, WskControlClient, 24)                          \
  OFFSET(WSK_PROVIDER_DISPATCH, WskGetAddressInfo, 32)                         \
  OFFSET(WSK_PROVIDER_DISPATCH, WskFreeAddressInfo, 40)                        \
  OFFSET(WSK_PROVIDER_DISPATCH, WskGetNameInfo, 48)                            \
  SIZE(WSK_PROVIDER_BASIC_DISPATCH, 16)                                        \
  OFFSET(WSK_PROVIDER_BASIC_DISPATCH, WskControlSocket, 0)                     \
  OFFSET(WSK_PROVIDER_BASIC_DISPATCH, WskCloseSocket, 8)                       \
  SIZE(WSK_PROVIDER_LISTEN_DISPATCH, 48)                                       \
  OFFSET(WSK_PROVIDER_LISTEN_DISPATCH, Basic, 0)                               \
  OFFSET(WSK_PROVIDER_LISTEN_DISPATCH, WskControlSocket, 0)                    \
  OFFSET(WSK_PROVIDER_LISTEN_DISPATCH, WskCloseSocket, 8)                      \
  OFFSET(WSK_PROVIDER_LISTEN_DISPATCH, WskBind, 16)                            \
  OFFSET(WSK_PROVIDER_LISTEN_DISPATCH, WskAccept, 24)                          \
  OFFSET(WSK_PROVIDER_LISTEN_DISPATCH, WskInspectComplete, 32)                 \
  OFFSET(WSK_PROVIDER_LISTEN_DISPATCH, WskGetLocalAddress, 40)                 \
  SIZE(WSK_PROVIDER_DATAGRAM_DISPATCH, 64)                                     \
  OFFSET(WSK_PROVIDER_DATAGRAM_DISPATCH, Basic, 0)                             \
  OFFSET(WSK_PROVIDER_DATAGRAM_DISPATCH, WskCloseSocket, 8)                    \
  OFFSET(WSK_PROVIDER_DATAGRAM_DISPATCH, WskBind, 16)                          \
  OFFSET(WSK_PROVIDER_DATAGRAM_DISPATCH, WskSendTo, 24)                        \
  OFFSET(WSK_PROVIDER_DATAGRAM_DISPATCH, WskReceiveFrom, 32)                   \
  OFFSET(WSK_PROVIDER_DATAGRAM_DISPATCH, WskRelease, 40)                       \
  OFFSET(WSK_PROVIDER_DATAGRAM_DISPATCH, WskGetLocalAddress, 48)               \
  OFFSET(WSK_PROVIDER_DATAGRAM_DISPATCH, WskSendMessages, 56)                  \
  SIZE(WSK_PROVIDER_CONNECTION_DISPATCH, 104)                                  \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, Basic, 0)                           \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, WskCloseSocket, 8)                  \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, WskBind, 16)                        \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, WskConnect, 24)                     \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, WskGetLocalAddress, 32)             \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, WskGetRemoteAddress, 40)            \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, WskSend, 48)                        \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, WskReceive, 56)                     \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, WskDisconnect, 64)                  \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, WskRelease, 72)                     \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, WskConnectEx, 80)                   \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, WskSendEx, 88)                      \
  OFFSET(WSK_PROVIDER_CONNECTION_DISPATCH, WskReceiveEx, 96)                   \
  SIZE(WSK_PROVIDER_STREAM_DISPATCH, 120)                                      \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, Basic, 0)                               \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskCloseSocket, 8)                      \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskBind, 16)                            \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskAccept, 24)                          \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskConnect, 32)                         \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskListen, 40)                          \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskSend, 48)                            \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskReceive, 56)                         \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskDisconnect, 64)                      \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskRelease, 72)                         \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskGetLocalAddress, 80)                 \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskGetRemoteAddress, 88)                \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskConnectEx, 96)                       \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskSendEx, 104)                         \
  OFFSET(WSK_PROVIDER_STREAM_DISPATCH, WskReceiveEx, 112)                      \
  SIZE(WSK_CLIENT_LISTEN_DISPATCH, 24)                                         \
  OFFSET(WSK_CLIENT_LISTEN_DISPATCH, WskAcceptEvent, 0)                        \
  OFFSET(WSK_CLIENT_LISTEN_DISPATCH, WskInspectEvent, 8)                       \
  OFFSET(WSK_CLIENT_LISTEN_DISPATCH, WskAbortEvent, 16)                        \
  SIZE(WSK_CLIENT_DATAGRAM_DISPATCH, 8)                                        \
  OFFSET(WSK_CLIENT_DATAGRAM_DISPATCH, WskReceiveFromEvent, 0)                 \
  SIZE(WSK_CLIENT_CONNECTION_DISPATCH, 24)                                     \
  OFFSET(WSK_CLIENT_CONNECTION_DISPATCH, WskReceiveEvent, 0)                   \
  OFFSET(WSK_CLIENT_CONNECTION_DISPATCH, WskDisconnectEvent, 8)                \
  OFFSET(WSK_CLIENT_CONNECTION_DISPATCH, WskSendBacklogEvent, 16)              \
  SIZE(WSK_CLIENT_STREAM_DISPATCH, 16)                                         \
  OFFSET(WSK_CLIENT_STREAM_DISPATCH, Listen, 0)                                \
  OFFSET(WSK_CLIENT_STREAM_DISPATCH, Connect, 8)

/* VALUES.md §5d: the kernel structures WSK passes around (from <wdm.h>). */
#define WSKCONF_WDM_LAYOUTS(SIZE, ALIGN, OFFSET)                             \
  SIZE(IO_STATUS_BLOCK, 16) OFFSET(IO_STATUS_BLOCK, Status, 0)               \
  OFFSET(IO_STATUS_BLOCK, Pointer, 0)                                        \
  OFFSET(IO_STATUS_BLOCK, Information, 8)                                    \
  SIZE(MDL, 48) OFFSET(MDL, Next, 0) OFFSET(MDL, Size, 8)                    \
  OFFSET(MDL, MdlFlags, 10) OFFSET(MDL, Process, 16)                         \
  OFFSET(MDL, MappedSystemVa, 24) OFFSET(MDL, StartVa, 32)                   \
  OFFSET(MDL, ByteCount, 40) OFFSET(MDL, ByteOffset, 44)                     \
  SIZE(KEVENT, 24)

#define WSKCONF_WSK_LAYOUTS(SIZE, ALIGN, OFFSET)     \
  WSKCONF_WSK_STRUCT_LAYOUTS(SIZE, ALIGN, OFFSET)   \
  WSKCONF_WSK_DISPATCH_LAYOUTS(SIZE, ALIGN, OFFSET) \
  WSKCONF_WDM_LAYOUTS(SIZE, ALIGN, OFFSET)

/* Group names are the VALUES.md tables. */
#define WSKCONF_WSK_VALUES(VALUE)                                              \
  VALUE(V2b, SO_WSK_SECURITY, 0x4001)                                          \
  VALUE(V2b, SO_WSK_EVENT_CALLBACK, 0x4002)                                    \
  VALUE(V2e, SIO_WSK_SET_REMOTE_ADDRESS, 0x8F000001)                           \
  VALUE(V2e, SIO_WSK_REGISTER_EXTENSION, 0xCF000002)                           \
  VALUE(V2e, SIO_WSK_QUERY_IDEAL_SEND_BACKLOG, 0x4F000003)                     \
  VALUE(V2e, SIO_WSK_QUERY_RECEIVE_BACKLOG, 0x4F000004)                        \
  VALUE(V2e, SIO_WSK_QUERY_INSPECT_ID, 0x4F000005)                             \
  VALUE(V2e, SIO_WSK_SET_SENDTO_ADDRESS, 0x8F000006)                           \
  VALUE(V2e, SIO_WSK_SET_TCP_SILENT_MODE, 0x2F000007)                          \
  VALUE(V2e, SIO_WSK_SET_RECEIVE_EX_CALLBACK, 0x8F000008)                      \
  VALUE(V3a, WSK_FLAG_BASIC_SOCKET, 0) VALUE(V3a, WSK_FLAG_LISTEN_SOCKET, 1)   \
  VALUE(V3a, WSK_FLAG_CONNECTION_SOCKET, 2)                                    \
  VALUE(V3a, WSK_FLAG_DATAGRAM_SOCKET, 4)                                      \
  VALUE(V3a, WSK_FLAG_STREAM_SOCKET, 8)                                        \
  VALUE(V3a, WSK_FLAG_ABORTIVE, 1) VALUE(V3a, WSK_FLAG_OOB, 1)                 \
  VALUE(V3a, WSK_FLAG_NODELAY, 2) VALUE(V3a, WSK_FLAG_WAITALL, 2)              \
  VALUE(V3a, WSK_FLAG_RELEASE_ASAP, 2) VALUE(V3a, WSK_FLAG_DRAIN, 4)           \
  VALUE(V3a, WSK_FLAG_ENTIRE_MESSAGE, 4)                                       \
  VALUE(V3a, WSK_FLAG_AT_DISPATCH_LEVEL, 8)                                    \
  VALUE(V3b, WSK_EVENT_SEND_BACKLOG, 0x10) VALUE(V3b, WSK_EVENT_RECEIVE, 0x40) \
  VALUE(V3b, WSK_EVENT_DISCONNECT, 0x80)                                       \
  VALUE(V3b, WSK_EVENT_RECEIVE_FROM, 0x100)                                    \
  VALUE(V3b, WSK_EVENT_ACCEPT, 0x200)                                          \
  VALUE(V3b, WSK_EVENT_DISABLE, 0x80000000)                                    \
  VALUE(V3c, WSK_TRANSPORT_LIST_QUERY, 2)                                      \
  VALUE(V3c, WSK_TRANSPORT_LIST_CHANGE, 3) VALUE(V3c, WSK_CACHE_SD, 4)         \
  VALUE(V3c, WSK_RELEASE_SD, 5) VALUE(V3c, WSK_TDI_DEVICENAME_MAPPING, 6)      \
  VALUE(V3c, WSK_SET_STATIC_EVENT_CALLBACKS, 7)                                \
  VALUE(V3c, WSK_TDI_BEHAVIOR, 8)                                              \
  VALUE(V3c, WSK_TDI_BEHAVIOR_BYPASS_TDI, 1)                                   \
  VALUE(V3d, WSK_NO_WAIT, 0) VALUE(V3d, WSK_INFINITE_WAIT, 0xFFFFFFFF)         \
  VALUE(V3d, MAKE_WSK_VERSION(1, 0), 0x0100)                                   \
  VALUE(V3d, MAKE_WSK_VERSION(2, 0x1FF), 0x02FF)                               \
  VALUE(V3d, WSK_MAJOR_VERSION(0x0102), 1)                                     \
  VALUE(V3d, WSK_MINOR_VERSION(0x0102), 2)                                     \
  VALUE(V3d, WskSetOption, 0) VALUE(V3d, WskGetOption, 1)                      \
  VALUE(V3d, WskIoctl, 2) VALUE(V3d, WskControlMax, 3)                         \
  VALUE(V3d, WskInspectReject, 0) VALUE(V3d, WskInspectAccept, 1)              \
  VALUE(V3d, WskInspectPend, 2) VALUE(V3d, WskInspectMax, 3)                   \
  VALUE(V3d, MIT_GUID, 1)

#endif /* WSKCONF_TESTS_KERNEL_WSK_LAYOUT_TEST_H_ */
