// The mutants' wrappers around the reference's provider functions (ld
// --wrap, hooks.txt): each notes the IRP for wrap_kernel.cc and applies the
// faults that act when the call is made.
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal/hooks.h"

namespace wskconf::mutants {

// The reference's functions (ld --wrap binds __real_<sym> to them).
NTSTATUS RealSend(PWSK_SOCKET, PWSK_BUF, ULONG, PIRP) WSKCONF_REAL(Send);
NTSTATUS RealReceive(PWSK_SOCKET, PWSK_BUF, ULONG, PIRP) WSKCONF_REAL(Receive);
NTSTATUS RealAccept(PWSK_SOCKET, ULONG, PVOID, const WSK_CLIENT_CONNECTION_DISPATCH*,
                    PSOCKADDR, PSOCKADDR, PIRP) WSKCONF_REAL(Accept);
NTSTATUS RealCloseSocket(PWSK_SOCKET, PIRP) WSKCONF_REAL(CloseSocket);
NTSTATUS RealBind(PWSK_SOCKET, PSOCKADDR, ULONG, PIRP) WSKCONF_REAL(Bind);
NTSTATUS RealGetLocalAddress(PWSK_SOCKET, PSOCKADDR, PIRP) WSKCONF_REAL(GetLocalAddress);
NTSTATUS RealGetRemoteAddress(PWSK_SOCKET, PSOCKADDR, PIRP) WSKCONF_REAL(GetRemoteAddress);
NTSTATUS RealConnect(PWSK_SOCKET, PSOCKADDR, ULONG, PIRP) WSKCONF_REAL(Connect);
NTSTATUS RealDisconnect(PWSK_SOCKET, PWSK_BUF, ULONG, PIRP) WSKCONF_REAL(Disconnect);
NTSTATUS RealListen(PWSK_SOCKET, PIRP) WSKCONF_REAL(Listen);
NTSTATUS RealSendTo(PWSK_SOCKET, PWSK_BUF, ULONG, PSOCKADDR, ULONG, PCMSGHDR, PIRP)
    WSKCONF_REAL(SendTo);
NTSTATUS RealReceiveFrom(PWSK_SOCKET, PWSK_BUF, ULONG, PSOCKADDR, PULONG, PCMSGHDR,
                         PULONG, PIRP) WSKCONF_REAL(ReceiveFrom);
extern const WSK_PROVIDER_DISPATCH RealProviderDispatch WSKCONF_REAL(ProviderDispatch);

namespace {

using F = Fault;

USHORT NetworkOrder16(USHORT value) { return static_cast<USHORT>((value >> 8) | (value << 8)); }

IrpNote Note(Op op, PWSK_SOCKET socket) {
  IrpNote note;
  note.op = op;
  note.socket = socket;
  return note;
}

// Completes `irp` with success and no information, without the reference.
NTSTATUS SucceedWithoutDoing(PIRP irp) { return FailIrp(irp, STATUS_SUCCESS); }

// Copies an address of at most SOCKADDR_STORAGE size.
struct AddressCopy {
  UCHAR bytes[128] = {};
  PSOCKADDR get() { return reinterpret_cast<PSOCKADDR>(bytes); }
};

NTSTATUS WSKAPI MutantWskSocket(PWSK_CLIENT client, ADDRESS_FAMILY family, USHORT type,
                                ULONG protocol, ULONG flags, PVOID context,
                                const VOID* dispatch, PEPROCESS process, PETHREAD thread,
                                PSECURITY_DESCRIPTOR security, PIRP irp) {
  if (Active(F::kStreamGetsConnectionDispatch) && (flags & WSK_FLAG_STREAM_SOCKET)) {
    flags = (flags & ~WSK_FLAG_STREAM_SOCKET) | WSK_FLAG_CONNECTION_SOCKET;
    if (dispatch != nullptr) {
      dispatch = static_cast<const WSK_CLIENT_STREAM_DISPATCH*>(dispatch)->Connect;
    }
  }
  if (Active(F::kTransportFromCategory) &&
      (flags & (WSK_FLAG_LISTEN_SOCKET | WSK_FLAG_CONNECTION_SOCKET | WSK_FLAG_STREAM_SOCKET))) {
    type = SOCK_STREAM;
    protocol = IPPROTO_TCP;
  }
  if (Active(F::kContextNotPassedBack)) context = nullptr;
  IrpNote note = Note(Op::kSocket, nullptr);
  note.context = context;
  note.dispatch = dispatch;
  note.flags = flags;
  note.family = family;
  dispatch = InterposeClientDispatch(flags, context, dispatch);
  NoteIrp(irp, note);
  const NTSTATUS status = RealProviderDispatch.WskSocket(
      client, family, type, protocol, flags, context, dispatch, process, thread,
      security, irp);
  ForgetIfFinal(irp, status);
  return status;
}

NTSTATUS WSKAPI MutantWskSocketConnect(
    PWSK_CLIENT client, USHORT type, ULONG protocol, PSOCKADDR local, PSOCKADDR remote,
    ULONG flags, PVOID context, const WSK_CLIENT_CONNECTION_DISPATCH* dispatch,
    PEPROCESS process, PETHREAD thread, PSECURITY_DESCRIPTOR security, PIRP irp) {
  if (Active(F::kContextNotPassedBack)) context = nullptr;
  IrpNote note = Note(Op::kSocket, nullptr);
  note.context = context;
  note.dispatch = dispatch;
  note.flags = WSK_FLAG_CONNECTION_SOCKET;
  note.family = local != nullptr ? local->sa_family : 0;
  NoteIrp(irp, note);
  dispatch = static_cast<const WSK_CLIENT_CONNECTION_DISPATCH*>(
      InterposeClientDispatch(WSK_FLAG_CONNECTION_SOCKET, context, dispatch));
  const NTSTATUS status = RealProviderDispatch.WskSocketConnect(
      client, type, protocol, local, remote, flags, context, dispatch, process, thread,
      security, irp);
  ForgetIfFinal(irp, status);
  return status;
}

const WSK_PROVIDER_DISPATCH* WrappedProviderDispatch() {
  static const WSK_PROVIDER_DISPATCH table = [] {
    WSK_PROVIDER_DISPATCH t = RealProviderDispatch;
    t.WskSocket = MutantWskSocket;
    t.WskSocketConnect = MutantWskSocketConnect;
    return t;
  }();
  return &table;
}

}  // namespace

// registration.cc hands out &kProviderDispatch: with the wrap it hands out
// this copy, whose WskSocket notes the client side of each new socket.
extern const WSK_PROVIDER_DISPATCH WrapProviderDispatch WSKCONF_WRAP(ProviderDispatch);
const WSK_PROVIDER_DISPATCH WrapProviderDispatch = *WrappedProviderDispatch();

NTSTATUS WrapSend(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags, PIRP irp)
    WSKCONF_WRAP(Send);
NTSTATUS WrapSend(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags, PIRP irp) {
  if (Active(F::kSigsegvInSend)) {
    volatile ULONG* nowhere = nullptr;
    *nowhere = flags;  // the fault: a stray NULL dereference
  }
  if (Active(F::kNodelayRejected) && (flags & WSK_FLAG_NODELAY)) {
    return FailIrp(irp, STATUS_NOT_SUPPORTED);
  }
  if (Active(F::kUnknownSendFlagAccepted)) flags &= WSK_FLAG_NODELAY;
  if (Active(F::kZeroLengthSendNeverCompletes) && buffer != nullptr && buffer->Length == 0) {
    return STATUS_PENDING;  // the fault: the IRP is forgotten
  }
  WSK_BUF copy;
  if (buffer != nullptr && (Active(F::kSendShortByOne) || Active(F::kSendIgnoresOffset))) {
    copy = *buffer;
    if (Active(F::kSendShortByOne) && copy.Length > 0) copy.Length -= 1;
    if (Active(F::kSendIgnoresOffset)) copy.Offset = 0;
    buffer = &copy;
  }
  IrpNote note = Note(Op::kSend, socket);
  note.length = buffer != nullptr ? buffer->Length : 0;
  NoteIrp(irp, note);
  const NTSTATUS status = RealSend(socket, buffer, flags, irp);
  ForgetIfFinal(irp, status);
  return status;
}

NTSTATUS WrapReceive(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags, PIRP irp)
    WSKCONF_WRAP(Receive);
NTSTATUS WrapReceive(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags, PIRP irp) {
  if (Active(F::kIgnoresWaitAll)) flags &= ~static_cast<ULONG>(WSK_FLAG_WAITALL);
  WSK_BUF copy;
  if (buffer != nullptr && (Active(F::kReceiveIgnoresOffset) || Active(F::kReceiveLengthOverrun))) {
    copy = *buffer;
    if (Active(F::kReceiveIgnoresOffset)) copy.Offset = 0;
    if (Active(F::kReceiveLengthOverrun)) copy.Length += 16;
    buffer = &copy;
  }
  IrpNote note = Note(Op::kReceive, socket);
  note.length = buffer != nullptr ? buffer->Length : 0;
  NoteIrp(irp, note);
  const NTSTATUS status = RealReceive(socket, buffer, flags, irp);
  ForgetIfFinal(irp, status);
  return status;
}

NTSTATUS WrapAccept(PWSK_SOCKET socket, ULONG flags, PVOID context,
                    const WSK_CLIENT_CONNECTION_DISPATCH* dispatch, PSOCKADDR local,
                    PSOCKADDR remote, PIRP irp) WSKCONF_WRAP(Accept);
NTSTATUS WrapAccept(PWSK_SOCKET socket, ULONG flags, PVOID context,
                    const WSK_CLIENT_CONNECTION_DISPATCH* dispatch, PSOCKADDR local,
                    PSOCKADDR remote, PIRP irp) {
  if (Active(F::kAcceptRemoteNotFilled)) remote = nullptr;
  IrpNote note = Note(Op::kAccept, socket);
  note.context = context;
  note.dispatch = dispatch;
  note.flags = WSK_FLAG_CONNECTION_SOCKET;
  NoteIrp(irp, note);
  dispatch = static_cast<const WSK_CLIENT_CONNECTION_DISPATCH*>(
      InterposeClientDispatch(WSK_FLAG_CONNECTION_SOCKET, context, dispatch));
  const NTSTATUS status = RealAccept(socket, flags, context, dispatch, local, remote, irp);
  ForgetIfFinal(irp, status);
  return status;
}

NTSTATUS WrapCloseSocket(PWSK_SOCKET socket, PIRP irp) WSKCONF_WRAP(CloseSocket);
NTSTATUS WrapCloseSocket(PWSK_SOCKET socket, PIRP irp) {
  if (Active(F::kAbortInClose)) abort();
  if (Active(F::kDeadlockInClose)) {
    // The fault: a lock taken again on the path that already holds it.
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&lock);
    pthread_mutex_lock(&lock);
  }
  NoteIrp(irp, Note(Op::kClose, socket));
  const NTSTATUS status = RealCloseSocket(socket, irp);
  ForgetIfFinal(irp, status);
  return status;
}

