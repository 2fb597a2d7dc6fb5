// The ideal send backlog (what SIO_WSK_QUERY_IDEAL_SEND_BACKLOG reports) and
// WskSendBacklogEvent when it changes. Linux has no such figure; the
// congestion window in bytes (TCP_INFO: snd_cwnd * snd_mss), capped by the
// send buffer, is the amount a sender should keep queued to fill the pipe.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "internal/client_checks.h"
#include "internal/ops.h"

namespace wskconf::reference::internal {

SIZE_T IdealSendBacklog(Socket* s) {
  tcp_info info{};
  socklen_t length = sizeof(info);
  SIZE_T window = 0;
  if (getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, &info, &length) == 0) {
    window = static_cast<SIZE_T>(info.tcpi_snd_cwnd) * info.tcpi_snd_mss;
  }
  int send_buffer = 0;
  length = sizeof(send_buffer);
  getsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, &length);
  if (send_buffer > 0 && (window == 0 || window > static_cast<SIZE_T>(send_buffer))) {
    window = static_cast<SIZE_T>(send_buffer);
  }
  return window;
}

void IndicateSendBacklog(Socket* s, std::unique_lock<std::mutex>& lock) {
  const WSK_CLIENT_CONNECTION_DISPATCH* callbacks = ConnectionCallbacks(s);
  if (s->closing || s->state != State::kConnected || s->aborted ||
      !(s->event_mask & WSK_EVENT_SEND_BACKLOG) || callbacks == nullptr ||
      callbacks->WskSendBacklogEvent == nullptr) {
    return;
  }
  SIZE_T ideal = IdealSendBacklog(s);
  // The first figure after enabling counts as a change from "unknown".
  if (ideal == s->reported_backlog) return;
  s->reported_backlog = ideal;
  PVOID context = s->context;
  if (!EnterCallback(s, lock)) return;
  KIRQL irql = KeRaiseIrqlToDpcLevel();
  // WskSendBacklogEvent.OnChange
  NTSTATUS status = callbacks->WskSendBacklogEvent(context, ideal);
  KeLowerIrql(irql);
  CheckCallbackReturn("WskSendBacklogEvent", status, false, s);
  LeaveCallback(s, lock);
}

}  // namespace wskconf::reference::internal
