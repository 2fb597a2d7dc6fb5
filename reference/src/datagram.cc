// WskSendTo, WskSendMessages and WskReceiveFrom over a host UDP (or raw)
// socket. A datagram is sent whole or not at all (WskSendTo.CompletesOnlyWhenSent)
// and one receive takes exactly one datagram (WskReceiveFrom.OneDatagramPerReceive).
// Calls that would block wait in the socket's send or receive queue, in
// call order, with their arguments copied to pool.
#include "internal/datagram.h"

#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "internal/address.h"
#include "internal/client_checks.h"
#include "internal/errno_status.h"
#include "internal/ops.h"
#include "internal/wsk_buf.h"

namespace wskconf::reference::internal {
namespace {

constexpr ULONG kArgsTag = 'aDsW';
// Room for the host's IPv4 or IPv6 packet information message.
constexpr size_t kControlRoom = 64;

DatagramArgs* ArgsOf(PIRP irp) {
  return static_cast<DatagramArgs*>(
      IoGetCurrentIrpStackLocation(irp)->Parameters.Others.Argument4);
}

bool IsDatagramKind(OpKind kind) {
  return kind == OpKind::kSendTo || kind == OpKind::kSendMessages ||
         kind == OpKind::kReceiveFrom;
}

// Queues `irp` (send or receive) with a pool copy of `args`.
NTSTATUS QueueWithArgs(Socket* s, IrpList& queue, PIRP irp, const DatagramArgs& args,
                       std::unique_lock<std::mutex>& lock) {
  auto* copy = static_cast<DatagramArgs*>(
      ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(DatagramArgs), kArgsTag));
  if (copy == nullptr) {
    lock.unlock();
    return Finish(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
  }
  *copy = args;
  IoGetCurrentIrpStackLocation(irp)->Parameters.Others.Argument4 = copy;
  return QueueAndUnlock(s, queue, irp, lock);
}

// Where a datagram goes: the call's RemoteAddress, else the socket's
// SIO_WSK_SET_SENDTO_ADDRESS, else (NULL name) its fixed remote address.
void Destination(Socket* s, const DatagramArgs& args, msghdr* message) {
  if (args.destination_length != 0) {
    message->msg_name = const_cast<sockaddr_storage*>(&args.destination);
    message->msg_namelen = args.destination_length;
  } else if (s->datagram->sendto_length != 0) {
    message->msg_name = &s->datagram->sendto;
    message->msg_namelen = s->datagram->sendto_length;
  }
}

// Sends the whole of `buffer` as one datagram: kDone with *status set, or
// kWouldBlock.
Progress SendOne(Socket* s, const WSK_BUF& buffer, const DatagramArgs& args,
                 NTSTATUS* status) {
  iovec iov[kMaxIovecs];
  bool mapped;
  int count = BuildIovecs(buffer, 0, iov, &mapped);
  SIZE_T covered = 0;
  for (int i = 0; i < count; ++i) covered += iov[i].iov_len;
  if (!mapped || covered != buffer.Length) {
    // Mdl.ProviderHandlesMappingFailure; or more MDLs than one host call takes.
    *status = STATUS_INSUFFICIENT_RESOURCES;
    return Progress::kDone;
  }
  msghdr message{};
  message.msg_iov = iov;
  message.msg_iovlen = count;
  Destination(s, args, &message);
  for (;;) {
    ssize_t n = sendmsg(s->fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
      *status = STATUS_SUCCESS;
      return Progress::kDone;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Progress::kWouldBlock;
    *status = StatusFromErrno(errno);
    return Progress::kDone;
  }
}

SIZE_T ListBytes(PWSK_BUF_LIST list) {
  SIZE_T total = 0;
  for (; list != nullptr; list = list->Next) total += list->Buffer.Length;
  return total;
}

// Copies `length` bytes of `data` into `buffer` (already checked).
SIZE_T CopyToBuf(const WSK_BUF& buffer, const char* data, SIZE_T length, bool* mapped) {
  iovec iov[kMaxIovecs];
  int count = BuildIovecs(buffer, 0, iov, mapped);
  SIZE_T copied = 0;
  for (int i = 0; i < count && copied < length; ++i) {
    SIZE_T take = iov[i].iov_len < length - copied ? iov[i].iov_len : length - copied;
    std::memcpy(iov[i].iov_base, data + copied, take);
    copied += take;
  }
  return copied;
}

void WriteOutputs(const DatagramArgs& args, const sockaddr* from, ULONG flags) {
  if (args.remote_out != nullptr && from != nullptr) FromHost(from, args.remote_out);
  // WskReceiveFrom.NullControlLengthIgnoresControlInfo: no control
  // information is offered (no IP_PKTINFO option), so its length is 0.
  if (args.control_length != nullptr) *args.control_length = 0;
  if (args.control_flags != nullptr) *args.control_flags = flags;
}

// Checks the parts every datagram send shares; STATUS_SUCCESS or why not.
NTSTATUS CheckSend(Socket* s, ULONG flags, PSOCKADDR remote, ULONG control_length,
                   DatagramArgs* args, const char* routine) {
  *args = DatagramArgs{};
  // WskSendTo.FlagsMustBeZero
  if (ReservedFlagsSet(flags, routine, s)) return STATUS_INVALID_PARAMETER;
  FamilyMismatch(remote, s->family, routine, s);
  // Control information would need Windows' IPPROTO option numbers mapped to
  // the host's; it is refused rather than sent without (WskSendMessages.ControlInfoMayBeUnsupported).
  if (control_length != 0) return STATUS_NOT_SUPPORTED;
  if (remote == nullptr) return STATUS_SUCCESS;
  return ToHost(remote, s->family, &args->destination, &args->destination_length);
}

// ...ControlInfoLengthZeroWithoutControl: no control information is
// ControlInfo NULL with ControlInfoLength 0.
void CheckControlInfo(Socket* s, ULONG length, const void* control, const char* routine) {
  if ((control == nullptr) != (length == 0)) {
    ReportInvalidRequest(s, "%s: ControlInfo %p with ControlInfoLength %lu; none is "
                         "NULL with 0", routine, control, static_cast<unsigned long>(length));
  }
}

// The state checks of a send, under s->mu.
NTSTATUS SendState(Socket* s, const DatagramArgs& args) {
  if (s->state == State::kUnbound) {  // WskSendTo.UnboundSocketFails
    ReportWrongState(s, "WskSendTo or WskSendMessages", "the socket is not bound");
    return STATUS_INVALID_DEVICE_STATE;
  }
  if (args.destination_length == 0 && s->datagram->sendto_length == 0 &&
      !s->datagram->remote_fixed) {
    // WskSendTo.RemoteAddressNeededWithoutFixed
    ReportInvalidRequest(s, "WskSendTo or WskSendMessages: RemoteAddress is NULL and "
                         "no fixed remote or destination address is set");
    return STATUS_INVALID_PARAMETER;  // WskSendTo.NullRemoteWithoutFixedFails
  }
  return STATUS_SUCCESS;
}

// Sends now, or queues behind earlier sends; releases `lock`.
NTSTATUS StartDatagramSend(Socket* s, PIRP irp, const DatagramArgs& args,
                           std::unique_lock<std::mutex>& lock) {
  if (!s->send_queue.empty() || TrySendDatagram(s, irp, args) == Progress::kWouldBlock) {
    return QueueWithArgs(s, s->send_queue, irp, args, lock);
  }
  lock.unlock();
  return Finish(irp, irp->IoStatus.Status, irp->IoStatus.Information);
}

}  // namespace

void DatagramStateDeleter::operator()(DatagramState* state) const { delete state; }

bool InitDatagram(Socket* s) {
  auto* state = new (std::nothrow) DatagramState();
  if (state == nullptr) return false;
  int on = 1;
  if (s->host_family == AF_INET) {
    setsockopt(s->fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
  } else {
    setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
  }
  std::lock_guard<std::mutex> lock(s->mu);
  s->datagram.reset(state);
  return true;
}

void FreeDatagramArgs(PIRP irp) {
  if (!IsDatagramKind(IrpOp(irp).kind())) return;
  DatagramArgs* args = ArgsOf(irp);
  if (args == nullptr) return;
  IoGetCurrentIrpStackLocation(irp)->Parameters.Others.Argument4 = nullptr;
  ExFreePoolWithTag(args, kArgsTag);
}

ULONG CastFlags(msghdr* message) {
  for (cmsghdr* c = CMSG_FIRSTHDR(message); c != nullptr; c = CMSG_NXTHDR(message, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      in_addr_t to = ntohl(info.ipi_addr.s_addr);
      if (IN_MULTICAST(to)) return WS_MSG_MCAST;
      if (to == INADDR_BROADCAST) return WS_MSG_BCAST;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      if (IN6_IS_ADDR_MULTICAST(&info.ipi6_addr)) return WS_MSG_MCAST;
    }
  }
  return 0;
}

Progress TrySendDatagram(Socket* s, PIRP irp, const DatagramArgs& args) {
  IrpOp op(irp);
  NTSTATUS status = STATUS_SUCCESS;
  if (op.kind() == OpKind::kSendTo) {
    WSK_BUF buffer = op.buffer();
    if (SendOne(s, buffer, args, &status) == Progress::kWouldBlock) return Progress::kWouldBlock;
    SetResult(irp, status, NT_SUCCESS(status) ? buffer.Length : 0);
    return Progress::kDone;
  }
  // WskSendMessages.EachBufferIsOneDatagram: done() counts entries sent.
  auto* list = static_cast<PWSK_BUF_LIST>(IoGetCurrentIrpStackLocation(irp)->Parameters.Others.Argument1);
  PWSK_BUF_LIST entry = list;
  for (SIZE_T i = 0; i < op.done() && entry != nullptr; ++i) entry = entry->Next;
  for (; entry != nullptr; entry = entry->Next) {
    if (SendOne(s, entry->Buffer, args, &status) == Progress::kWouldBlock) {
      return Progress::kWouldBlock;
    }
    if (!NT_SUCCESS(status)) {
      SetResult(irp, status, 0);
      return Progress::kDone;
    }
    op.set_done(op.done() + 1);
  }
  SetResult(irp, STATUS_SUCCESS, ListBytes(list));  // WskSendMessages.InformationIsTotalBytes
  return Progress::kDone;
}

Progress TryReceiveDatagram(Socket* s, PIRP irp, const DatagramArgs& args) {
  WSK_BUF buffer = IrpOp(irp).buffer();
  iovec iov[kMaxIovecs];
  bool mapped;
  int count = BuildIovecs(buffer, 0, iov, &mapped);
  if (!mapped) {
    SetResult(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    return Progress::kDone;
  }
  for (;;) {
    sockaddr_storage from;
    alignas(cmsghdr) char control[kControlRoom];
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof(from);
    message.msg_iov = iov;
    message.msg_iovlen = count;
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    ssize_t n = recvmsg(s->fd, &message, MSG_DONTWAIT);
    if (n >= 0) {
      // WskReceiveFrom.TruncationSetsMsgTrunc, BroadcastMulticastFlags
      ULONG flags = CastFlags(&message) | ((message.msg_flags & MSG_TRUNC) ? WS_MSG_TRUNC : 0);
      WriteOutputs(args, reinterpret_cast<sockaddr*>(&from), flags);
      SetResult(irp, STATUS_SUCCESS, static_cast<SIZE_T>(n));
      return Progress::kDone;
    }
    // An ICMP error reported on a fixed-remote socket belongs to an earlier
    // send, not to this receive.
    if (errno == EINTR || errno == ECONNREFUSED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Progress::kWouldBlock;
    SetResult(irp, StatusFromErrno(errno), 0);
    return Progress::kDone;
  }
}

// Copies a backlog datagram (data, sender, flags) for a receive.
void DeliverBacklogged(PIRP irp, const DatagramArgs& args, const char* data,
                       SIZE_T length, const SOCKADDR* remote, ULONG cast_flags) {
  WSK_BUF buffer = IrpOp(irp).buffer();
  bool mapped = true;
  SIZE_T copied = CopyToBuf(buffer, data, length, &mapped);
  if (!mapped) {
    SetResult(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    return;
  }
  if (args.remote_out != nullptr) {
    std::memcpy(args.remote_out, remote, WindowsAddressLength(remote->sa_family));
  }
  WriteOutputs(args, nullptr, cast_flags | (copied < length ? WS_MSG_TRUNC : 0));
  SetResult(irp, STATUS_SUCCESS, copied);
}

NTSTATUS WSKAPI SendTo(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                       PSOCKADDR RemoteAddress, ULONG ControlInfoLength,
                       PCMSGHDR ControlInfo, PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kSendTo, &s, &result, "WskSendTo")) return result;
  DatagramArgs args;
  CheckControlInfo(s, ControlInfoLength, ControlInfo, "WskSendTo");
  NTSTATUS status = CheckSend(s, Flags, RemoteAddress, ControlInfoLength, &args,
                              "WskSendTo");
  if (NT_SUCCESS(status)) status = CheckWskBuf(Buffer, "WskSendTo");
  if (!NT_SUCCESS(status)) return Finish(Irp, status, 0);
  std::unique_lock<std::mutex> lock(s->mu);
  status = SendState(s, args);
  if (!NT_SUCCESS(status)) {
    lock.unlock();
    return Finish(Irp, status, 0);
  }
  IrpOp(Irp).set_buffer(Buffer);
  return StartDatagramSend(s, Irp, args, lock);
}

NTSTATUS WSKAPI SendMessages(PWSK_SOCKET Socket, PWSK_BUF_LIST BufferList,
                             ULONG Flags, PSOCKADDR RemoteAddress,
                             ULONG ControlInfoLength, PCMSGHDR ControlInfo, PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kSendMessages, &s,
                 &result, "WskSendMessages")) {
    return result;
  }
  DatagramArgs args;
  CheckControlInfo(s, ControlInfoLength, ControlInfo, "WskSendMessages");
  if (KeGetCurrentIrql() > DISPATCH_LEVEL) {  // WskSendMessages.IrqlAtMostDispatch
    ReportInvalidRequest(s, "WskSendMessages is called at IRQL <= DISPATCH_LEVEL; "
                         "IRQL is %u", static_cast<unsigned>(KeGetCurrentIrql()));
  }
  NTSTATUS status = CheckSend(s, Flags, RemoteAddress, ControlInfoLength, &args,
                              "WskSendMessages");
  if (NT_SUCCESS(status) && BufferList == nullptr) status = STATUS_INVALID_PARAMETER;
  for (PWSK_BUF_LIST entry = BufferList; NT_SUCCESS(status) && entry != nullptr;
       entry = entry->Next) {
    status = CheckWskBuf(&entry->Buffer, "WskSendMessages");
  }
  if (!NT_SUCCESS(status)) return Finish(Irp, status, 0);
  std::unique_lock<std::mutex> lock(s->mu);
  status = SendState(s, args);
  if (!NT_SUCCESS(status)) {
    lock.unlock();
    return Finish(Irp, status, 0);
  }
  for (PWSK_BUF_LIST entry = BufferList; entry != nullptr; entry = entry->Next) {
    WskconfIrpHoldWskBuf(Irp, &entry->Buffer);  // ...BuffersValidUntilCompletion
  }
  IoGetCurrentIrpStackLocation(Irp)->Parameters.Others.Argument1 = BufferList;
  return StartDatagramSend(s, Irp, args, lock);
}

NTSTATUS WSKAPI ReceiveFrom(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags,
                            PSOCKADDR RemoteAddress, PULONG ControlInfoLength,
                            PCMSGHDR ControlInfo, PULONG ControlFlags, PIRP Irp) {
  internal::Socket* s;
  NTSTATUS result;
  if (!BeginCall(Socket, Irp, OpKind::kReceiveFrom, &s,
                 &result, "WskReceiveFrom")) {
    return result;
  }
  // WskReceiveFrom.FlagsMustBeZero
  NTSTATUS status = ReservedFlagsSet(Flags, "WskReceiveFrom", Socket)
                        ? STATUS_INVALID_PARAMETER
                        : CheckWskBuf(Buffer, "WskReceiveFrom");
  if (!NT_SUCCESS(status)) return Finish(Irp, status, 0);
  DatagramArgs args{};
  args.remote_out = RemoteAddress;
  args.control_length = ControlInfoLength;
  args.control = ControlInfo;
  args.control_flags = ControlFlags;
  // WskReceiveFrom.BuffersValidUntilCompletion
  WskconfIrpHoldBuffer(Irp, RemoteAddress, sizeof(SOCKADDR));
  WskconfIrpHoldBuffer(Irp, ControlInfoLength, sizeof(ULONG));
  WskconfIrpHoldBuffer(Irp, ControlInfo, sizeof(CMSGHDR));
  WskconfIrpHoldBuffer(Irp, ControlFlags, sizeof(ULONG));
  std::unique_lock<std::mutex> lock(s->mu);
  if (s->state == State::kUnbound) {
    lock.unlock();
    ReportWrongState(s, "WskReceiveFrom", "the socket is not bound");
    return Finish(Irp, STATUS_INVALID_DEVICE_STATE, 0);
  }
  IrpOp(Irp).set_buffer(Buffer);
  // Earlier receives, and datagrams a running callback holds, come first.
  if (!s->receive_queue.empty() || s->callback_running ||
      (!ReceiveFromBacklog(s, Irp, args) &&
       TryReceiveDatagram(s, Irp, args) == Progress::kWouldBlock)) {
    return QueueWithArgs(s, s->receive_queue, Irp, args, lock);
  }
  lock.unlock();
  return Finish(Irp, Irp->IoStatus.Status, Irp->IoStatus.Information);
}

}  // namespace wskconf::reference::internal