NTSTATUS WrapBind(PWSK_SOCKET socket, PSOCKADDR address, ULONG flags, PIRP irp)
    WSKCONF_WRAP(Bind);
NTSTATUS WrapBind(PWSK_SOCKET socket, PSOCKADDR address, ULONG flags, PIRP irp) {
  AddressCopy copy;
  if (Active(F::kBindPortByteOrder) && address != nullptr) {
    memcpy(copy.bytes, address, sizeof(SOCKADDR_IN6));
    UCHAR* port = copy.bytes + 2;  // sin_port / sin6_port
    const UCHAR high = port[0];
    port[0] = port[1];
    port[1] = high;
    address = copy.get();
  }
  NoteIrp(irp, Note(Op::kBind, socket));
  const NTSTATUS status = RealBind(socket, address, flags, irp);
  ForgetIfFinal(irp, status);
  return Returned(Op::kBind, status);
}

NTSTATUS WrapGetLocalAddress(PWSK_SOCKET socket, PSOCKADDR address, PIRP irp)
    WSKCONF_WRAP(GetLocalAddress);
NTSTATUS WrapGetLocalAddress(PWSK_SOCKET socket, PSOCKADDR address, PIRP irp) {
  IrpNote note = Note(Op::kGetLocal, socket);
  note.address = address;
  NoteIrp(irp, note);
  const NTSTATUS status = RealGetLocalAddress(socket, address, irp);
  ForgetIfFinal(irp, status);
  return status;
}

