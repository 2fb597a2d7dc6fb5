// The forwarder's session and IRP bookkeeping: calls go out one at a time;
// COMPLETION and EVENT messages are filed by the reader thread and acted on
// by one dispatcher thread, so completion routines and callbacks may call
// back into the adapter. A COMPLETION that arrives before its call's RETURN
// (the provider completed inline) is completed by the calling thread, so a
// local IRP is never completed before IoMarkIrpPending.
#include "forwarder.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "wskconf/agent/wine.h"

#ifndef WSKCONF_AGENT_DIR
#define WSKCONF_AGENT_DIR ""
#endif

namespace wskconf::agent::adapter {
namespace {

// Between attempts to reach a relay that the runner is restarting.
constexpr Millis kConnectRetryInterval{200};

// WSKCONF_ADAPTER_TRACE=1: every message to and from the agent on stderr
// (in the case's captured output), for finding out what Wine answered.
bool Tracing() {
  static const bool on = [] {
    const char* value = std::getenv("WSKCONF_ADAPTER_TRACE");
    return value != nullptr && value[0] == '1';
  }();
  return on;
}

void Trace(const char* direction, const std::string& what) {
  if (Tracing()) std::fprintf(stderr, "wine adapter %s %s\n", direction, what.c_str());
}

std::unique_ptr<AgentSession> ConnectToRelay(const std::string& address) {
  const size_t colon = address.rfind(':');
  const std::string host = address.substr(0, colon);
  const int port =
      colon == std::string::npos ? 0 : std::atoi(address.c_str() + colon + 1);
  if (port <= 0 || port > 65535) {
    Forwarder::Fatal(fmt::format("{}='{}': expected HOST:PORT",
                                 kAgentAddressEnv, address));
  }
  const auto deadline = std::chrono::steady_clock::now() + kConnectTimeout;
  std::string last;
  std::mutex mu;
  std::condition_variable never;
  for (;;) {
    auto session = AgentSession::Connect(host, static_cast<uint16_t>(port));
    if (session.ok()) return std::move(session).value();
    last = session.status().message();
    if (std::chrono::steady_clock::now() >= deadline) break;
    // The relay is being restarted by the runner; nothing signals its
    // return to this process, so wait a little and try again.
    std::unique_lock lock(mu);
    never.wait_for(lock, kConnectRetryInterval);
  }
  Forwarder::Fatal(fmt::format("no agent at {} within {} ms: {}", address,
                               kConnectTimeout.count(), last));
}

// Standalone use (no runner): Wine and the relay of this build tree.
std::unique_ptr<AgentSession> StartWine() {
  auto tools = FindWine();
  if (!tools.ok()) Forwarder::Fatal(tools.status().message());
  auto prefix = WinePrefix::Open(*tools, DefaultPrefixDir());
  if (!prefix.ok()) Forwarder::Fatal(prefix.status().message());
  auto session = AgentSession::Start(**prefix, WSKCONF_AGENT_DIR);
  if (!session.ok()) Forwarder::Fatal(session.status().message());
  (*prefix).release();  // held (with its lock) for the life of the process
  return std::move(session).value();
}

}  // namespace

Forwarder& Forwarder::Get() {
  // Never destroyed: the process's exit closes the connection, which makes
  // the relay reset the agent.
  static Forwarder* forwarder = new Forwarder();
  return *forwarder;
}

Forwarder::Forwarder() {
  Connect();
  dispatcher_ = std::thread([this] { Dispatch(); });
}

void Forwarder::Connect() {
  const char* address = std::getenv(kAgentAddressEnv);
  session_ = address != nullptr && address[0] != '\0'
                 ? ConnectToRelay(address)
                 : StartWine();
  session_->SetAsyncHandlers(
      [this](const Message& message) { OnMessage(message); },
      [](const std::string& reason) {
        Fatal("the agent session ended: " + reason);
      });
}

void Forwarder::Fatal(const std::string& why) {
  std::fprintf(stderr, "wine adapter: %s\n", why.c_str());
  std::fflush(stderr);
  std::abort();
}

uint32_t Forwarder::Send(const char* what, const MessageBuilder& call,
                         const std::function<void(uint32_t)>& before_send) {
  // The lock keeps one frame sequence (chunks and call) on the wire at a
  // time and ids in the order their frames go out; the answer is awaited
  // without it, so a call the provider blocks in (WskDeregister) does not
  // hold up the calls that would let it return.
  std::lock_guard send(send_mu_);
  const uint32_t id = session_->NextRequestId();
  auto frame = call.Encode(id, session_->version());
  if (!frame.ok()) {
    Fatal(fmt::format("{}: cannot encode the call: {}", what,
                      frame.status().message()));
  }
  if (before_send) before_send(id);
  Trace("->", fmt::format("#{} {}", id, what));
  const Status sent = session_->Send(*frame);
  if (!sent.ok()) Fatal(fmt::format("{}: {}", what, sent.message()));
  return id;
}

Message Forwarder::Await(const char* what, uint32_t id, Millis limit,
                         bool blocking) {
  auto answer = session_->AwaitAnswer(id, limit);
  if (!answer.ok()) {
    Fatal(fmt::format(
        "{}: {}{}", what, answer.status().message(),
        blocking
            ? fmt::format(" (the limit for a call the provider may block "
                          "in, {}): the provider is still inside {}",
                          kBlockingLimitEnv, what)
            : std::string()));
  }
  Trace("<-", answer->Describe());
  return *std::move(answer);
}

Message Forwarder::CallNow(const char* what, const MessageBuilder& call) {
  return EndIfRefused(what, Await(what, Send(what, call), kReturnTimeout));
}

Message Forwarder::CallBlocking(const char* what, const MessageBuilder& call,
                                Millis limit) {
  return EndIfRefused(what, Await(what, Send(what, call), limit, true));
}

Message Forwarder::EndIfRefused(const char* what, Message answer) {
  if (answer->type == WSKA_MSG_ERROR) {
    Bytes text = answer.Blob(WSKA_TAG_TEXT);
    Fatal(fmt::format("{}: the agent refused the call ({}): {}", what,
                      WskaErrorName(answer->error_code),
                      std::string(text.begin(), text.end())));
  }
  return answer;
}

std::optional<Message> Forwarder::CallQuietly(const char* what,
                                              const MessageBuilder& call) {
  auto frame = call.Encode(1, session_->version());
  if (!frame.ok()) {  // checked before an id is spent on it
    Trace("!!", fmt::format("{}: {}", what, frame.status().message()));
    return std::nullopt;
  }
  Message answer = Await(what, Send(what, call), kReturnTimeout);
  if (answer->type == WSKA_MSG_ERROR) return std::nullopt;
  return answer;
}

Millis BlockingCallLimit() {
  static const Millis limit = [] {
    const char* value = std::getenv(kBlockingLimitEnv);
    if (value == nullptr || value[0] == '\0') return kDefaultBlockingLimit;
    char* end = nullptr;
    errno = 0;
    const long long ms = std::strtoll(value, &end, 10);
    if (errno != 0 || *end != '\0' || ms <= 0) {
      Forwarder::Fatal(fmt::format(
          "{}='{}': expected a positive number of milliseconds",
          kBlockingLimitEnv, value));
    }
    return Millis{ms};
  }();
  return limit;
}

NTSTATUS Forwarder::Forward(const char* what, MessageBuilder call, PIRP irp,
                            std::unique_ptr<Pending> pending) {
  if (irp == nullptr) {
    Fatal(fmt::format("{} with a NULL Irp: the agent protocol always passes "
                      "an IRP to this function, so the call cannot be "
                      "forwarded as made",
                      what));
  }
  if (irp->CurrentLocation > 1) IoSetNextIrpStackLocation(irp);
  irp->IoStatus.Status = STATUS_PENDING;
  irp->IoStatus.Information = 0;
  pending->irp = irp;
  pending->function = call.function();
  Pending* entry = pending.get();
  // Filed before the frame goes out: its COMPLETION may come at once.
  const uint32_t id = Send(what, call, [&](uint32_t request) {
    std::lock_guard lock(mu_);
    pending_[request] = std::move(pending);
  });
  const Message answer = Await(what, id, kReturnTimeout);
  if (answer->type == WSKA_MSG_ERROR) {
    Bytes text = answer.Blob(WSKA_TAG_TEXT);
    Fatal(fmt::format("{}: the agent refused the call ({}): {}", what,
                      WskaErrorName(answer->error_code),
                      std::string(text.begin(), text.end())));
  }
  const NTSTATUS status = answer->status;
  std::shared_ptr<Pending> early_entry;
  std::optional<Message> early;
  bool cancelled = false;
  {
    std::lock_guard lock(mu_);
    entry->returned = true;
    if (status == STATUS_PENDING) IoMarkIrpPending(irp);
    if (entry->early) {
      early = std::move(entry->early);
      early_entry = std::move(pending_[id]);
      pending_.erase(id);
    } else {
      // Outstanding until the agent reports it, whatever was returned (a
      // provider may fail a call and still complete its IRP later).
      irp->Tail.Overlay.DriverContext[0] =
          reinterpret_cast<PVOID>(static_cast<uintptr_t>(id));
      IoSetCancelRoutine(irp, &Forwarder::CancelRoutine);
      cancelled = irp->Cancel && IoSetCancelRoutine(irp, nullptr) != nullptr;
    }
  }
  if (cancelled) Post([this, id] { RequestCancel(id); });
  if (early) Complete(std::move(early_entry), *early);
  return status;
}

void Forwarder::OnMessage(const Message& message) {
  Trace("<-", message.Describe());
  if (message->type == WSKA_MSG_EVENT) {
    Post([this, message] { DeliverEvent(*this, message); });
    return;
  }
  std::unique_lock lock(mu_);
  auto it = pending_.find(message->request_id);
  if (it == pending_.end()) return;  // a call this process did not track
  if (!it->second->returned) {
    it->second->early = message;  // the caller completes it after RETURN
    return;
  }
  std::shared_ptr<Pending> entry(std::move(it->second));
  pending_.erase(it);
  lock.unlock();
  Post([this, entry, message] { Complete(entry, message); });
}

void Forwarder::Complete(const std::shared_ptr<Pending>& pending,
                         const Message& completion) {
  PIRP irp = pending->irp;
  IoSetCancelRoutine(irp, nullptr);  // the cancel routine only forwards
  const ULONG_PTR information = ApplyCompletion(*this, *pending, completion);
  irp->IoStatus.Status = completion->irp_status;
  irp->IoStatus.Information = information;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
  if (pending->function == WSKA_FN_CLOSE_SOCKET &&
      NT_SUCCESS(completion->irp_status) && pending->socket != nullptr) {
    ForgetSocket(pending->socket);  // the client may no longer use it
  }
}

VOID Forwarder::CancelRoutine(PDEVICE_OBJECT, PIRP irp) {
  IoReleaseCancelSpinLock(irp->CancelIrql);
  // Runs at DISPATCH_LEVEL: the CANCEL goes out from the dispatcher.
  const auto id = static_cast<uint32_t>(
      reinterpret_cast<uintptr_t>(irp->Tail.Overlay.DriverContext[0]));
  Forwarder& self = Get();
  self.Post([&self, id] { self.RequestCancel(id); });
}

void Forwarder::RequestCancel(uint32_t id) {
  MessageBuilder cancel = MessageBuilder::Call(WSKA_FN_CANCEL);
  cancel.Set(WSKA_TAG_TARGET, id);
  // The IRP may have completed meanwhile: the agent then refuses the
  // CANCEL (unknown target), which is fine.
  CallQuietly("CANCEL", cancel);
}

void Forwarder::Post(std::function<void()> work) {
  {
    std::lock_guard lock(mu_);
    work_.push_back(std::move(work));
  }
  work_ready_.notify_one();
}

void Forwarder::Dispatch() {
  for (;;) {
    std::function<void()> work;
    {
      std::unique_lock lock(mu_);
      work_ready_.wait(lock, [&] { return !work_.empty(); });
      work = std::move(work_.front());
      work_.pop_front();
    }
    work();
  }
}

ProxySocket* Forwarder::FindSocket(uint32_t handle) {
  std::lock_guard lock(mu_);
  auto it = sockets_.find(handle);
  return it == sockets_.end() ? nullptr : it->second;
}

ProxySocket* Forwarder::NewSocket(uint32_t handle, ULONG category,
                                  PVOID context, const VOID* dispatch,
                                  ProxyClient* client) {
  auto* socket = new ProxySocket();
  socket->wsk.Dispatch = SocketDispatchFor(category);
  socket->handle = handle;
  socket->category = category;
  socket->context = context;
  socket->client_dispatch = dispatch;
  socket->client = client;
  std::lock_guard lock(mu_);
  sockets_[handle] = socket;
  return socket;
}

void Forwarder::ForgetSocket(ProxySocket* socket) {
  {
    std::lock_guard lock(mu_);
    auto it = sockets_.find(socket->handle);
    if (it != sockets_.end() && it->second == socket) sockets_.erase(it);
  }
  delete socket;
}

void Forwarder::RememberAddressInfo(PADDRINFOEXW list, uint32_t handle) {
  std::lock_guard lock(mu_);
  address_infos_[list] = handle;
}

std::optional<uint32_t> Forwarder::TakeAddressInfo(PADDRINFOEXW list) {
  std::lock_guard lock(mu_);
  auto it = address_infos_.find(list);
  if (it == address_infos_.end()) return std::nullopt;
  const uint32_t handle = it->second;
  address_infos_.erase(it);
  return handle;
}

void Forwarder::Registered(ProxyClient* client) {
  std::lock_guard lock(mu_);
  clients_[client->handle] = client;
  known_clients_.insert(client);
}

ProxyClient* Forwarder::FindClient(uint32_t handle) {
  std::lock_guard lock(mu_);
  auto it = clients_.find(handle);
  return it == clients_.end() ? nullptr : it->second;
}

std::optional<std::pair<ProxyClient*, ProxyClient::State>>
Forwarder::KnownClient(const void* context) {
  std::lock_guard lock(mu_);
  // Compared as an address only: a context that is no proxy is never read.
  for (ProxyClient* client : known_clients_) {
    if (client == context) return std::make_pair(client, client->state);
  }
  return std::nullopt;
}

void Forwarder::Deregistering(ProxyClient* client) {
  std::lock_guard lock(mu_);
  client->state = ProxyClient::State::kDeregistering;
}

void Forwarder::Deregistered(ProxyClient* client) {
  std::lock_guard lock(mu_);
  clients_.erase(client->handle);
  client->state = ProxyClient::State::kDeregistered;
  reset_due_ = true;
}

std::unique_lock<std::mutex> Forwarder::PrepareRegister() {
  std::unique_lock registering(registration_mu_);
  {
    std::lock_guard lock(mu_);
    if (!reset_due_) return registering;
    for (const ProxyClient* client : known_clients_) {
      if (client->state == ProxyClient::State::kRegistered ||
          client->state == ProxyClient::State::kDeregistering) {
        return registering;
      }
    }
    reset_due_ = false;
  }
  // The previous case (of a process that runs several) is over: the agent
  // closes whatever it left open and frees the deregistered blocks, so
  // this one starts from a clean agent.
  CallNow("SHUTDOWN", MessageBuilder::Call(WSKA_FN_SHUTDOWN));
  std::lock_guard lock(mu_);
  for (ProxyClient* client : known_clients_) {
    if (client->state == ProxyClient::State::kDeregistered) {
      client->state = ProxyClient::State::kReleased;
    }
  }
  return registering;
}

ProxySocket* Forwarder::KnownSocket(const void* socket) {
  std::lock_guard lock(mu_);
  for (const auto& [handle, proxy] : sockets_) {
    if (proxy == socket) return proxy;
  }
  return nullptr;
}

}  // namespace wskconf::agent::adapter
