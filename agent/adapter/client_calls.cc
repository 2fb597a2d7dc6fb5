// The adapter's exported registration routines and WSK_PROVIDER_DISPATCH:
// each forwards one call to the agent, whose provider (Wine's netio.sys, or
// Windows') answers it. Pointers the client passes become protocol fields;
// outputs come back with the RETURN or the IRP's COMPLETION.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "forwarder.h"
#include "wskconf/adapter_abi.h"

namespace wskconf::agent::adapter {
namespace {

// The proxy of the block the client passes: one this adapter's
// WskRegister initialised, registered or deregistered since (a client may
// call the registration routines on a deregistered block, and the provider
// answers: agent protocol version 4 keeps the block). Anything else ends
// the process with the reason: the agent has no registration to name.
ProxyClient* Checked(PWSK_REGISTRATION registration, const char* what) {
  using State = ProxyClient::State;
  if (registration == nullptr) {
    Forwarder::Fatal(fmt::format(
        "{}: a NULL registration: the agent names registrations by handle "
        "and has none for it, so the call cannot be forwarded",
        what));
  }
  Forwarder& forwarder = Forwarder::Get();
  const void* context = registration->ReservedRegistrationContext;
  const auto known = forwarder.KnownClient(context);
  if (!known) {
    Forwarder::Fatal(fmt::format(
        "{}: a registration block this adapter's WskRegister never "
        "initialised (ReservedRegistrationContext {}): the agent names "
        "registrations by handle and has none for it, so the call cannot "
        "be forwarded",
        what, context));
  }
  const auto [client, state] = *known;
  if (state == State::kReleased) {
    Forwarder::Fatal(fmt::format(
        "{}: a registration deregistered before a later WskRegister reset "
        "the agent (SHUTDOWN), which freed its block there, so the call "
        "cannot be forwarded",
        what));
  }
  if (state != State::kRegistered && forwarder.protocol_version() < 4) {
    Forwarder::Fatal(fmt::format(
        "{}: a registration deregistered already: the agent speaks protocol "
        "version {}, which frees a registration at WskDeregister (version 4 "
        "keeps it), so the call cannot be forwarded",
        what, forwarder.protocol_version()));
  }
  return client;
}

// How long a capture with a wait may take: as long as the client lets the
// provider wait (within the blocking-call limit, or past it by
// kReturnTimeout for a longer finite wait).
Millis CaptureLimit(ULONG timeout) {
  if (timeout == WSK_INFINITE_WAIT) return BlockingCallLimit();
  return std::max(BlockingCallLimit(),
                  Millis{timeout} + kReturnTimeout);
}

Bytes Utf16(const UNICODE_STRING* s) {
  if (s == nullptr || s->Buffer == nullptr) return {};
  const auto* bytes = reinterpret_cast<const uint8_t*>(s->Buffer);
  return Bytes(bytes, bytes + (s->Length & ~1u));
}

NTSTATUS WSKAPI Socket(PWSK_CLIENT client, ADDRESS_FAMILY family,
                       USHORT type, ULONG protocol, ULONG flags,
                       PVOID context, const VOID* dispatch, PEPROCESS,
                       PETHREAD, PSECURITY_DESCRIPTOR, PIRP irp) {
  auto* proxy = static_cast<ProxyClient*>(client);
  const ULONG category = flags & (WSK_FLAG_LISTEN_SOCKET |
                                  WSK_FLAG_CONNECTION_SOCKET |
                                  WSK_FLAG_DATAGRAM_SOCKET |
                                  WSK_FLAG_STREAM_SOCKET);
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_SOCKET);
  call.Set(WSKA_TAG_REGISTRATION, proxy->handle)
      .Set(WSKA_TAG_FAMILY, family)
      .Set(WSKA_TAG_SOCKET_TYPE, type)
      .Set(WSKA_TAG_PROTOCOL, protocol)
      .Set(WSKA_TAG_FLAGS, flags)
      .Set(WSKA_TAG_DISPATCH_MASK, DispatchMask(category, dispatch));
  PresetAnswers(Forwarder::Get(), call, dispatch);
  auto pending = std::make_unique<Pending>();
  pending->new_category = category;
  pending->new_context = context;
  pending->new_dispatch = dispatch;
  pending->client = proxy;
  return Forwarder::Get().Forward("WskSocket", std::move(call), irp,
                                  std::move(pending));
}

NTSTATUS WSKAPI SocketConnect(PWSK_CLIENT client, USHORT type,
                              ULONG protocol, PSOCKADDR local,
                              PSOCKADDR remote, ULONG flags, PVOID context,
                              const WSK_CLIENT_CONNECTION_DISPATCH* dispatch,
                              PEPROCESS, PETHREAD, PSECURITY_DESCRIPTOR,
                              PIRP irp) {
  auto* proxy = static_cast<ProxyClient*>(client);
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_SOCKET_CONNECT);
  call.Set(WSKA_TAG_REGISTRATION, proxy->handle)
      .Set(WSKA_TAG_SOCKET_TYPE, type)
      .Set(WSKA_TAG_PROTOCOL, protocol)
      .Set(WSKA_TAG_FLAGS, flags)
      .Set(WSKA_TAG_DISPATCH_MASK,
           DispatchMask(WSK_FLAG_CONNECTION_SOCKET, dispatch))
      .SetBlob(WSKA_TAG_LOCAL_ADDRESS, AddressBytes(local))
      .SetBlob(WSKA_TAG_REMOTE_ADDRESS, AddressBytes(remote));
  PresetAnswers(Forwarder::Get(), call, dispatch);
  auto pending = std::make_unique<Pending>();
  pending->new_category = WSK_FLAG_CONNECTION_SOCKET;
  pending->new_context = context;
  pending->new_dispatch = dispatch;
  pending->client = proxy;
  return Forwarder::Get().Forward("WskSocketConnect", std::move(call), irp,
                                  std::move(pending));
}

