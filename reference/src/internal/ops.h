// The provider's socket functions (one file each in reference/src) and the
// helpers they share. The dispatch tables in socket.cc point at these.
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_OPS_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_OPS_H_

#include <wsk.h>

#include "internal/completion.h"
#include "internal/socket.h"

namespace wskconf::reference::internal {

// ---- The common start of a socket call that takes an IRP. ----
// Checks Irp and Socket, takes the IRP and a hold on the socket. Returns true
// with *s set when the call goes on (it must then end in Finish or a queue);
// false when it already ended, with the status to return in *result.
// `routine` names the WSK function in a ClientCall.IrpMissing finding.
bool BeginCall(PWSK_SOCKET socket, PIRP irp, OpKind kind, Socket** s,
               NTSTATUS* result, const char* routine);

// Ends a call with a queued IRP: queues it (cancelable) and returns
// STATUS_PENDING, or completes it with STATUS_CANCELLED when it was already
// cancelled. Caller holds s->mu; it is released here.
NTSTATUS QueueAndUnlock(Socket* s, IrpList& list, PIRP irp,
                        std::unique_lock<std::mutex>& lock);

// Completes every IRP in `done` with the status in its IoStatus.
void CompleteDone(IrpList& done);

// Provider functions, WSK signatures.
NTSTATUS WSKAPI ControlSocket(PWSK_SOCKET Socket, WSK_CONTROL_SOCKET_TYPE RequestType,
                              ULONG ControlCode, ULONG Level, SIZE_T InputSize,
                              PVOID InputBuffer, SIZE_T OutputSize,
                              PVOID OutputBuffer, SIZE_T* OutputSizeReturned,
                              PIRP Irp);
NTSTATUS WSKAPI CloseSocket(PWSK_SOCKET Socket, PIRP Irp);
NTSTATUS WSKAPI Bind(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, ULONG Flags,
                     PIRP Irp);
NTSTATUS WSKAPI GetLocalAddress(PWSK_SOCKET Socket, PSOCKADDR LocalAddress,
                                PIRP Irp);
NTSTATUS WSKAPI GetRemoteAddress(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress,
                                 PIRP Irp);
NTSTATUS WSKAPI Listen(PWSK_SOCKET Socket, PIRP Irp);
NTSTATUS WSKAPI Accept(PWSK_SOCKET ListenSocket, ULONG Flags,
                       PVOID AcceptSocketContext,
                       const WSK_CLIENT_CONNECTION_DISPATCH* AcceptSocketDispatch,
                       PSOCKADDR LocalAddress, PSOCKADDR RemoteAddress, PIRP Irp);
NTSTATUS WSKAPI InspectComplete(PWSK_SOCKET ListenSocket,
                                PWSK_INSPECT_ID InspectID,
                                WSK_INSPECT_ACTION Action, PIRP Irp);
NTSTATUS WSKAPI Connect(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress,
                        ULONG Flags, PIRP Irp);
NTSTATUS WSKAPI ConnectEx(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress,
                          PWSK_BUF Buffer, ULONG Flags, PIRP Irp);
NTSTATUS WSKAPI Send(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp);
NTSTATUS WSKAPI Receive(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                        PIRP Irp);
NTSTATUS WSKAPI Disconnect(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                           PIRP Irp);
NTSTATUS WSKAPI ReleaseIndications(PWSK_SOCKET Socket,
                                   PWSK_DATA_INDICATION DataIndication);
NTSTATUS WSKAPI SendEx(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                       ULONG ControlInfoLength, PCMSGHDR ControlInfo, PIRP Irp);
NTSTATUS WSKAPI ReceiveEx(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                          PULONG ControlInfoLength, PCMSGHDR ControlInfo,
                          PULONG ControlFlags, PIRP Irp);

// ---- Shared steps of the send, connect and receive paths (s->mu held). ----
Progress TrySend(Socket* s, PIRP irp);
Progress TryReceive(Socket* s, PIRP irp);
// Sends now or queues behind earlier sends; releases `lock`; the call's status.
NTSTATUS StartSend(Socket* s, PIRP irp, std::unique_lock<std::mutex>& lock);
// STATUS_SUCCESS when a send-side call may go on in the socket's state.
NTSTATUS SendableState(Socket* s);
// Starts connecting s to `remote` for `irp` (kind kConnect or
// kSocketConnect); releases `lock`; returns the call's status.
NTSTATUS StartConnect(Socket* s, PIRP irp, const SOCKADDR* remote,
                      std::unique_lock<std::mutex>& lock);

// ---- Work the event loop does when a socket is ready (s->mu held). ----
// Each moves finished IRPs (IoStatus set, claimed) to `done`.
void ProcessAccepts(Socket* s, IrpList& done);
// Takes a listening socket out of the epoll set once nothing needs its
// readiness (no WskAccept waits, no accept event, no conditional accept),
// so connections arriving meanwhile do not wake the loop; WatchLocked adds
// it again when an accept waits or the event is enabled.
void UnwatchIdleListener(Socket* s);
void ProcessConnect(Socket* s, IrpList& done);
void ProcessSends(Socket* s, IrpList& done);
void ProcessReceives(Socket* s, IrpList& done);

// Event callbacks; called with s->mu held through `lock`, which they may
// release around the callback (and hold again on return).
void IndicateAccepts(Socket* s, std::unique_lock<std::mutex>& lock);
void IndicateReceives(Socket* s, std::unique_lock<std::mutex>& lock);
void IndicateDisconnect(Socket* s, std::unique_lock<std::mutex>& lock);
void IndicateSendBacklog(Socket* s, std::unique_lock<std::mutex>& lock);

// The ideal send backlog of a connected socket in bytes
// (SIO_WSK_QUERY_IDEAL_SEND_BACKLOG, WskSendBacklogEvent). Caller holds s->mu.
SIZE_T IdealSendBacklog(Socket* s);

// Calls a client event callback at DISPATCH_LEVEL with s marked busy; s->mu
// is released during the call. Returns false when the socket is closing (the
// callback is then not called).
bool EnterCallback(Socket* s, std::unique_lock<std::mutex>& lock);
void LeaveCallback(Socket* s, std::unique_lock<std::mutex>& lock);

// Gives the pool back the receive indications kept for reuse (at most a
// few 64 KiB blocks); WskDeregister calls it, so nothing of a client's
// traffic stays allocated once it is gone.
void DrainIndicationCache();
// Frees the receive indications the client retained on `s` and never gave
// back (reported at WskCloseSocket as ClientCall.RetainedIndicationAtClose),
// once the socket is closing and no callback runs.
void FreeRetainedIndications(Socket* s);

// The connection-oriented client table of a socket (connection, stream
// accepted/connected, listen propagating to accepted sockets), or nullptr.
const WSK_CLIENT_CONNECTION_DISPATCH* ConnectionCallbacks(Socket* s);

// Tears the connection down with a reset (SO_LINGER 0) before close, or at
// WskDisconnect(WSK_FLAG_ABORTIVE). Caller holds s->mu.
void AbortConnection(Socket* s);

// Creates the socket for an accepted host connection `fd` of listener `l`.
Socket* CreateAccepted(Socket* l, int fd, PVOID context, const void* dispatch);
// Makes the bound stream or listen socket `s` listen (kListening). A
// conditional-accept listener joins the event loop first: it inspects each
// connection as it comes. Caller holds s->mu; STATUS_SUCCESS or the host's
// error.
NTSTATUS ListenLocked(Socket* s);

// The listen-side client table of a listen or stream socket, or nullptr.
const WSK_CLIENT_LISTEN_DISPATCH* ListenCallbacks(Socket* s);

// ---- Conditional accept (conditional_accept.cc). ----
// Accepts every waiting host connection of a conditional-accept listener
// and offers it to WskInspectEvent; first reports pended requests whose
// peer went away through WskAbortEvent. l->mu held through `lock`.
void InspectIncoming(Socket* l, std::unique_lock<std::mutex>& lock);
// Unlinks the oldest candidate the client accepted, or nullptr. l->mu held.
Socket* TakeReadyCandidate(Socket* l);
// Gives a candidate taken for handover its client context, table and
// events (plus the static ones). No lock held.
void AdoptCandidate(Socket* c, PVOID context, const void* dispatch, ULONG events);
// The event loop saw a candidate ready: its listener checks it. Releases
// c->mu (held through `lock`).
void OnCandidateReady(Socket* c, std::unique_lock<std::mutex>& lock);
// Resets and frees every candidate of a closing listener. No lock held.
void DestroyCandidates(Socket* l);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_OPS_H_
