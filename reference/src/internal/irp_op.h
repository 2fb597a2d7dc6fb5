// What the provider remembers about an IRP it holds, kept in the IRP itself
// (the current stack location's Parameters and Tail.Overlay.DriverContext,
// which belong to the driver that holds the IRP): no allocation per call.
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_IRP_OP_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_IRP_OP_H_

#include <wsk.h>
#include <wskconf/provider_checks.h>

#include <cstdint>

namespace wskconf::reference::internal {

struct Socket;

enum class OpKind : uintptr_t {
  kNone = 0,
  kAccept,
  kReceive,
  kSend,
  kDisconnect,      // graceful, queued behind the sends
  kConnect,         // WskConnect, WskConnectEx (buffer sent once connected)
  kSocketConnect,   // WskSocketConnect: the IRP carries the new socket
  kEventDisable,    // SO_WSK_EVENT_CALLBACK disable waiting for a callback
  kSendTo,          // WskSendTo (datagram.cc)
  kSendMessages,    // WskSendMessages: Argument1 is the WSK_BUF_LIST
  kReceiveFrom,     // WskReceiveFrom
};

// Accessors over the IRP's provider-owned fields. Valid between TakeIrp and
// the IRP's completion.
class IrpOp {
 public:
  explicit IrpOp(PIRP irp) : irp_(irp) {}

  Socket* socket() const { return static_cast<Socket*>(ctx()[0]); }
  void set_socket(Socket* s) { ctx()[0] = s; }
  OpKind kind() const { return static_cast<OpKind>(word(1)); }
  void set_kind(OpKind k) { set_word(1, static_cast<uintptr_t>(k)); }
  // Bytes moved so far (send, receive, WskConnectEx's buffer).
  SIZE_T done() const { return word(2); }
  void set_done(SIZE_T n) { set_word(2, n); }
  ULONG flags() const { return static_cast<ULONG>(word(3)); }
  void set_flags(ULONG f) { set_word(3, f); }

  // The WSK_BUF of a send/receive/disconnect/WskConnectEx (Mdl NULL and
  // Length 0 when there is none).
  WSK_BUF buffer() const {
    WSK_BUF b;
    b.Mdl = static_cast<PMDL>(args().Argument1);
    b.Offset = static_cast<ULONG>(reinterpret_cast<uintptr_t>(args().Argument2));
    b.Length = reinterpret_cast<SIZE_T>(args().Argument3);
    return b;
  }
  // Irp.BufferReleasedBeforeCompletion: the runtime watches the buffer's
  // MDLs and memory until the IRP completes.
  void set_buffer(const WSK_BUF* b) {
    if (b != nullptr) WskconfIrpHoldWskBuf(irp_, b);
    args().Argument1 = b ? b->Mdl : nullptr;
    args().Argument2 = reinterpret_cast<PVOID>(static_cast<uintptr_t>(b ? b->Offset : 0));
    args().Argument3 = reinterpret_cast<PVOID>(b ? b->Length : 0);
  }

  // WskAccept's outputs and the accepted socket's client context.
  PSOCKADDR local_out() const { return static_cast<PSOCKADDR>(args().Argument1); }
  PSOCKADDR remote_out() const { return static_cast<PSOCKADDR>(args().Argument2); }
  PVOID accept_context() const { return args().Argument3; }
  const void* accept_dispatch() const { return args().Argument4; }
  void set_accept(PSOCKADDR local, PSOCKADDR remote, PVOID context,
                  const void* dispatch) {
    WskconfIrpHoldBuffer(irp_, local, sizeof(SOCKADDR));
    WskconfIrpHoldBuffer(irp_, remote, sizeof(SOCKADDR));
    args().Argument1 = local;
    args().Argument2 = remote;
    args().Argument3 = context;
    args().Argument4 = const_cast<void*>(dispatch);
  }

 private:
  PVOID* ctx() const { return irp_->Tail.Overlay.DriverContext; }
  uintptr_t word(int i) const { return reinterpret_cast<uintptr_t>(ctx()[i]); }
  void set_word(int i, uintptr_t v) { ctx()[i] = reinterpret_cast<PVOID>(v); }
  decltype(IO_STACK_LOCATION::Parameters.Others)& args() const {
    return IoGetCurrentIrpStackLocation(irp_)->Parameters.Others;
  }

  PIRP irp_;
};

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_IRP_OP_H_