NTSTATUS WrapGetRemoteAddress(PWSK_SOCKET socket, PSOCKADDR address, PIRP irp)
    WSKCONF_WRAP(GetRemoteAddress);
NTSTATUS WrapGetRemoteAddress(PWSK_SOCKET socket, PSOCKADDR address, PIRP irp) {
  IrpNote note = Note(Op::kGetRemote, socket);
  note.address = address;
  NoteIrp(irp, note);
  const NTSTATUS status = RealGetRemoteAddress(socket, address, irp);
  ForgetIfFinal(irp, status);
  return Returned(Op::kGetRemote, status);
}

NTSTATUS WrapConnect(PWSK_SOCKET socket, PSOCKADDR remote, ULONG flags, PIRP irp)
    WSKCONF_WRAP(Connect);
NTSTATUS WrapConnect(PWSK_SOCKET socket, PSOCKADDR remote, ULONG flags, PIRP irp) {
  NoteIrp(irp, Note(Op::kConnect, socket));
  const NTSTATUS status = RealConnect(socket, remote, flags, irp);
  ForgetIfFinal(irp, status);
  return Returned(Op::kConnect, status);
}

NTSTATUS WrapDisconnect(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags, PIRP irp)
    WSKCONF_WRAP(Disconnect);
NTSTATUS WrapDisconnect(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags, PIRP irp) {
  if (Active(F::kGracefulDisconnectIgnored) && !(flags & WSK_FLAG_ABORTIVE)) {
    return SucceedWithoutDoing(irp);
  }
  if (Active(F::kAbortiveMadeGraceful)) flags &= ~static_cast<ULONG>(WSK_FLAG_ABORTIVE);
  NoteIrp(irp, Note(Op::kDisconnect, socket));
  const NTSTATUS status = RealDisconnect(socket, buffer, flags, irp);
  ForgetIfFinal(irp, status);
  return status;
}

