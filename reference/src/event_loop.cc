// The event loop: one thread, epoll (edge triggered) over every socket and
// an eventfd for work posted by other threads. Work posted for a socket runs
// after the epoll batch it arrived in, so a socket freed by posted work is
// never seen again in a batch that still names it.
#include "internal/event_loop.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <mutex>
#include <thread>

#include "internal/completion.h"
#include "internal/errno_status.h"
#include "internal/transport_watch.h"

namespace wskconf::reference::internal {
namespace {

constexpr int kMaxEvents = 128;
constexpr uintptr_t kAddressTag = 1;
// The epoll data of the transport watcher's rtnetlink socket: no Socket
// lives at address 2.
constexpr uint64_t kTransportsData = 2;

class Loop {
 public:
  NTSTATUS AddUser() {
    std::lock_guard<std::mutex> lock(users_mu_);
    if (users_++ > 0) return STATUS_SUCCESS;
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epoll_fd_ < 0 || wake_fd_ < 0) return FailStart(errno);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;  // the wake eventfd
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
      return FailStart(errno);
    }
    stop_ = false;
    thread_ = std::thread([this] { Run(); });
    // Named for debuggers, perf and the tests that count its wakeups.
    pthread_setname_np(thread_.native_handle(), "wskconf-loop");
    return STATUS_SUCCESS;
  }

  void RemoveUser() {
    std::lock_guard<std::mutex> lock(users_mu_);
    if (users_ == 0 || --users_ > 0) return;
    {
      std::lock_guard<std::mutex> posted(posted_mu_);
      stop_ = true;
    }
    Wake();
    thread_.join();
    close(epoll_fd_);
    close(wake_fd_);
    epoll_fd_ = wake_fd_ = -1;
  }

