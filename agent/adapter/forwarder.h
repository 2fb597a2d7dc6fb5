// The `wine` adapter's engine: one agent session per process, the local
// proxies of the agent's registrations and sockets, and the local IRPs that
// wait for the agent's COMPLETION messages. The dispatch functions
// (client_calls.cc, socket_calls.cc) build CALL messages and hand them to
// Forward(); completions and events come back on the dispatcher thread.
#ifndef WSKCONF_AGENT_ADAPTER_FORWARDER_H_
#define WSKCONF_AGENT_ADAPTER_FORWARDER_H_

#include <wsk.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "wskconf/agent/message.h"
#include "wskconf/agent/session.h"

namespace wskconf::agent::adapter {

// The environment variable naming the relay a case process connects to
// ("127.0.0.1:PORT"); `wskconf run --adapter wine` sets it. Without it the
// adapter starts Wine and the relay itself (slow: for one-off runs).
inline constexpr char kAgentAddressEnv[] = "WSKCONF_AGENT_ADDRESS";
// How long a case process retries connecting while the runner restarts
// Wine's side after a crash.
inline constexpr Millis kConnectTimeout{30000};

// A local registration (WSK_REGISTRATION's ReservedRegistrationContext and
// the WSK_CLIENT of the captured NPI).
struct ProxyClient {
  uint32_t handle = 0;  // the agent's REGISTRATION
  WSK_CLIENT_NPI client{};
};

// A local socket: what the client sees as PWSK_SOCKET (wsk comes first).
struct ProxySocket {
  WSK_SOCKET wsk{};
  uint32_t handle = 0;  // the agent's SOCKET
  ULONG category = 0;   // WSK_FLAG_*_SOCKET
  PVOID context = nullptr;
  const VOID* client_dispatch = nullptr;
  ProxyClient* client = nullptr;
};

// A forwarded call that took the client's IRP, until its COMPLETION.
struct Pending {
  PIRP irp = nullptr;
  uint32_t function = 0;
  bool returned = false;             // the RETURN was handled
  std::optional<Message> early;      // COMPLETION that came before it
  // Where the completion's outputs go.
  WSK_BUF buffer{};                  // receive destinations
  PSOCKADDR local_out = nullptr, remote_out = nullptr;
  PADDRINFOEXW* address_info_out = nullptr;
  PUNICODE_STRING node_out = nullptr, service_out = nullptr;
  PVOID output = nullptr;
  SIZE_T output_size = 0;
  PULONG control_length = nullptr, control_flags = nullptr;
  PCMSGHDR control_info = nullptr;
  // A socket-creating call: the proxy's category, context and dispatch.
  ULONG new_category = 0;
  PVOID new_context = nullptr;
  const VOID* new_dispatch = nullptr;
  ProxyClient* client = nullptr;
  ProxySocket* socket = nullptr;     // the socket the call was made on
};

class Forwarder {
 public:
  // The process's forwarder; connects (or starts Wine) on first use. Any
  // failure to reach the agent ends the process with the reason (the
  // runner reports the case as ERROR).
  static Forwarder& Get();

  // Sends a call that takes `irp` and returns the provider's status; the
  // IRP is completed when the agent reports its completion. `pending`
  // says where outputs go. A NULL irp, or an agent that refuses the call,
  // ends the process with the reason (the protocol cannot express it).
  NTSTATUS Forward(const char* what, MessageBuilder call, PIRP irp,
                   std::unique_ptr<Pending> pending);
  // Sends a call without an IRP and returns the agent's RETURN.
  Message CallNow(const char* what, const MessageBuilder& call);
  // The same, but a refusal by the agent is no reason to end the process:
  // nullopt (traced) instead.
  std::optional<Message> CallQuietly(const char* what,
                                     const MessageBuilder& call);
  // The protocol version agreed with the agent.
  uint32_t protocol_version() const { return session_->version(); }