// SO_WSK_EVENT_CALLBACK and WSK_SET_STATIC_EVENT_CALLBACKS carry a pointer
// (NpiId); the protocol carries the EventMask alone.
Bytes EventMaskInput(SIZE_T size, PVOID input) {
  if (input == nullptr || size < sizeof(WSK_EVENT_CALLBACK_CONTROL)) {
    const auto* bytes = static_cast<const uint8_t*>(input);
    return input == nullptr ? Bytes() : Bytes(bytes, bytes + size);
  }
  const ULONG mask = static_cast<PWSK_EVENT_CALLBACK_CONTROL>(input)->EventMask;
  const auto* bytes = reinterpret_cast<const uint8_t*>(&mask);
  return Bytes(bytes, bytes + sizeof(mask));
}

NTSTATUS WSKAPI ControlClient(PWSK_CLIENT client, ULONG code, SIZE_T in_size,
                              PVOID input, SIZE_T out_size, PVOID output,
                              SIZE_T* returned, PIRP irp) {
  auto* proxy = static_cast<ProxyClient*>(client);
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_CONTROL_CLIENT);
  call.Set(WSKA_TAG_REGISTRATION, proxy->handle)
      .Set(WSKA_TAG_CONTROL_CODE, code)
      .Set(WSKA_TAG_OUTPUT_SIZE, output == nullptr ? 0 : out_size)
      .Set(WSKA_TAG_USE_IRP, irp != nullptr);
  if (input != nullptr) {
    call.SetBlob(WSKA_TAG_INPUT,
                 code == WSK_SET_STATIC_EVENT_CALLBACKS
                     ? EventMaskInput(in_size, input)
                     : Bytes(static_cast<uint8_t*>(input),
                             static_cast<uint8_t*>(input) + in_size));
  }
  if (irp == nullptr) {
    Message answer = Forwarder::Get().CallNow("WskControlClient", call);
    const Bytes out = answer.Blob(WSKA_TAG_OUTPUT);
    if (output != nullptr && !out.empty()) {
      std::memcpy(output, out.data(), std::min(out.size(), out_size));
    }
    if (returned != nullptr && answer.Has(WSKA_TAG_OUTPUT_SIZE_RETURNED)) {
      *returned = answer->output_size_returned;
    }
    return answer->status;
  }
  auto pending = std::make_unique<Pending>();
  pending->output = output;
  pending->output_size = out_size;
  return Forwarder::Get().Forward("WskControlClient", std::move(call), irp,
                                  std::move(pending));
}

NTSTATUS WSKAPI GetAddressInfo(PWSK_CLIENT client, PUNICODE_STRING node,
                               PUNICODE_STRING service, ULONG name_space,
                               GUID*, PADDRINFOEXW hints,
                               PADDRINFOEXW* result, PEPROCESS, PETHREAD,
                               PIRP irp) {
  auto* proxy = static_cast<ProxyClient*>(client);
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_GET_ADDRESS_INFO);
  call.Set(WSKA_TAG_REGISTRATION, proxy->handle)
      .Set(WSKA_TAG_NAME_SPACE, name_space);
  if (node != nullptr) call.SetBlob(WSKA_TAG_NODE_NAME, Utf16(node));
  if (service != nullptr) call.SetBlob(WSKA_TAG_SERVICE_NAME, Utf16(service));
  if (hints != nullptr) {
    const int32_t four[4] = {hints->ai_flags, hints->ai_family,
                             hints->ai_socktype, hints->ai_protocol};
    const auto* bytes = reinterpret_cast<const uint8_t*>(four);
    call.SetBlob(WSKA_TAG_HINTS, Bytes(bytes, bytes + sizeof(four)));
  }
  auto pending = std::make_unique<Pending>();
  pending->address_info_out = result;
  return Forwarder::Get().Forward("WskGetAddressInfo", std::move(call), irp,
                                  std::move(pending));
}