  NTSTATUS Watch(Socket* s) {
    {
      std::lock_guard<std::mutex> lock(posted_mu_);
      s->loop_seen = true;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = s;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, s->fd, &ev) != 0) {
      return StatusFromErrno(errno);
    }
    return STATUS_SUCCESS;
  }

  void Unwatch(Socket* s) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, s->fd, nullptr); }

  // The netlink descriptor of a socket is registered with the socket's
  // address plus kAddressTag (Socket is more than 1-aligned), so one epoll
  // set serves both without a lookup.
  NTSTATUS WatchAddresses(Socket* s) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = reinterpret_cast<uintptr_t>(s) | kAddressTag;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, s->netlink_fd, &ev) != 0) {
      return StatusFromErrno(errno);
    }
    return STATUS_SUCCESS;
  }

  NTSTATUS WatchTransports(int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = kTransportsData;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return StatusFromErrno(errno);
    return STATUS_SUCCESS;
  }

  void UnwatchAddresses(Socket* s) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, s->netlink_fd, nullptr);
  }

  void PostCompletion(PIRP irp) {
    std::lock_guard<std::mutex> lock(posted_mu_);
    completions_.PushBack(irp);
    WakeLocked();
  }

  void Post(Socket* s, uint32_t work) {
    std::lock_guard<std::mutex> lock(posted_mu_);
    s->loop_seen = true;
    if (s->loop_posted == 0) {
      s->loop_next = posted_sockets_;
      posted_sockets_ = s;
    }
    s->loop_posted |= work;
    WakeLocked();
  }

  // A socket no epoll batch and no posted work can name is freed on the
  // calling thread: no loop wakeup for a connection that never waited.
  void Free(Socket* s) {
    {
      std::lock_guard<std::mutex> lock(posted_mu_);
      if (s->loop_seen) {
        if (s->loop_posted == 0) {
          s->loop_next = posted_sockets_;
          posted_sockets_ = s;
        }
        s->loop_posted |= kLoopFree;
        WakeLocked();
        return;
      }
    }
    FreeSocket(s);
  }

  static bool OnThread() { return on_loop_thread_; }

 private:
  NTSTATUS FailStart(int err) {
    if (epoll_fd_ >= 0) close(epoll_fd_);
    if (wake_fd_ >= 0) close(wake_fd_);
    epoll_fd_ = wake_fd_ = -1;
    users_ = 0;
    return StatusFromErrno(err);
  }

  void Wake() {
    uint64_t one = 1;
    ssize_t written = write(wake_fd_, &one, sizeof(one));
    (void)written;  // EAGAIN: the counter is already non-zero, a wake is due
  }

  // Caller holds posted_mu_. Skips the syscall when a wake is already due.
  void WakeLocked() {
    if (wake_pending_) return;
    wake_pending_ = true;
    Wake();
  }

  void Run() {
    on_loop_thread_ = true;
    epoll_event events[kMaxEvents];
    for (;;) {
      int n = epoll_wait(epoll_fd_, events, kMaxEvents, -1);
      if (n < 0 && errno != EINTR) break;
      for (int i = 0; i < n; ++i) {
        const uint64_t data = events[i].data.u64;
        if (data == 0) {
          uint64_t count;
          ssize_t got = read(wake_fd_, &count, sizeof(count));
          (void)got;
          continue;
        }
        if (data == kTransportsData) {
          OnTransportsReadable();
          continue;
        }
        auto* s = reinterpret_cast<Socket*>(data & ~uint64_t{kAddressTag});
        if ((data & kAddressTag) != 0) {
          OnAddressesChanged(s);
        } else {
          OnSocketReady(s, events[i].events);
        }
      }
      if (!RunPosted()) break;
    }
  }

  // Runs posted work; false once asked to stop and nothing is left.
  bool RunPosted() {
    for (;;) {
      IrpList completions;
      Socket* sockets;
      bool stop;
      {
        std::lock_guard<std::mutex> lock(posted_mu_);
        completions.Splice(completions_);
        sockets = posted_sockets_;
        posted_sockets_ = nullptr;
        wake_pending_ = false;
        stop = stop_;
      }
      if (completions.empty() && sockets == nullptr) return !stop;
      while (!completions.empty()) {
        PIRP irp = completions.PopFront();
        CompletePending(irp, irp->IoStatus.Status, irp->IoStatus.Information);
      }
      while (sockets != nullptr) {
        Socket* s = sockets;
        uint32_t work;
        {
          std::lock_guard<std::mutex> lock(posted_mu_);
          sockets = s->loop_next;
          work = s->loop_posted;
          s->loop_posted = 0;
          s->loop_next = nullptr;
        }
        if (work & kLoopFree) {
          FreeSocket(s);
        } else if (work & kLoopRescan) {
          OnSocketReady(s, EPOLLIN | EPOLLOUT);
        }
      }
    }
  }

  std::mutex users_mu_;
  int users_ = 0;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
  static thread_local bool on_loop_thread_;

  std::mutex posted_mu_;
  bool stop_ = false;
  bool wake_pending_ = false;
  IrpList completions_;
  Socket* posted_sockets_ = nullptr;
};

thread_local bool Loop::on_loop_thread_ = false;

Loop& TheLoop() {
  static Loop* loop = new Loop();  // lives as long as the process
  return *loop;
}

}  // namespace

NTSTATUS LoopAddUser() { return TheLoop().AddUser(); }
void LoopRemoveUser() { TheLoop().RemoveUser(); }
NTSTATUS LoopWatch(Socket* s) { return TheLoop().Watch(s); }
void LoopUnwatch(Socket* s) { TheLoop().Unwatch(s); }
NTSTATUS LoopWatchAddresses(Socket* s) { return TheLoop().WatchAddresses(s); }
void LoopUnwatchAddresses(Socket* s) { TheLoop().UnwatchAddresses(s); }
NTSTATUS LoopWatchTransports(int fd) { return TheLoop().WatchTransports(fd); }
void LoopPostCompletion(PIRP irp) { TheLoop().PostCompletion(irp); }
void LoopPost(Socket* s, uint32_t work) { TheLoop().Post(s, work); }
void LoopFree(Socket* s) { TheLoop().Free(s); }
bool OnLoopThread() { return Loop::OnThread(); }

}  // namespace wskconf::reference::internal