  // Sockets by agent handle (events name them).
  ProxySocket* FindSocket(uint32_t handle);
  ProxySocket* NewSocket(uint32_t handle, ULONG category, PVOID context,
                         const VOID* dispatch, ProxyClient* client);
  void ForgetSocket(ProxySocket* socket);
  // Address-info lists handed to the client, with the agent's HANDLE.
  void RememberAddressInfo(PADDRINFOEXW list, uint32_t handle);
  std::optional<uint32_t> TakeAddressInfo(PADDRINFOEXW list);

  // Registrations by agent handle (client events name them); the session
  // is reset (SHUTDOWN) when the last goes.
  void Registered(ProxyClient* client);
  void Deregistered(ProxyClient* client);
  ProxyClient* FindClient(uint32_t handle);

  // The provider's dispatch Version seen at WskCaptureProviderNPI.
  void SetProviderVersion(USHORT version) { provider_version_ = version; }
  USHORT provider_version() const { return provider_version_; }

  [[noreturn]] static void Fatal(const std::string& why);

 private:
  Forwarder();
  void Connect();
  void OnMessage(const Message& message);  // reader thread
  void Dispatch();                         // dispatcher thread
  void Post(std::function<void()> work);
  void Complete(const std::shared_ptr<Pending>& pending,
                const Message& completion);
  void RequestCancel(uint32_t request_id);
  static VOID CancelRoutine(PDEVICE_OBJECT device, PIRP irp);

  std::unique_ptr<AgentSession> session_;
  std::mutex send_mu_;  // one request on the wire at a time
  std::mutex mu_;
  std::map<uint32_t, std::unique_ptr<Pending>> pending_;
  std::map<uint32_t, ProxySocket*> sockets_;
  std::map<PADDRINFOEXW, uint32_t> address_infos_;
  std::deque<std::function<void()>> work_;
  std::condition_variable work_ready_;
  std::thread dispatcher_;
  std::map<uint32_t, ProxyClient*> clients_;
  USHORT provider_version_ = MAKE_WSK_VERSION(1, 0);
};

// Outputs of a COMPLETION into the client's buffers (completion.cc).
// Returns the Information to complete the local IRP with.
ULONG_PTR ApplyCompletion(Forwarder& forwarder, Pending& pending,
                          const Message& completion);
// Delivers an EVENT to the local client's callback (events.cc).
void DeliverEvent(Forwarder& forwarder, const Message& event);
// Callback answers ahead of time (answers.cc): the answers the client's
// `dispatch` table gave before, as ANSWERS of a socket-making call; and,
// after a local callback answered `answer` (an accept callback with
// `accepted_dispatch` for the new socket), the socket's preset answer.
void PresetAnswers(Forwarder& forwarder, MessageBuilder& call,
                   const VOID* dispatch);
void LearnAnswer(Forwarder& forwarder, const ProxySocket& socket,
                 const Message& event, int32_t answer,
                 const VOID* accepted_dispatch = nullptr);

// Helpers shared by the dispatch functions.
Bytes AddressBytes(const SOCKADDR* address);
void CopyAddressOut(const Bytes& bytes, PSOCKADDR out);
// Reads a WSK_BUF's bytes (Offset into the MDL chain, Length bytes).
Bytes ReadWskBuf(const WSK_BUF& buffer);
// Writes up to the WSK_BUF's length; returns the bytes written.
SIZE_T WriteWskBuf(const WSK_BUF& buffer, const Bytes& data);
// DISPATCH_MASK bits (1 << WSKA_EV_*) for the callbacks a client dispatch
// table of `category` provides.
uint32_t DispatchMask(ULONG category, const VOID* dispatch);

// The provider dispatch tables of the proxies (socket_calls.cc).
const VOID* SocketDispatchFor(ULONG category);
// WskRelease of both socket kinds (events.cc keeps the local copies).
NTSTATUS WSKAPI ReleaseData(PWSK_SOCKET socket, PWSK_DATA_INDICATION list);
NTSTATUS WSKAPI ReleaseDatagrams(PWSK_SOCKET socket,
                                 PWSK_DATAGRAM_INDICATION list);

}  // namespace wskconf::agent::adapter

#endif  // WSKCONF_AGENT_ADAPTER_FORWARDER_H_
