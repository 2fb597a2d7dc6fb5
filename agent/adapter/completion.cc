// What a COMPLETION carries back into the client's memory: received bytes
// into its MDL chain, addresses into its SOCKADDR buffers, control outputs,
// a new socket as a local proxy, an address-info result as a local
// ADDRINFOEXW list (freed by WskFreeAddressInfo). Lengths are clamped to
// the client's buffers.
#include <algorithm>
#include <cstring>

#include "forwarder.h"

namespace wskconf::agent::adapter {
namespace {

uint32_t Read32(const Bytes& bytes, size_t at) {
  uint32_t value = 0;
  std::memcpy(&value, bytes.data() + at, 4);
  return value;
}

// One entry of an ADDRESS_INFO blob (agent/README.md), in pool memory the
// client frees through WskFreeAddressInfo: entry, address and name in one
// block.
PADDRINFOEXW NewEntry(const Bytes& blob, size_t& at) {
  if (blob.size() - at < 20) return nullptr;
  const uint32_t address_size = Read32(blob, at + 16);
  if (blob.size() - at - 20 < address_size + 4u) return nullptr;
  const uint32_t name_size = Read32(blob, at + 20 + address_size);
  if (blob.size() - at - 24 - address_size < name_size) return nullptr;
  const size_t total = sizeof(ADDRINFOEXW) + address_size + name_size + 2;
  auto* entry = static_cast<PADDRINFOEXW>(operator new(total));
  std::memset(entry, 0, total);
  auto* tail = reinterpret_cast<uint8_t*>(entry + 1);
  entry->ai_flags = static_cast<INT>(Read32(blob, at));
  entry->ai_family = static_cast<INT>(Read32(blob, at + 4));
  entry->ai_socktype = static_cast<INT>(Read32(blob, at + 8));
  entry->ai_protocol = static_cast<INT>(Read32(blob, at + 12));
  entry->ai_addrlen = address_size;
  if (address_size != 0) {
    std::memcpy(tail, blob.data() + at + 20, address_size);
    entry->ai_addr = reinterpret_cast<decltype(entry->ai_addr)>(tail);
  }
  if (name_size != 0) {
    std::memcpy(tail + address_size, blob.data() + at + 24 + address_size,
                name_size);
    entry->ai_canonname = reinterpret_cast<PWSTR>(tail + address_size);
  }
  at += 24 + address_size + name_size;
  return entry;
}

PADDRINFOEXW BuildAddressInfo(const Bytes& blob) {
  PADDRINFOEXW head = nullptr, *link = &head;
  size_t at = 0;
  while (at < blob.size()) {
    PADDRINFOEXW entry = NewEntry(blob, at);
    if (entry == nullptr) {
      Forwarder::Fatal("the agent sent a malformed ADDRESS_INFO list");
    }
    *link = entry;
    link = &entry->ai_next;
  }
  return head;
}

void CopyName(const Bytes& utf16, PUNICODE_STRING out) {
  if (out == nullptr || out->Buffer == nullptr) return;
  const size_t size =
      std::min<size_t>(utf16.size(), out->MaximumLength) & ~size_t{1};
  std::memcpy(out->Buffer, utf16.data(), size);
  out->Length = static_cast<USHORT>(size);
  if (size + 2 <= out->MaximumLength) out->Buffer[size / 2] = 0;
}

ULONG_PTR CompleteCreate(Forwarder& forwarder, Pending& pending,
                         const Message& completion) {
  if (!NT_SUCCESS(completion->irp_status) ||
      !completion.Has(WSKA_TAG_NEW_SOCKET)) {
    return 0;
  }
  ProxySocket* socket = forwarder.NewSocket(
      completion->new_socket, pending.new_category, pending.new_context,
      pending.new_dispatch, pending.client);
  if (pending.function == WSKA_FN_ACCEPT) {
    CopyAddressOut(completion.Blob(WSKA_TAG_LOCAL_ADDRESS), pending.local_out);
    CopyAddressOut(completion.Blob(WSKA_TAG_REMOTE_ADDRESS),
                   pending.remote_out);
  }
  return reinterpret_cast<ULONG_PTR>(socket);
}

ULONG_PTR CompleteAddressInfo(Forwarder& forwarder, Pending& pending,
                              const Message& completion) {
  if (!NT_SUCCESS(completion->irp_status)) return completion->information;
  PADDRINFOEXW list = BuildAddressInfo(completion.Blob(WSKA_TAG_ADDRESS_INFO));
  if (list != nullptr && completion.Has(WSKA_TAG_HANDLE)) {
    forwarder.RememberAddressInfo(list, completion->handle);
  }
  if (pending.address_info_out != nullptr) *pending.address_info_out = list;
  return completion->information;
}

ULONG_PTR CompleteReceiveFrom(Pending& pending, const Message& completion) {
  WriteWskBuf(pending.buffer, completion.Blob(WSKA_TAG_DATA));
  CopyAddressOut(completion.Blob(WSKA_TAG_REMOTE_ADDRESS), pending.remote_out);
  if (pending.control_length != nullptr &&
      completion.Has(WSKA_TAG_CONTROL_SIZE)) {
    const Bytes control = completion.Blob(WSKA_TAG_CONTROL_INFO);
    const size_t size = std::min<size_t>(control.size(), *pending.control_length);
    if (pending.control_info != nullptr && size != 0) {
      std::memcpy(pending.control_info, control.data(), size);
    }
    *pending.control_length = completion->control_size;
  }
  if (pending.control_flags != nullptr &&
      completion.Has(WSKA_TAG_CONTROL_FLAGS)) {
    *pending.control_flags = completion->control_flags;
  }
  return completion->information;
}

}  // namespace

ULONG_PTR ApplyCompletion(Forwarder& forwarder, Pending& pending,
                          const Message& completion) {
  switch (pending.function) {
    case WSKA_FN_SOCKET:
    case WSKA_FN_SOCKET_CONNECT:
    case WSKA_FN_ACCEPT:
      return CompleteCreate(forwarder, pending, completion);
    case WSKA_FN_GET_ADDRESS_INFO:
      return CompleteAddressInfo(forwarder, pending, completion);
    case WSKA_FN_RECEIVE:
      WriteWskBuf(pending.buffer, completion.Blob(WSKA_TAG_DATA));
      return completion->information;
    case WSKA_FN_RECEIVE_FROM:
      return CompleteReceiveFrom(pending, completion);
    case WSKA_FN_GET_LOCAL_ADDRESS:
      CopyAddressOut(completion.Blob(WSKA_TAG_LOCAL_ADDRESS), pending.local_out);
      return completion->information;
    case WSKA_FN_GET_REMOTE_ADDRESS:
      CopyAddressOut(completion.Blob(WSKA_TAG_REMOTE_ADDRESS),
                     pending.remote_out);
      return completion->information;
    case WSKA_FN_GET_NAME_INFO:
      CopyName(completion.Blob(WSKA_TAG_NODE_NAME), pending.node_out);
      CopyName(completion.Blob(WSKA_TAG_SERVICE_NAME), pending.service_out);
      return completion->information;
    case WSKA_FN_CONTROL_CLIENT:
    case WSKA_FN_CONTROL_SOCKET: {
      const Bytes output = completion.Blob(WSKA_TAG_OUTPUT);
      const size_t size = std::min<size_t>(output.size(), pending.output_size);
      if (pending.output != nullptr && size != 0) {
        std::memcpy(pending.output, output.data(), size);
      }
      return completion->information;
    }
    default:
      return completion->information;
  }
}

Bytes AddressBytes(const SOCKADDR* address) {
  if (address == nullptr) return {};
  size_t size = sizeof(SOCKADDR);
  if (address->sa_family == AF_INET) size = sizeof(SOCKADDR_IN);
  if (address->sa_family == AF_INET6) size = sizeof(SOCKADDR_IN6);
  const auto* bytes = reinterpret_cast<const uint8_t*>(address);
  return Bytes(bytes, bytes + size);
}

void CopyAddressOut(const Bytes& bytes, PSOCKADDR out) {
  if (out == nullptr || bytes.empty()) return;
  std::memcpy(out, bytes.data(), std::min(bytes.size(), sizeof(SOCKADDR_STORAGE)));
}

Bytes ReadWskBuf(const WSK_BUF& buffer) {
  Bytes out;
  SIZE_T skip = buffer.Offset, left = buffer.Length;
  for (PMDL mdl = buffer.Mdl; mdl != nullptr && left != 0; mdl = mdl->Next) {
    const SIZE_T count = MmGetMdlByteCount(mdl);
    if (skip >= count) {
      skip -= count;
      continue;
    }
    auto* base = static_cast<const uint8_t*>(
        MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority));
    if (base == nullptr) break;
    const SIZE_T take = std::min(count - skip, left);
    out.insert(out.end(), base + skip, base + skip + take);
    left -= take;
    skip = 0;
  }
  return out;
}