VOID WSKAPI FreeAddressInfo(PWSK_CLIENT client, PADDRINFOEXW list) {
  auto* proxy = static_cast<ProxyClient*>(client);
  const std::optional<uint32_t> handle =
      Forwarder::Get().TakeAddressInfo(list);
  if (handle) {
    MessageBuilder call = MessageBuilder::Call(WSKA_FN_FREE_ADDRESS_INFO);
    call.Set(WSKA_TAG_REGISTRATION, proxy->handle).Set(WSKA_TAG_HANDLE, *handle);
    Forwarder::Get().CallNow("WskFreeAddressInfo", call);
  }
  while (list != nullptr) {
    PADDRINFOEXW next = list->ai_next;
    operator delete(list);
    list = next;
  }
}

NTSTATUS WSKAPI GetNameInfo(PWSK_CLIENT client, PSOCKADDR address,
                            ULONG address_length, PUNICODE_STRING node,
                            PUNICODE_STRING service, ULONG flags, PEPROCESS,
                            PETHREAD, PIRP irp) {
  auto* proxy = static_cast<ProxyClient*>(client);
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_GET_NAME_INFO);
  Bytes bytes;
  if (address != nullptr) {
    const auto* raw = reinterpret_cast<const uint8_t*>(address);
    bytes.assign(raw, raw + std::min<ULONG>(address_length, WSKA_MAX_ADDRESS));
  }
  call.Set(WSKA_TAG_REGISTRATION, proxy->handle)
      .Set(WSKA_TAG_FLAGS, flags)
      .SetBlob(WSKA_TAG_REMOTE_ADDRESS, bytes);
  if (node != nullptr) call.Set(WSKA_TAG_LENGTH, node->MaximumLength);
  const uint32_t outputs = (node != nullptr ? WSKA_OUTPUT_NODE : 0) |
                           (service != nullptr ? WSKA_OUTPUT_SERVICE : 0);
  if (outputs != (WSKA_OUTPUT_NODE | WSKA_OUTPUT_SERVICE)) {
    // A NULL NodeName or ServiceName travels as OUTPUTS (version 2); a
    // version-1 agent would pass a buffer for it, a different call.
    if (Forwarder::Get().protocol_version() < 2) {
      Forwarder::Fatal(
          "WskGetNameInfo with a NULL NodeName or ServiceName: the agent "
          "speaks protocol version 1, which cannot say so, so the call "
          "cannot be forwarded as made");
    }
    call.Set(WSKA_TAG_OUTPUTS, outputs);
  }
  auto pending = std::make_unique<Pending>();
  pending->node_out = node;
  pending->service_out = service;
  return Forwarder::Get().Forward("WskGetNameInfo", std::move(call), irp,
                                  std::move(pending));
}

}  // namespace

// Version is the agent's provider's, filled at WskCaptureProviderNPI.
WSK_PROVIDER_DISPATCH g_provider_dispatch = {
    MAKE_WSK_VERSION(1, 0), 0,     Socket,      SocketConnect,
    ControlClient,          GetAddressInfo, FreeAddressInfo, GetNameInfo};

}  // namespace wskconf::agent::adapter

using wskconf::agent::MessageBuilder;
using wskconf::agent::adapter::BlockingCallLimit;
using wskconf::agent::adapter::CaptureLimit;
using wskconf::agent::adapter::Checked;
using wskconf::agent::adapter::Forwarder;
using wskconf::agent::adapter::ProxyClient;

extern "C" {

NTSTATUS WskRegister(PWSK_CLIENT_NPI client_npi,
                     PWSK_REGISTRATION registration) {
  Forwarder& forwarder = Forwarder::Get();
  const auto registering = forwarder.PrepareRegister();
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_REGISTER);
  if (client_npi != nullptr && client_npi->Dispatch != nullptr) {
    call.Set(WSKA_TAG_VERSION, client_npi->Dispatch->Version);
  }
  auto answer = forwarder.CallNow("WskRegister", call);
  if (NT_SUCCESS(answer->status) && registration != nullptr) {
    auto* client = new ProxyClient();
    client->handle = answer->handle;
    if (client_npi != nullptr) client->client = *client_npi;
    registration->ReservedRegistrationContext = client;
    forwarder.Registered(client);
  }
  return answer->status;
}

