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
#include <set>
#include <utility>
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
// How long the adapter waits for the RETURN of a call the provider may
// block in (WskDeregister, which waits for captures and sockets to go;
// WskCaptureProviderNPI with a wait): past it, the process ends naming the
// call, so a provider that never returns is an ERROR of its case, not a
// hang. Under the runner's 30 s case limit for the wine adapter, and over
// the cases' own waits (kExpectCompletion, 2 s). The environment variable
// overrides it (milliseconds), e.g. for a slow Windows test machine.
inline constexpr char kBlockingLimitEnv[] = "WSKCONF_ADAPTER_BLOCKING_LIMIT_MS";
inline constexpr Millis kDefaultBlockingLimit{20000};
Millis BlockingCallLimit();

// A local registration (WSK_REGISTRATION's ReservedRegistrationContext and
// the WSK_CLIENT of the captured NPI). It outlives WskDeregister: the
// block still points at it, and the registration routines on a
// deregistered block go to the provider's own (agent protocol version 4,
// which keeps the agent's block until SHUTDOWN).
struct ProxyClient {
  enum class State {
    kRegistered,
    kDeregistering,  // WskDeregister sent, not returned
    kDeregistered,   // the agent still has the block
    kReleased,       // the agent has been reset since (SHUTDOWN)
  };
  uint32_t handle = 0;  // the agent's REGISTRATION
  WSK_CLIENT_NPI client{};
  State state = State::kRegistered;  // under the forwarder's lock
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
  // Sends a call without an IRP and returns the agent's RETURN (other
  // threads' calls go out while it is awaited).
  Message CallNow(const char* what, const MessageBuilder& call);
  // The same for a call the provider may block in, whose RETURN may take
  // up to `limit` (BlockingCallLimit(), or longer for a capture that lets
  // the provider wait longer).
  Message CallBlocking(const char* what, const MessageBuilder& call,
                       Millis limit);
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

  // Registrations. Every proxy WskRegister made is kept (never freed, so a
  // block's context never points at a reused address) and found by the
  // context a client passes; live ones by agent handle (client events name
  // them). After the last registration is gone, the agent is reset
  // (SHUTDOWN) at the next WskRegister, not at once: a client may still
  // call the registration routines on a deregistered block.
  void Registered(ProxyClient* client);
  void Deregistering(ProxyClient* client);
  void Deregistered(ProxyClient* client);
  ProxyClient* FindClient(uint32_t handle);
  // The proxy `context` is, with its state; nullopt when it is none of
  // this process's proxies (a block WskRegister never initialised).
  std::optional<std::pair<ProxyClient*, ProxyClient::State>> KnownClient(
      const void* context);
  // Before a WskRegister: SHUTDOWN when every registration is gone; the
  // deregistered proxies are then kReleased. Holds registration_mu_.
  std::unique_lock<std::mutex> PrepareRegister();
  // The proxy `socket` is, or nullptr when it is none of the live ones.
  ProxySocket* KnownSocket(const void* socket);

  // The provider's dispatch Version seen at WskCaptureProviderNPI.
  void SetProviderVersion(USHORT version) { provider_version_ = version; }
  USHORT provider_version() const { return provider_version_; }

  [[noreturn]] static void Fatal(const std::string& why);

 private:
  Forwarder();
  void Connect();
  // Writes `call` with a fresh request id (after `before_send` saw it) and
  // returns the id; Await waits for its answer (RETURN or ERROR) without
  // holding send_mu_. Transport failures and timeouts end the process.
  uint32_t Send(const char* what, const MessageBuilder& call,
                const std::function<void(uint32_t)>& before_send = {});
  Message Await(const char* what, uint32_t id, Millis limit,
                bool blocking = false);
  Message EndIfRefused(const char* what, Message answer);
  void OnMessage(const Message& message);  // reader thread
  void Dispatch();                         // dispatcher thread
  void Post(std::function<void()> work);
  void Complete(const std::shared_ptr<Pending>& pending,
                const Message& completion);
  void RequestCancel(uint32_t request_id);
  static VOID CancelRoutine(PDEVICE_OBJECT device, PIRP irp);

  std::unique_ptr<AgentSession> session_;
  std::mutex send_mu_;  // one frame sequence on the wire at a time
  std::mutex mu_;
  std::map<uint32_t, std::unique_ptr<Pending>> pending_;
  std::map<uint32_t, ProxySocket*> sockets_;
  std::map<PADDRINFOEXW, uint32_t> address_infos_;
  std::deque<std::function<void()>> work_;
  std::condition_variable work_ready_;
  std::thread dispatcher_;
  std::map<uint32_t, ProxyClient*> clients_;  // live, by handle
  std::set<ProxyClient*> known_clients_;       // every proxy ever made
  bool reset_due_ = false;  // a registration went since the last SHUTDOWN
  std::mutex registration_mu_;  // one WskRegister (and its reset) at a time
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
