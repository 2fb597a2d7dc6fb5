// The datagram category (UDP and raw): WskSendTo, WskSendMessages,
// WskReceiveFrom (datagram.cc) and WskReceiveFromEvent with its retained
// indications (datagram_events.cc).
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_DATAGRAM_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_DATAGRAM_H_

#include <wsk.h>
#include <sys/socket.h>

#include <mutex>

#include "internal/completion.h"
#include "internal/socket.h"

namespace wskconf::reference::internal {

struct DatagramIndication;

// Per datagram socket, guarded by Socket::mu.
struct DatagramState {
  // SIO_WSK_SET_SENDTO_ADDRESS: where a WskSendTo without RemoteAddress
  // goes (length 0: none set).
  sockaddr_storage sendto{};
  socklen_t sendto_length = 0;
  // SIO_WSK_SET_REMOTE_ADDRESS: the host socket is connected to it.
  bool remote_fixed = false;
  // Datagrams read from the host that WskReceiveFromEvent refused
  // (STATUS_DATA_NOT_ACCEPTED): indicated, or received, before newer ones.
  DatagramIndication* backlog = nullptr;
  DatagramIndication* backlog_tail = nullptr;
  uint32_t backlog_count = 0;
  // Datagrams WskReceiveFromEvent kept (STATUS_PENDING), until WskRelease.
  DatagramIndication* retained = nullptr;
};

// What a WskSendTo/WskSendMessages/WskReceiveFrom keeps while it waits in a
// queue: copied to pool only when the call pends (the IRP's Argument4).
struct DatagramArgs {
  sockaddr_storage destination;  // send: host address, length 0 = default
  socklen_t destination_length;
  PSOCKADDR remote_out;          // receive: the caller's optional outputs
  PULONG control_length;
  PCMSGHDR control;
  PULONG control_flags;
};

// Gives a new datagram socket its state and asks the host for the packet
// information that MSG_BCAST/MSG_MCAST need. False when out of memory.
bool InitDatagram(Socket* s);

// Frees the DatagramArgs a queued datagram IRP holds (none: no-op). Called
// for every IRP a socket completes.
void FreeDatagramArgs(PIRP irp);

// Frees the backlog of a closing socket (FinishClose).
void FreeDatagramBacklog(Socket* s);
// Frees the datagram indications the client retained and never released;
// true if there were any. For a closed socket no callback runs on.
bool FreeRetainedDatagrams(Socket* s);

// Sends one datagram of `buffer` (or receives one into it) without
// blocking; kWouldBlock when the host would block. s->mu held.
Progress TrySendDatagram(Socket* s, PIRP irp, const DatagramArgs& args);
Progress TryReceiveDatagram(Socket* s, PIRP irp, const DatagramArgs& args);

// The event loop found the datagram socket ready (or rescanning): complete
// what can complete, then indicate to WskReceiveFromEvent. s->mu held
// through `lock`.
void OnDatagramReady(Socket* s, std::unique_lock<std::mutex>& lock);

// Takes the oldest backlog datagram for a WskReceiveFrom: copies it as
// TryReceiveDatagram would; false when the backlog is empty. s->mu held.
bool ReceiveFromBacklog(Socket* s, PIRP irp, const DatagramArgs& args);

// Provider functions, WSK signatures.
NTSTATUS WSKAPI SendTo(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                       PSOCKADDR RemoteAddress, ULONG ControlInfoLength,
                       PCMSGHDR ControlInfo, PIRP Irp);
NTSTATUS WSKAPI SendMessages(PWSK_SOCKET Socket, PWSK_BUF_LIST BufferList,
                             ULONG Flags, PSOCKADDR RemoteAddress,
                             ULONG ControlInfoLength, PCMSGHDR ControlInfo,
                             PIRP Irp);
NTSTATUS WSKAPI ReceiveFrom(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                            PSOCKADDR RemoteAddress, PULONG ControlInfoLength,
                            PCMSGHDR ControlInfo, PULONG ControlFlags, PIRP Irp);
NTSTATUS WSKAPI ReleaseDatagrams(PWSK_SOCKET Socket,
                                 PWSK_DATAGRAM_INDICATION DatagramIndication);

// Completes a receive from a datagram the provider already holds: copies
// `data` (cut to the buffer, MSG_TRUNC then set), the sender (Windows
// layout) and the flags into the call's outputs. s->mu held.
void DeliverBacklogged(PIRP irp, const DatagramArgs& args, const char* data,
                       SIZE_T length, const SOCKADDR* remote, ULONG cast_flags);

// The host address family's "packet info" control message: MSG_BCAST or
// MSG_MCAST for the datagram's destination, 0 for unicast.
ULONG CastFlags(msghdr* message);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_DATAGRAM_H_
