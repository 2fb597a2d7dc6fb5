// The provider's socket object: one host socket, its WSK category and state,
// the queues of IRPs waiting on it, and the event callbacks it may call.
// Every TU of reference/src is compiled with WSKCONF_WS_PREFIX (CMake).
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_SOCKET_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_SOCKET_H_

#include <wsk.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace wskconf::reference::internal {

class Registration;
struct Indication;

enum class Category : uint8_t { kBasic, kListen, kConnection, kStream, kDatagram };

// What a datagram socket keeps beyond the common fields (datagram.h).
struct DatagramState;
struct DatagramStateDeleter {
  void operator()(DatagramState* state) const;
};

// Where a socket is in its life. Stream sockets commit to kListening or
// kConnecting/kConnected; the other categories move along one path.
enum class State : uint8_t {
  kUnbound,
  kBound,
  kListening,
  kConnecting,
  kConnected,
};

// A list of IRPs linked through Irp->Tail.Overlay.ListEntry, so queueing an
// IRP allocates nothing.
struct IrpList {
  LIST_ENTRY head;
  IrpList() { InitializeListHead(&head); }
  IrpList(const IrpList&) = delete;
  IrpList& operator=(const IrpList&) = delete;
  bool empty() const { return IsListEmpty(&head); }
  void PushBack(PIRP irp) { InsertTailList(&head, &irp->Tail.Overlay.ListEntry); }
  PIRP Front() const {
    return CONTAINING_RECORD(head.Flink, IRP, Tail.Overlay.ListEntry);
  }
  PIRP PopFront() {
    return CONTAINING_RECORD(RemoveHeadList(&head), IRP, Tail.Overlay.ListEntry);
  }
  // Moves every IRP of `other` to the end of this list.
  void Splice(IrpList& other) {
    while (!other.empty()) PushBack(other.PopFront());
  }
};

struct Socket {
  // First member: a PWSK_SOCKET handed to the client is this object.
  WSK_SOCKET wsk{};
  std::atomic<uint32_t> magic{kLiveMagic};
  Category category = Category::kBasic;
  ADDRESS_FAMILY family = 0;  // Windows value (WS_AF_INET / WS_AF_INET6)
  int host_family = 0;        // host value (AF_INET / AF_INET6)
  int fd = -1;
  Registration* registration = nullptr;

  // Client side: the context and table passed to WskSocket/WskAccept/the
  // accept event. Read under mu.
  PVOID context = nullptr;
  const void* client_dispatch = nullptr;

  std::mutex mu;  // guards everything below
  State state = State::kUnbound;
  bool closing = false;        // WskCloseSocket was called
  bool send_shutdown = false;  // our FIN was sent (graceful disconnect)
  bool peer_closed = false;    // the peer's FIN was read
  bool aborted = false;        // reset by either side
  NTSTATUS abort_status = STATUS_SUCCESS;  // what calls fail with once aborted
  bool peer_fin_seen = false;  // epoll reported the peer's FIN (RDHUP)
  bool disconnect_indicated = false;
  bool receive_paused = false;  // WskReceiveEvent declined or took part
  bool receive_during_callback = false;  // a WskReceive while a callback ran
  bool nodelay_option = false;  // TCP_NODELAY set as a socket option
  // SIO_WSK_SET_TCP_SILENT_MODE is on (silent_mode.cc): nothing is sent,
  // received or indicated any more, only WskCloseSocket does anything.
  bool silent = false;
  // Address sharing (SO_REUSEADDR, SO_EXCLUSIVEADDRUSE): set before WskBind,
  // which decides with them (address_sharing.cc).
  bool reuse_address = false;
  bool exclusive_address = false;
  bool holds_address = false;  // listed by BindShared until the close
  // SO_WSK_SECURITY: a referenced copy in the client's descriptor cache, or
  // nullptr for the default (socket_security.cc).
  PVOID security_descriptor = nullptr;
  bool callback_running = false;
  ULONG event_mask = 0;        // enabled WSK_EVENT_* callbacks
  ULONG static_events = 0;     // of those, the ones WSK_SET_STATIC_EVENT_CALLBACKS fixed
  uint32_t busy = 0;           // IRPs held + callbacks running
  PIRP close_irp = nullptr;
  IrpList connect_queue;  // at most one: WskConnect/WskConnectEx/WskSocketConnect
  IrpList accept_queue;
  IrpList receive_queue;
  IrpList send_queue;           // WskSend and graceful WskDisconnect, in order
  IrpList disable_waiters;      // event disables waiting for a callback
  IrpList address_change_queue;  // SIO_ADDRESS_LIST_CHANGE notifications
  int netlink_fd = -1;           // rtnetlink socket while one may wait
  // In the event loop's epoll set. Stream-type sockets join it only once
  // something waits on them (WatchLocked), so a connection accepted and
  // closed without ever waiting costs no epoll registration nor loop wakeup.
  bool watched = false;
  uint32_t loop_posted = 0;     // work posted to the event loop (LoopWork)
  Socket* loop_next = nullptr;  // link in the event loop's posted list
  // The event loop may name this socket (it was watched or posted work);
  // guarded by the loop's own lock. A socket it never saw is freed at once.
  bool loop_seen = false;
  Indication* retained = nullptr;  // indications the client still holds
  SIZE_T reported_backlog = 0;  // last WskSendBacklogEvent figure (0: none)
  // Conditional accept (conditional_accept.cc). On a listen socket: the
  // mode (SO_CONDITIONAL_ACCEPT), the last inspect serial number, and the
  // connections inspected but not yet handed over. On such a connection
  // (a candidate): its listener while it waits, its link, whether the
  // client pended it, and its WSK_INSPECT_ID (SIO_WSK_QUERY_INSPECT_ID).
  // The candidate fields are guarded by the listener's mu.
  bool conditional_accept = false;
  ULONG inspect_serial = 0;
  Socket* candidates = nullptr;
  Socket* candidate_of = nullptr;
  Socket* candidate_next = nullptr;
  bool inspect_pended = false;
  bool inspecting = false;  // WskInspectEvent for it is running
  // A WskInspectComplete that came while WskInspectEvent still ran
  // (WskInspectMax: none); applied if the callback pends.
  WSK_INSPECT_ACTION early_action = WskInspectMax;
  bool has_inspect_id = false;
  WSK_INSPECT_ID inspect_id{};
  // Where WskInspectEvent was shown the ID (compared, never read).
  const void* inspect_id_given = nullptr;
  // Datagram sockets only: fixed addresses and datagrams read but not yet
  // taken by the client.
  std::unique_ptr<DatagramState, DatagramStateDeleter> datagram;