NTSTATUS WrapListen(PWSK_SOCKET socket, PIRP irp) WSKCONF_WRAP(Listen);
NTSTATUS WrapListen(PWSK_SOCKET socket, PIRP irp) {
  NoteIrp(irp, Note(Op::kListen, socket));
  const NTSTATUS status = RealListen(socket, irp);
  ForgetIfFinal(irp, status);
  return Returned(Op::kListen, status);
}

NTSTATUS WrapSendTo(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags, PSOCKADDR remote,
                    ULONG control_length, PCMSGHDR control, PIRP irp) WSKCONF_WRAP(SendTo);
NTSTATUS WrapSendTo(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags, PSOCKADDR remote,
                    ULONG control_length, PCMSGHDR control, PIRP irp) {
  AddressCopy discard;
  if (Active(F::kSendToNullRemoteAccepted) && remote == nullptr) {
    // The fault: a missing destination becomes the discard port of loopback.
    std::optional<ClientSide> client = ClientOf(socket);
    const bool v6 = client && client->family == AF_INET6;
    PSOCKADDR_IN6 in6 = reinterpret_cast<PSOCKADDR_IN6>(discard.bytes);
    PSOCKADDR_IN in4 = reinterpret_cast<PSOCKADDR_IN>(discard.bytes);
    if (v6) {
      in6->sin6_family = AF_INET6;
      in6->sin6_port = NetworkOrder16(9);
      in6->sin6_addr.u.Byte[15] = 1;
    } else {
      in4->sin_family = AF_INET;
      in4->sin_port = NetworkOrder16(9);
      in4->sin_addr.S_un.S_un_b.s_b1 = 127;
      in4->sin_addr.S_un.S_un_b.s_b4 = 1;
    }
    remote = discard.get();
  }
  WSK_BUF half;
  if (Active(F::kSendToTruncates) && buffer != nullptr && buffer->Length > 1) {
    half = *buffer;
    half.Length /= 2;  // the fault: a length computed in the wrong unit
    buffer = &half;
  }
  NoteIrp(irp, Note(Op::kSendTo, socket));
  const NTSTATUS status = RealSendTo(socket, buffer, flags, remote, control_length, control, irp);
  ForgetIfFinal(irp, status);
  return status;
}

NTSTATUS WrapReceiveFrom(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags, PSOCKADDR remote,
                         PULONG control_length, PCMSGHDR control, PULONG control_flags,
                         PIRP irp) WSKCONF_WRAP(ReceiveFrom);
NTSTATUS WrapReceiveFrom(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags, PSOCKADDR remote,
                         PULONG control_length, PCMSGHDR control, PULONG control_flags,
                         PIRP irp) {
  IrpNote note = Note(Op::kReceiveFrom, socket);
  note.address = remote;
  NoteIrp(irp, note);
  const NTSTATUS status = RealReceiveFrom(socket, buffer, flags, remote, control_length,
                                          control, control_flags, irp);
  ForgetIfFinal(irp, status);
  return status;
}

}  // namespace wskconf::mutants