SIZE_T WriteWskBuf(const WSK_BUF& buffer, const Bytes& data) {
  SIZE_T skip = buffer.Offset, done = 0;
  const SIZE_T limit = std::min<SIZE_T>(buffer.Length, data.size());
  for (PMDL mdl = buffer.Mdl; mdl != nullptr && done < limit; mdl = mdl->Next) {
    const SIZE_T count = MmGetMdlByteCount(mdl);
    if (skip >= count) {
      skip -= count;
      continue;
    }
    auto* base = static_cast<uint8_t*>(
        MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority));
    if (base == nullptr) break;
    const SIZE_T take = std::min(count - skip, limit - done);
    std::memcpy(base + skip, data.data() + done, take);
    done += take;
    skip = 0;
  }
  return done;
}

uint32_t DispatchMask(ULONG category, const VOID* dispatch) {
  if (dispatch == nullptr) return 0;
  auto bit = [](bool present, uint32_t event) {
    return present ? (1u << event) : 0u;
  };
  auto listen = [&](const WSK_CLIENT_LISTEN_DISPATCH* d) {
    return d == nullptr ? 0u
                        : bit(d->WskAcceptEvent, WSKA_EV_ACCEPT) |
                              bit(d->WskInspectEvent, WSKA_EV_INSPECT) |
                              bit(d->WskAbortEvent, WSKA_EV_ABORT);
  };
  auto connection = [&](const WSK_CLIENT_CONNECTION_DISPATCH* d) {
    return d == nullptr ? 0u
                        : bit(d->WskReceiveEvent, WSKA_EV_RECEIVE) |
                              bit(d->WskDisconnectEvent, WSKA_EV_DISCONNECT) |
                              bit(d->WskSendBacklogEvent, WSKA_EV_SEND_BACKLOG);
  };
  switch (category) {
    case WSK_FLAG_LISTEN_SOCKET:
      return listen(static_cast<const WSK_CLIENT_LISTEN_DISPATCH*>(dispatch));
    case WSK_FLAG_CONNECTION_SOCKET:
      return connection(
          static_cast<const WSK_CLIENT_CONNECTION_DISPATCH*>(dispatch));
    case WSK_FLAG_DATAGRAM_SOCKET:
      return bit(static_cast<const WSK_CLIENT_DATAGRAM_DISPATCH*>(dispatch)
                     ->WskReceiveFromEvent,
                 WSKA_EV_RECEIVE_FROM);
    case WSK_FLAG_STREAM_SOCKET: {
      const auto* d = static_cast<const WSK_CLIENT_STREAM_DISPATCH*>(dispatch);
      return listen(d->Listen) | connection(d->Connect);
    }
    default:
      return 0;
  }
}

}  // namespace wskconf::agent::adapter