  static constexpr uint32_t kLiveMagic = 0x6b73574c;    // "LWsk"
  static constexpr uint32_t kClosedMagic = 0x6b735743;  // "CWsk"
};

// Work the event loop does for a socket on its own thread (Socket::loop_posted).
enum LoopWork : uint32_t {
  kLoopRescan = 1,  // look at the socket as if epoll had reported it ready
  kLoopFree = 2,    // the socket is closed: forget it and free it
};

// The socket behind a client's PWSK_SOCKET, or nullptr for NULL or an object
// that is not (or no longer) one of ours.
Socket* FromWsk(PWSK_SOCKET wsk);

// Creates a socket of `category` over host socket `fd` (which it then owns)
// for `registration`, in `state`, with the client's context and table; its
// Dispatch is the provider table of the category. Datagram sockets and
// sockets with static event callbacks join the event loop at once (their
// data is read as it comes); the others when something first waits on them
// (WatchLocked). nullptr when out of memory or epoll refuses the descriptor
// (fd is then closed).
Socket* CreateSocket(Registration* registration, Category category,
                     ADDRESS_FAMILY family, int fd, State state, PVOID context,
                     const void* client_dispatch);

// Adds `s` to the event loop's epoll set unless it is there already, so
// readiness from now on (and what is ready already) reaches
// OnSocketReady. Call it before an IRP waits on the socket or an event
// callback is enabled. Caller holds s->mu. STATUS_SUCCESS or the status of
// the failed epoll_ctl.
NTSTATUS WatchLocked(Socket* s);

// Takes one more hold on `s` (an IRP or a callback); the socket is not
// finally closed while any hold remains. Caller holds s->mu.
inline void HoldLocked(Socket* s) { ++s->busy; }

// Drops a hold taken with HoldLocked; when it was the last one and the
// socket is closing, finishes the close (completes the close IRP, frees).
// Caller must NOT hold s->mu.
void Release(Socket* s);

// Stops watching and closes the host socket of a socket being closed.
void FinishClose(Socket* s);
// Frees `s`: at once when the event loop never saw it, else by the loop
// after its current batch (which may still name it).
void FreeLater(Socket* s);

// Frees a socket the client never saw (WskSocketConnect failed), closing its
// host socket. Caller holds no lock and no IRP is queued on it.
void DestroyUnpublished(Socket* s);

// Called by the event loop (its thread, no lock held) after the socket's
// last hold is gone and the close IRP completed: frees the object.
void FreeSocket(Socket* s);

// The provider dispatch table of a category.
const void* ProviderDispatchFor(Category category);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_SOCKET_H_