// The provider may keep WskDeregister waiting (for captures and sockets to
// go): the agent runs it on a worker, and other threads' calls — the
// WskReleaseProviderNPI that lets it return — go out meanwhile. The block
// keeps pointing at its proxy, now deregistered.
VOID WskDeregister(PWSK_REGISTRATION registration) {
  ProxyClient* client = Checked(registration, "WskDeregister");
  Forwarder& forwarder = Forwarder::Get();
  if (client->state != ProxyClient::State::kRegistered) {
    Forwarder::Fatal(
        "WskDeregister of a registration deregistered already: the "
        "provider may have freed what the block names, so the agent does "
        "not pass it on");
  }
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_DEREGISTER);
  call.Set(WSKA_TAG_REGISTRATION, client->handle);
  forwarder.Deregistering(client);
  forwarder.CallBlocking("WskDeregister", call, BlockingCallLimit());
  forwarder.Deregistered(client);
}

NTSTATUS WskCaptureProviderNPI(PWSK_REGISTRATION registration, ULONG timeout,
                               PWSK_PROVIDER_NPI npi) {
  ProxyClient* client = Checked(registration, "WskCaptureProviderNPI");
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_CAPTURE_PROVIDER_NPI);
  call.Set(WSKA_TAG_REGISTRATION, client->handle).Set(WSKA_TAG_TIMEOUT, timeout);
  auto answer =
      timeout == WSK_NO_WAIT
          ? Forwarder::Get().CallNow("WskCaptureProviderNPI", call)
          : Forwarder::Get().CallBlocking("WskCaptureProviderNPI", call,
                                          CaptureLimit(timeout));
  if (NT_SUCCESS(answer->status) && npi != nullptr) {
    if (answer.Has(WSKA_TAG_VERSION)) {
      wskconf::agent::adapter::g_provider_dispatch.Version =
          static_cast<USHORT>(answer->protocol_version);
    }
    npi->Client = client;
    npi->Dispatch = &wskconf::agent::adapter::g_provider_dispatch;
  }
  return answer->status;
}

VOID WskReleaseProviderNPI(PWSK_REGISTRATION registration) {
  ProxyClient* client = Checked(registration, "WskReleaseProviderNPI");
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_RELEASE_PROVIDER_NPI);
  call.Set(WSKA_TAG_REGISTRATION, client->handle);
  Forwarder::Get().CallNow("WskReleaseProviderNPI", call);
}

NTSTATUS WskQueryProviderCharacteristics(
    PWSK_REGISTRATION registration,
    PWSK_PROVIDER_CHARACTERISTICS characteristics) {
  ProxyClient* client = Checked(registration, "WskQueryProviderCharacteristics");
  MessageBuilder call =
      MessageBuilder::Call(WSKA_FN_QUERY_PROVIDER_CHARACTERISTICS);
  call.Set(WSKA_TAG_REGISTRATION, client->handle);
  auto answer = Forwarder::Get().CallNow("WskQueryProviderCharacteristics", call);
  // The agent answers for a provider without the routine (Wine's netio.sys
  // has only a stub that would end winedevice.exe) and says why.
  if (answer.Has(WSKA_TAG_TEXT)) {
    const wskconf::agent::Bytes why = answer.Blob(WSKA_TAG_TEXT);
    std::fprintf(stderr, "wine adapter: WskQueryProviderCharacteristics: %s\n",
                 std::string(why.begin(), why.end()).c_str());
  }
  if (NT_SUCCESS(answer->status) && characteristics != nullptr) {
    characteristics->LowestVersion = static_cast<USHORT>(answer->version_min);
    characteristics->HighestVersion = static_cast<USHORT>(answer->version_max);
  }
  return answer->status;
}

// What the adapter ABI's loader shows (adapters/README.md). Wine's
// statement is a file of the source tree (wine-statement.txt), which
// `wskconf run --adapter wine` applies.
const WSKCONF_ADAPTER_INFO* WskconfAdapterInfo(void) {
  static const WSKCONF_ADAPTER_INFO info = {
      WSKCONF_ADAPTER_ABI_VERSION, "wine-netio",
      "forwarding adapter, agent protocol 1-4", nullptr};
  return &info;
}

}  // extern "C"
