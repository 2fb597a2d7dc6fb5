// The proxies' socket dispatch tables (listen, datagram, connection,
// stream): every function forwards to the agent's socket of the same
// handle. Data to send is read from the client's MDL chain now; received
// data is written into it when the IRP completes.
#include <cstring>

#include "forwarder.h"

namespace wskconf::agent::adapter {
namespace {

ProxySocket* P(PWSK_SOCKET socket) {
  if (socket == nullptr) Forwarder::Fatal("a call on a NULL socket");
  return reinterpret_cast<ProxySocket*>(socket);
}

MessageBuilder On(uint32_t function, PWSK_SOCKET socket) {
  MessageBuilder call = MessageBuilder::Call(function);
  call.Set(WSKA_TAG_SOCKET, P(socket)->handle);
  return call;
}

std::unique_ptr<Pending> For(PWSK_SOCKET socket) {
  auto pending = std::make_unique<Pending>();
  pending->socket = P(socket);
  return pending;
}

NTSTATUS Go(const char* what, MessageBuilder call, PIRP irp,
            std::unique_ptr<Pending> pending) {
  return Forwarder::Get().Forward(what, std::move(call), irp,
                                  std::move(pending));
}

NTSTATUS WSKAPI ControlSocket(PWSK_SOCKET socket,
                              WSK_CONTROL_SOCKET_TYPE type, ULONG code,
                              ULONG level, SIZE_T in_size, PVOID input,
                              SIZE_T out_size, PVOID output,
                              SIZE_T* returned, PIRP irp) {
  MessageBuilder call = On(WSKA_FN_CONTROL_SOCKET, socket);
  call.Set(WSKA_TAG_REQUEST_TYPE, type)
      .Set(WSKA_TAG_CONTROL_CODE, code)
      .Set(WSKA_TAG_LEVEL, level)
      .Set(WSKA_TAG_OUTPUT_SIZE, output == nullptr ? 0 : out_size)
      .Set(WSKA_TAG_USE_IRP, irp != nullptr);
  if (input != nullptr) {
    const bool mask_form = level == SOL_SOCKET &&
                           code == SO_WSK_EVENT_CALLBACK &&
                           in_size >= sizeof(WSK_EVENT_CALLBACK_CONTROL);
    const auto* bytes = static_cast<const uint8_t*>(input);
    const auto* mask = reinterpret_cast<const uint8_t*>(
        &static_cast<PWSK_EVENT_CALLBACK_CONTROL>(input)->EventMask);
    call.SetBlob(WSKA_TAG_INPUT, mask_form ? Bytes(mask, mask + sizeof(ULONG))
                                           : Bytes(bytes, bytes + in_size));
  }
  if (irp == nullptr) {
    Message answer = Forwarder::Get().CallNow("WskControlSocket", call);
    const Bytes out = answer.Blob(WSKA_TAG_OUTPUT);
    if (output != nullptr && !out.empty()) {
      std::memcpy(output, out.data(), std::min(out.size(), out_size));
    }
    if (returned != nullptr && answer.Has(WSKA_TAG_OUTPUT_SIZE_RETURNED)) {
      *returned = answer->output_size_returned;
    }
    return answer->status;
  }
  auto pending = For(socket);
  pending->output = output;
  pending->output_size = out_size;
  return Go("WskControlSocket", std::move(call), irp, std::move(pending));
}

NTSTATUS WSKAPI CloseSocket(PWSK_SOCKET socket, PIRP irp) {
  return Go("WskCloseSocket", On(WSKA_FN_CLOSE_SOCKET, socket), irp,
            For(socket));
}

NTSTATUS WSKAPI Bind(PWSK_SOCKET socket, PSOCKADDR local, ULONG flags,
                     PIRP irp) {
  MessageBuilder call = On(WSKA_FN_BIND, socket);
  call.SetBlob(WSKA_TAG_LOCAL_ADDRESS, AddressBytes(local))
      .Set(WSKA_TAG_FLAGS, flags);
  return Go("WskBind", std::move(call), irp, For(socket));
}

NTSTATUS WSKAPI Listen(PWSK_SOCKET socket, PIRP irp) {
  return Go("WskListen", On(WSKA_FN_LISTEN, socket), irp, For(socket));
}

NTSTATUS WSKAPI Accept(PWSK_SOCKET socket, ULONG flags, PVOID context,
                       const WSK_CLIENT_CONNECTION_DISPATCH* dispatch,
                       PSOCKADDR local, PSOCKADDR remote, PIRP irp) {
  MessageBuilder call = On(WSKA_FN_ACCEPT, socket);
  call.Set(WSKA_TAG_FLAGS, flags)
      .Set(WSKA_TAG_DISPATCH_MASK,
           DispatchMask(WSK_FLAG_CONNECTION_SOCKET, dispatch))
      .Set(WSKA_TAG_WANT_ADDRESSES, local != nullptr || remote != nullptr);
  PresetAnswers(Forwarder::Get(), call, dispatch);
  auto pending = For(socket);
  pending->new_category = WSK_FLAG_CONNECTION_SOCKET;
  pending->new_context = context;
  pending->new_dispatch = dispatch;
  pending->client = P(socket)->client;
  pending->local_out = local;
  pending->remote_out = remote;
  return Go("WskAccept", std::move(call), irp, std::move(pending));
}

NTSTATUS WSKAPI InspectComplete(PWSK_SOCKET socket, PWSK_INSPECT_ID id,
                                WSK_INSPECT_ACTION action, PIRP irp) {
  MessageBuilder call = On(WSKA_FN_INSPECT_COMPLETE, socket);
  call.Set(WSKA_TAG_INSPECT_KEY, id != nullptr ? id->Key : 0)
      .Set(WSKA_TAG_INSPECT_SERIAL, id != nullptr ? id->SerialNumber : 0)
      .Set(WSKA_TAG_ANSWER, static_cast<uint32_t>(action));
  return Go("WskInspectComplete", std::move(call), irp, For(socket));
}

NTSTATUS WSKAPI GetLocalAddress(PWSK_SOCKET socket, PSOCKADDR local,
                                PIRP irp) {
  auto pending = For(socket);
  pending->local_out = local;
  return Go("WskGetLocalAddress", On(WSKA_FN_GET_LOCAL_ADDRESS, socket), irp,
            std::move(pending));
}

NTSTATUS WSKAPI GetRemoteAddress(PWSK_SOCKET socket, PSOCKADDR remote,
                                 PIRP irp) {
  auto pending = For(socket);
  pending->remote_out = remote;
  return Go("WskGetRemoteAddress", On(WSKA_FN_GET_REMOTE_ADDRESS, socket),
            irp, std::move(pending));
}

NTSTATUS WSKAPI Connect(PWSK_SOCKET socket, PSOCKADDR remote, ULONG flags,
                        PIRP irp) {
  MessageBuilder call = On(WSKA_FN_CONNECT, socket);
  call.SetBlob(WSKA_TAG_REMOTE_ADDRESS, AddressBytes(remote))
      .Set(WSKA_TAG_FLAGS, flags);
  return Go("WskConnect", std::move(call), irp, For(socket));
}

NTSTATUS WSKAPI ConnectEx(PWSK_SOCKET socket, PSOCKADDR remote,
                          PWSK_BUF buffer, ULONG flags, PIRP irp) {
  MessageBuilder call = On(WSKA_FN_CONNECT_EX, socket);
  call.SetBlob(WSKA_TAG_REMOTE_ADDRESS, AddressBytes(remote))
      .Set(WSKA_TAG_FLAGS, flags);
  if (buffer != nullptr) call.SetData(ReadWskBuf(*buffer));
  return Go("WskConnectEx", std::move(call), irp, For(socket));
}

NTSTATUS WSKAPI Send(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags,
                     PIRP irp) {
  MessageBuilder call = On(WSKA_FN_SEND, socket);
  call.SetData(buffer != nullptr ? ReadWskBuf(*buffer) : Bytes())
      .Set(WSKA_TAG_FLAGS, flags);
  return Go("WskSend", std::move(call), irp, For(socket));
}

NTSTATUS WSKAPI Receive(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags,
                        PIRP irp) {
  MessageBuilder call = On(WSKA_FN_RECEIVE, socket);
  call.Set(WSKA_TAG_LENGTH, buffer != nullptr ? buffer->Length : 0)
      .Set(WSKA_TAG_FLAGS, flags);
  auto pending = For(socket);
  if (buffer != nullptr) pending->buffer = *buffer;
  return Go("WskReceive", std::move(call), irp, std::move(pending));
}

NTSTATUS WSKAPI Disconnect(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags,
                           PIRP irp) {
  MessageBuilder call = On(WSKA_FN_DISCONNECT, socket);
  call.Set(WSKA_TAG_FLAGS, flags);
  if (buffer != nullptr) call.SetData(ReadWskBuf(*buffer));
  return Go("WskDisconnect", std::move(call), irp, For(socket));
}

NTSTATUS WSKAPI SendTo(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags,
                       PSOCKADDR remote, ULONG control_length,
                       PCMSGHDR control, PIRP irp) {
  MessageBuilder call = On(WSKA_FN_SEND_TO, socket);
  call.SetData(buffer != nullptr ? ReadWskBuf(*buffer) : Bytes())
      .Set(WSKA_TAG_FLAGS, flags);
  if (remote != nullptr) {
    call.SetBlob(WSKA_TAG_REMOTE_ADDRESS, AddressBytes(remote));
  }
  if (control != nullptr && control_length != 0) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(control);
    call.SetBlob(WSKA_TAG_CONTROL_INFO, Bytes(bytes, bytes + control_length));
  }
  return Go("WskSendTo", std::move(call), irp, For(socket));
}

NTSTATUS WSKAPI ReceiveFrom(PWSK_SOCKET socket, PWSK_BUF buffer, ULONG flags,
                            PSOCKADDR remote, PULONG control_length,
                            PCMSGHDR control, PULONG control_flags,
                            PIRP irp) {
  MessageBuilder call = On(WSKA_FN_RECEIVE_FROM, socket);
  call.Set(WSKA_TAG_LENGTH, buffer != nullptr ? buffer->Length : 0)
      .Set(WSKA_TAG_FLAGS, flags)
      .Set(WSKA_TAG_CONTROL_SIZE,
           control_length != nullptr && control != nullptr ? *control_length
                                                            : 0)
      .Set(WSKA_TAG_WANT_ADDRESSES, remote != nullptr);
  auto pending = For(socket);
  if (buffer != nullptr) pending->buffer = *buffer;
  pending->remote_out = remote;
  pending->control_length = control_length;
  pending->control_info = control;
  pending->control_flags = control_flags;
  return Go("WskReceiveFrom", std::move(call), irp, std::move(pending));
}

NTSTATUS WSKAPI SendMessages(PWSK_SOCKET socket, PWSK_BUF_LIST list,
                             ULONG flags, PSOCKADDR remote,
                             ULONG control_length, PCMSGHDR control,
                             PIRP irp) {
  Bytes records;
  for (PWSK_BUF_LIST entry = list; entry != nullptr; entry = entry->Next) {
    const Bytes data = ReadWskBuf(entry->Buffer);
    const auto size = static_cast<uint32_t>(data.size());
    const auto* size_bytes = reinterpret_cast<const uint8_t*>(&size);
    records.insert(records.end(), size_bytes, size_bytes + 4);
    records.insert(records.end(), data.begin(), data.end());
  }
  MessageBuilder call = On(WSKA_FN_SEND_MESSAGES, socket);
  call.SetBlob(WSKA_TAG_BUFFER_LIST, records).Set(WSKA_TAG_FLAGS, flags);
  if (remote != nullptr) {
    call.SetBlob(WSKA_TAG_REMOTE_ADDRESS, AddressBytes(remote));
  }
  if (control != nullptr && control_length != 0) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(control);
    call.SetBlob(WSKA_TAG_CONTROL_INFO, Bytes(bytes, bytes + control_length));
  }
  return Go("WskSendMessages", std::move(call), irp, For(socket));
}

