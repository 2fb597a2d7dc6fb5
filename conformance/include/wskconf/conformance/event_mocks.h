// GoogleMock mocks of every WSK client event callback (accept, inspect,
// abort, receive, disconnect, send backlog, receive-from, client event),
// behind dispatch tables a case hands to the provider. Every call is also
// checked where the spec says (spec/events.xml): the SocketContext is the
// one the case gave, the IRQL is at most DISPATCH_LEVEL and exactly
// DISPATCH_LEVEL when WSK_FLAG_AT_DISPATCH_LEVEL is set, and no callback
// comes after the case closed the socket (MarkClosed). A wrong
// SocketContext is reported and answered without touching it.
#ifndef WSKCONF_CONFORMANCE_EVENT_MOCKS_H_
#define WSKCONF_CONFORMANCE_EVENT_MOCKS_H_

#include <wsk.h>

#include <atomic>

#include <gmock/gmock.h>

namespace wskconf::conformance {

class ClientEventMock {
 public:
  ClientEventMock();
  ~ClientEventMock();
  ClientEventMock(const ClientEventMock&) = delete;
  ClientEventMock& operator=(const ClientEventMock&) = delete;

  MOCK_METHOD(NTSTATUS, Accept,
              (ULONG flags, PSOCKADDR local, PSOCKADDR remote,
               PWSK_SOCKET accept_socket, PVOID* accept_context,
               const WSK_CLIENT_CONNECTION_DISPATCH** accept_dispatch));
  MOCK_METHOD(WSK_INSPECT_ACTION, Inspect,
              (PSOCKADDR local, PSOCKADDR remote, PWSK_INSPECT_ID id));
  MOCK_METHOD(NTSTATUS, Abort, (PWSK_INSPECT_ID id));
  MOCK_METHOD(NTSTATUS, Receive,
              (ULONG flags, PWSK_DATA_INDICATION data, SIZE_T indicated,
               SIZE_T* accepted));
  MOCK_METHOD(NTSTATUS, Disconnect, (ULONG flags));
  MOCK_METHOD(NTSTATUS, SendBacklog, (SIZE_T ideal_backlog));
  MOCK_METHOD(NTSTATUS, ReceiveFrom,
              (ULONG flags, PWSK_DATAGRAM_INDICATION data));
  MOCK_METHOD(NTSTATUS, ClientEvent,
              (ULONG event, PVOID information, SIZE_T length));

  // Tables whose callbacks forward to this mock. Give `context()` as the
  // SocketContext (or ClientContext) with them.
  const WSK_CLIENT_LISTEN_DISPATCH* listen_dispatch() const;
  const WSK_CLIENT_CONNECTION_DISPATCH* connection_dispatch() const;
  const WSK_CLIENT_DATAGRAM_DISPATCH* datagram_dispatch() const;
  const WSK_CLIENT_STREAM_DISPATCH* stream_dispatch() const;
  const WSK_CLIENT_DISPATCH* client_dispatch() const;
  // The client table for a socket category (stream: both roles).
  const VOID* dispatch_for(bool listen, bool datagram, bool stream) const;
  PVOID context() { return this; }

  // From now on every callback is a failure: the socket was closed.
  void MarkClosed() { closed_ = true; }
  // Callbacks seen so far (of any kind).
  int calls() const { return calls_.load(); }

  // Trampolines' checks; public for the dispatch tables in the .cc.
  static ClientEventMock* FromContext(PVOID context, const char* callback);
  void OnCall(const char* callback, bool has_flags, ULONG flags);

 private:
  std::atomic<bool> closed_{false};
  std::atomic<int> calls_{0};
  WSK_CLIENT_STREAM_DISPATCH stream_{};
};

}  // namespace wskconf::conformance

#endif  // WSKCONF_CONFORMANCE_EVENT_MOCKS_H_