const WSK_PROVIDER_LISTEN_DISPATCH kListen = {
    {{ControlSocket, CloseSocket}}, Bind, Accept, InspectComplete,
    GetLocalAddress};
const WSK_PROVIDER_DATAGRAM_DISPATCH kDatagram = {
    {{ControlSocket, CloseSocket}}, Bind, SendTo, ReceiveFrom,
    ReleaseDatagrams, GetLocalAddress, SendMessages};
const WSK_PROVIDER_CONNECTION_DISPATCH kConnection = {
    {{ControlSocket, CloseSocket}}, Bind, Connect, GetLocalAddress,
    GetRemoteAddress, Send, Receive, Disconnect, ReleaseData, ConnectEx,
    nullptr, nullptr};
const WSK_PROVIDER_STREAM_DISPATCH kStream = {
    {{ControlSocket, CloseSocket}}, Bind, Accept, Connect, Listen, Send,
    Receive, Disconnect, ReleaseData, GetLocalAddress, GetRemoteAddress,
    ConnectEx, nullptr, nullptr};
const WSK_PROVIDER_BASIC_DISPATCH kBasic = {ControlSocket, CloseSocket};

}  // namespace

const VOID* SocketDispatchFor(ULONG category) {
  switch (category) {
    case WSK_FLAG_LISTEN_SOCKET: return &kListen;
    case WSK_FLAG_DATAGRAM_SOCKET: return &kDatagram;
    case WSK_FLAG_CONNECTION_SOCKET: return &kConnection;
    case WSK_FLAG_STREAM_SOCKET: return &kStream;
    default: return &kBasic;
  }
}

}  // namespace wskconf::agent::adapter
