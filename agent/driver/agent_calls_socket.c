/* Socket-level calls: the provider dispatch table of each socket category
 * (listen, datagram, connection, stream, basic). A call is refused before
 * it reaches the provider when the socket id is unknown or the socket's
 * category has no such function (its table would be read out of bounds);
 * a NULL entry in the provider's table is reported, not called. */
#include "agent.h"

#define TABLE(type) ((const type *)s->Socket->Dispatch)
#define PICK(member, listen, datagram, connection, stream)                   \
  switch (s->Flags) {                                                        \
    case WSK_FLAG_LISTEN_SOCKET:                                             \
      if (listen) return TABLE(WSK_PROVIDER_LISTEN_DISPATCH)->member;        \
      break;                                                                 \
    case WSK_FLAG_DATAGRAM_SOCKET:                                           \
      if (datagram) return TABLE(WSK_PROVIDER_DATAGRAM_DISPATCH)->member;    \
      break;                                                                 \
    case WSK_FLAG_CONNECTION_SOCKET:                                         \
      if (connection) {                                                      \
        return TABLE(WSK_PROVIDER_CONNECTION_DISPATCH)->member;              \
      }                                                                      \
      break;                                                                 \
    case WSK_FLAG_STREAM_SOCKET:                                             \
      if (stream) return TABLE(WSK_PROVIDER_STREAM_DISPATCH)->member;        \
      break;                                                                 \
  }                                                                          \
  return NULL

/* Each PICK names, per category, whether its table has the member; the
 * unused arms are never taken (a 0 makes the compiler drop them). */
static PFN_WSK_BIND BindOf(PAGENT_SOCKET s) { PICK(WskBind, 1, 1, 1, 1); }
static PFN_WSK_GET_LOCAL_ADDRESS LocalOf(PAGENT_SOCKET s) {
  PICK(WskGetLocalAddress, 1, 1, 1, 1);
}
static PFN_WSK_ACCEPT AcceptOf(PAGENT_SOCKET s) {
  switch (s->Flags) {
    case WSK_FLAG_LISTEN_SOCKET:
      return TABLE(WSK_PROVIDER_LISTEN_DISPATCH)->WskAccept;
    case WSK_FLAG_STREAM_SOCKET:
      return TABLE(WSK_PROVIDER_STREAM_DISPATCH)->WskAccept;
  }
  return NULL;
}

/* Members only connection and stream tables have. */
#define CONNECTED(member)                                          \
  switch (s->Flags) {                                              \
    case WSK_FLAG_CONNECTION_SOCKET:                               \
      return TABLE(WSK_PROVIDER_CONNECTION_DISPATCH)->member;      \
    case WSK_FLAG_STREAM_SOCKET:                                   \
      return TABLE(WSK_PROVIDER_STREAM_DISPATCH)->member;          \
  }                                                                \
  return NULL

static PFN_WSK_CONNECT ConnectOf(PAGENT_SOCKET s) { CONNECTED(WskConnect); }
static PFN_WSK_CONNECT_EX ConnectExOf(PAGENT_SOCKET s) {
  CONNECTED(WskConnectEx);
}
static PFN_WSK_SEND SendOf(PAGENT_SOCKET s) { CONNECTED(WskSend); }
static PFN_WSK_RECEIVE ReceiveOf(PAGENT_SOCKET s) { CONNECTED(WskReceive); }
static PFN_WSK_DISCONNECT DisconnectOf(PAGENT_SOCKET s) {
  CONNECTED(WskDisconnect);
}
static PFN_WSK_GET_REMOTE_ADDRESS RemoteOf(PAGENT_SOCKET s) {
  CONNECTED(WskGetRemoteAddress);
}
static PFN_WSK_RELEASE_DATA_INDICATION_LIST ReleaseOf(PAGENT_SOCKET s) {
  CONNECTED(WskRelease);
}

#define DATAGRAM(member)                                                   \
  return s->Flags == WSK_FLAG_DATAGRAM_SOCKET                              \
             ? TABLE(WSK_PROVIDER_DATAGRAM_DISPATCH)->member               \
             : NULL

static PFN_WSK_SEND_TO SendToOf(PAGENT_SOCKET s) { DATAGRAM(WskSendTo); }
static PFN_WSK_RECEIVE_FROM ReceiveFromOf(PAGENT_SOCKET s) {
  DATAGRAM(WskReceiveFrom);
}
static PFN_WSK_SEND_MESSAGES SendMessagesOf(PAGENT_SOCKET s) {
  DATAGRAM(WskSendMessages);
}
static PFN_WSK_RELEASE_DATAGRAM_INDICATION_LIST ReleaseDatagramOf(
    PAGENT_SOCKET s) {
  DATAGRAM(WskRelease);
}
static PFN_WSK_LISTEN ListenOf(PAGENT_SOCKET s) {
  return s->Flags == WSK_FLAG_STREAM_SOCKET
             ? TABLE(WSK_PROVIDER_STREAM_DISPATCH)->WskListen
             : NULL;
}
static PFN_WSK_INSPECT_COMPLETE InspectCompleteOf(PAGENT_SOCKET s) {
  return s->Flags == WSK_FLAG_LISTEN_SOCKET
             ? TABLE(WSK_PROVIDER_LISTEN_DISPATCH)->WskInspectComplete
             : NULL;
}

static ULONG ControlSocket(const WSKA_MESSAGE *Call, PAGENT_SOCKET S,
                           WSKA_MESSAGE *Return, PAGENT_OP Op) {
  const WSK_PROVIDER_BASIC_DISPATCH *basic = S->Socket->Dispatch;
  BOOLEAN mask_form = Call->level == SOL_SOCKET &&
                      Call->control_code == SO_WSK_EVENT_CALLBACK;
  PVOID input;
  SIZE_T input_size;
  if (basic->WskControlSocket == NULL) return WSKA_E_BAD_STATE;
  if (!NT_SUCCESS(AgentOpSetInput(Op, Call, mask_form, &input, &input_size)) ||
      !NT_SUCCESS(AgentOpSetOutput(Op, Call->output_size))) {
    return WSKA_E_BAD_VALUE;
  }
  Return->status = basic->WskControlSocket(
      S->Socket, (WSK_CONTROL_SOCKET_TYPE)Call->request_type,
      Call->control_code, Call->level, input_size, input, Op->OutputSize,
      Op->Output, Op->Irp == NULL ? &Op->OutputReturned : NULL, Op->Irp);
  if (Op->Irp == NULL) {
    Return->output_size_returned = Op->OutputReturned;
    Return->output.data = Op->Output;
    Return->output.size = (uint32_t)(Op->OutputReturned < Op->OutputSize
                                         ? Op->OutputReturned
                                         : Op->OutputSize);
    WskaSet(Return, WSKA_TAG_OUTPUT_SIZE_RETURNED);
    WskaSet(Return, WSKA_TAG_OUTPUT);
  }
  return WSKA_E_OK;
}

/* WskSendMessages: one nonpaged copy of all datagrams, one MDL each. */
static NTSTATUS SetBufferList(PAGENT_OP Op, const WSKA_BLOB *List) {
  uint32_t cursor = 0;
  WSKA_BLOB record;
  ULONG count = 0, i = 0;
  SIZE_T at = 0;
  while (WskaNextBuffer(List, &cursor, &record) == 1) count++;
  if (count == 0) return STATUS_INVALID_PARAMETER;
  Op->BufList = ExAllocatePoolWithTag(
      NonPagedPool, count * sizeof(WSK_BUF_LIST), AGENT_TAG);
  Op->Buffer = ExAllocatePoolWithTag(NonPagedPool, List->size + 1, AGENT_TAG);
  if (Op->BufList == NULL || Op->Buffer == NULL) {
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  RtlZeroMemory(Op->BufList, count * sizeof(WSK_BUF_LIST));
  Op->BufCount = count;
  cursor = 0;
  while (WskaNextBuffer(List, &cursor, &record) == 1) {
    PWSK_BUF_LIST entry = &Op->BufList[i];
    entry->Next = i + 1 < count ? &Op->BufList[i + 1] : NULL;
    entry->Buffer.Length = record.size;
    if (record.size != 0) {
      RtlCopyMemory(Op->Buffer + at, record.data, record.size);
      entry->Buffer.Mdl =
          IoAllocateMdl(Op->Buffer + at, record.size, FALSE, FALSE, NULL);
      if (entry->Buffer.Mdl == NULL) return STATUS_INSUFFICIENT_RESOURCES;
      MmBuildMdlForNonPagedPool(entry->Buffer.Mdl);
    }
    at += record.size;
    i++;
  }
  return STATUS_SUCCESS;
}

/* INDICATION 0 (version 4) is the client's NULL list: the provider gets
 * NULL and answers for itself. */
static ULONG Release(const WSKA_MESSAGE *Call, PAGENT_SOCKET S,
                     WSKA_MESSAGE *Return) {
  const BOOLEAN none = Call->indication == 0;
  if (S->Flags == WSK_FLAG_DATAGRAM_SOCKET) {
    PFN_WSK_RELEASE_DATAGRAM_INDICATION_LIST release = ReleaseDatagramOf(S);
    PVOID list = none ? NULL
                      : AgentTakeHandle(Call->indication,
                                        AgentHandleDatagramIndication, S->Id);
    if (list == NULL && !none) return WSKA_E_BAD_HANDLE;
    if (release == NULL) return WSKA_E_BAD_STATE;
    Return->status = release(S->Socket, list);
  } else {
    PFN_WSK_RELEASE_DATA_INDICATION_LIST release = ReleaseOf(S);
    PVOID list = none ? NULL
                      : AgentTakeHandle(Call->indication,
                                        AgentHandleDataIndication, S->Id);
    if (list == NULL && !none) return WSKA_E_BAD_HANDLE;
    if (release == NULL) return WSKA_E_BAD_STATE;
    Return->status = release(S->Socket, list);
  }
  return WSKA_E_OK;
}

#define CALL_OR_REFUSE(pfn, args)              \
  do {                                         \
    if ((pfn) == NULL) return WSKA_E_BAD_STATE; \
    Return->status = (pfn)args;                \
    return WSKA_E_OK;                          \
  } while (0)

/* Calls whose only buffers are addresses or an inspect id. */
static ULONG AddressCall(const WSKA_MESSAGE *Call, PAGENT_SOCKET S,
                         WSKA_MESSAGE *Return, PAGENT_OP Op) {
  PSOCKADDR local = (PSOCKADDR)&Op->Local, remote = (PSOCKADDR)&Op->Remote;
  ULONG flags = WskaHas(Call, WSKA_TAG_FLAGS) ? Call->flags : 0;
  PIRP irp = Op->Irp;
  switch (Call->function) {
    case WSKA_FN_BIND:
      AgentCopyAddress(&Call->local_address, &Op->Local);
      CALL_OR_REFUSE(BindOf(S), (S->Socket, local, flags, irp));
    case WSKA_FN_CONNECT:
      AgentCopyAddress(&Call->remote_address, &Op->Remote);
      CALL_OR_REFUSE(ConnectOf(S), (S->Socket, remote, flags, irp));
    case WSKA_FN_LISTEN: CALL_OR_REFUSE(ListenOf(S), (S->Socket, irp));
    case WSKA_FN_GET_LOCAL_ADDRESS:
      CALL_OR_REFUSE(LocalOf(S), (S->Socket, local, irp));
    case WSKA_FN_GET_REMOTE_ADDRESS:
      CALL_OR_REFUSE(RemoteOf(S), (S->Socket, remote, irp));
    case WSKA_FN_INSPECT_COMPLETE:
      Op->InspectId.Key = (ULONG_PTR)Call->inspect_key;
      Op->InspectId.SerialNumber = Call->inspect_serial;
      CALL_OR_REFUSE(InspectCompleteOf(S),
                     (S->Socket, &Op->InspectId,
                      (WSK_INSPECT_ACTION)Call->answer, irp));
    case WSKA_FN_CLOSE_SOCKET:
      Op->Socket = S;
      S->State = AgentSlotClosing; /* no further calls on it */
      CALL_OR_REFUSE(((const WSK_PROVIDER_BASIC_DISPATCH *)S->Socket->Dispatch)
                         ->WskCloseSocket,
                     (S->Socket, irp));
  }
  return WSKA_E_UNKNOWN_FUNCTION;
}

static ULONG Accept(const WSKA_MESSAGE *Call, PAGENT_SOCKET S,
                    WSKA_MESSAGE *Return, PAGENT_OP Op) {
  ULONG mask = WskaHas(Call, WSKA_TAG_DISPATCH_MASK) ? Call->dispatch_mask : 0;
  PFN_WSK_ACCEPT accept = AcceptOf(S);
  if (accept == NULL) return WSKA_E_BAD_STATE;
  Op->NewSocket = AgentReserveSocket(WSK_FLAG_CONNECTION_SOCKET, mask);
  if (Op->NewSocket == NULL) return WSKA_E_NO_RESOURCES;
  AgentPresetAnswers(Op->NewSocket, Call);
  Op->WantAddresses = !WskaHas(Call, WSKA_TAG_WANT_ADDRESSES) ||
                      Call->want_addresses != 0;
  Return->status = accept(
      S->Socket, WskaHas(Call, WSKA_TAG_FLAGS) ? Call->flags : 0,
      Op->NewSocket,
      (const WSK_CLIENT_CONNECTION_DISPATCH *)AgentClientDispatch(
          Op->NewSocket, mask),
      Op->WantAddresses ? (PSOCKADDR)&Op->Local : NULL,
      Op->WantAddresses ? (PSOCKADDR)&Op->Remote : NULL, Op->Irp);
  return WSKA_E_OK;
}

/* Calls that move data. */
static ULONG DataCall(const WSKA_MESSAGE *Call, PAGENT_SOCKET S,
                      WSKA_MESSAGE *Return, PAGENT_OP Op) {
  ULONG flags = WskaHas(Call, WSKA_TAG_FLAGS) ? Call->flags : 0;
  ULONG offset = WskaHas(Call, WSKA_TAG_OFFSET) ? Call->offset : 0;
  BOOLEAN has_data = WskaHas(Call, WSKA_TAG_DATA) != 0;
  PSOCKADDR remote = (PSOCKADDR)&Op->Remote;
  NTSTATUS status = STATUS_SUCCESS;
  PIRP irp = Op->Irp;
  if (Call->function == WSKA_FN_SEND_MESSAGES) {
    status = SetBufferList(Op, &Call->buffer_list);
  } else if (WskaHas(Call, WSKA_TAG_CHUNKED)) {
    has_data = TRUE;
    status = AgentOpTakeChunked(Op, offset);
  } else if (has_data) {
    status = AgentOpSetBuffer(Op, &Call->data, 0, offset);
  } else if (WskaHas(Call, WSKA_TAG_LENGTH) &&
             Call->length > WSKA_MAX_DATA) {
    /* Version 5: the bytes go back in CHUNKs, from the chunked pool. */
    if (Agent.Version < 5u || Call->length > WSKA_MAX_CHUNKED) {
      return WSKA_E_BAD_VALUE;
    }
    status = AgentOpSetReceiveChunked(Op, (SIZE_T)Call->length, offset);
    if (status == STATUS_INSUFFICIENT_RESOURCES) return WSKA_E_NO_RESOURCES;
  } else if (WskaHas(Call, WSKA_TAG_LENGTH)) {
    status = AgentOpSetBuffer(Op, NULL, (SIZE_T)Call->length, offset);
  }
  if (!NT_SUCCESS(status)) return WSKA_E_BAD_VALUE;
  if (WskaHas(Call, WSKA_TAG_REMOTE_ADDRESS)) {
    AgentCopyAddress(&Call->remote_address, &Op->Remote);
  } else if (Call->function != WSKA_FN_RECEIVE_FROM) {
    remote = NULL;
  }
  switch (Call->function) {
    case WSKA_FN_CONNECT_EX:
      CALL_OR_REFUSE(ConnectExOf(S), (S->Socket, remote,
                                      has_data ? &Op->WskBuf : NULL, flags,
                                      irp));
    case WSKA_FN_SEND:
      CALL_OR_REFUSE(SendOf(S), (S->Socket, &Op->WskBuf, flags, irp));
    case WSKA_FN_RECEIVE:
      CALL_OR_REFUSE(ReceiveOf(S), (S->Socket, &Op->WskBuf, flags, irp));
    case WSKA_FN_DISCONNECT:
      CALL_OR_REFUSE(DisconnectOf(S), (S->Socket,
                                       has_data ? &Op->WskBuf : NULL, flags,
                                       irp));
    default: break;
  }
  return WSKA_E_UNKNOWN_FUNCTION;
}

static ULONG DatagramCall(const WSKA_MESSAGE *Call, PAGENT_SOCKET S,
                          WSKA_MESSAGE *Return, PAGENT_OP Op) {
  ULONG flags = WskaHas(Call, WSKA_TAG_FLAGS) ? Call->flags : 0;
  BOOLEAN has_remote = WskaHas(Call, WSKA_TAG_REMOTE_ADDRESS) != 0;
  PSOCKADDR remote = has_remote ? (PSOCKADDR)&Op->Remote : NULL;
  PVOID control = NULL;
  SIZE_T control_size = 0;
  ULONG error = DataCall(Call, S, Return, Op);
  PIRP irp = Op->Irp;
  if (error != WSKA_E_UNKNOWN_FUNCTION) return error;
  if (WskaHas(Call, WSKA_TAG_CONTROL_INFO)) {
    WSKA_MESSAGE input = *Call; /* the control records travel like INPUT */
    input.input = Call->control_info;
    WskaSet(&input, WSKA_TAG_INPUT);
    if (!NT_SUCCESS(AgentOpSetInput(Op, &input, FALSE, &control,
                                    &control_size))) {
      return WSKA_E_NO_RESOURCES;
    }
  }
  switch (Call->function) {
    case WSKA_FN_SEND_TO:
      CALL_OR_REFUSE(SendToOf(S), (S->Socket, &Op->WskBuf, flags, remote,
                                   (ULONG)control_size, control, irp));
    case WSKA_FN_SEND_MESSAGES:
      CALL_OR_REFUSE(SendMessagesOf(S), (S->Socket, Op->BufList, flags,
                                         remote, (ULONG)control_size,
                                         control, irp));
    case WSKA_FN_RECEIVE_FROM:
      Op->WantAddresses = !WskaHas(Call, WSKA_TAG_WANT_ADDRESSES) ||
                          Call->want_addresses != 0;
      Op->ControlLength =
          WskaHas(Call, WSKA_TAG_CONTROL_SIZE) ? Call->control_size : 0;
      if (!NT_SUCCESS(AgentOpSetOutput(Op, Op->ControlLength))) {
        return WSKA_E_BAD_VALUE;
      }
      CALL_OR_REFUSE(ReceiveFromOf(S),
                     (S->Socket, &Op->WskBuf, flags,
                      Op->WantAddresses ? (PSOCKADDR)&Op->Remote : NULL,
                      &Op->ControlLength, (PCMSGHDR)Op->Output,
                      &Op->ControlFlags, irp));
  }
  return WSKA_E_UNKNOWN_FUNCTION;
}

ULONG AgentSocketCall(const WSKA_MESSAGE *Call, WSKA_MESSAGE *Return,
                      PAGENT_OP *OpOut) {
  PAGENT_SOCKET s = AgentFindSocket(Call->socket);
  BOOLEAN with_irp = TRUE;
  PAGENT_OP op;
  ULONG error;
  *OpOut = NULL;
  if (s == NULL) return WSKA_E_BAD_HANDLE;
  if (Call->function == WSKA_FN_RELEASE) return Release(Call, s, Return);
  if (Call->function == WSKA_FN_CONTROL_SOCKET) with_irp = Call->use_irp != 0;
  op = AgentNewOp(Call, with_irp);
  if (op == NULL) return WSKA_E_NO_RESOURCES;
  op->Socket = s;
  switch (Call->function) {
    case WSKA_FN_CONTROL_SOCKET: error = ControlSocket(Call, s, Return, op);
      break;
    case WSKA_FN_ACCEPT: error = Accept(Call, s, Return, op); break;
    case WSKA_FN_CONNECT_EX: case WSKA_FN_SEND: case WSKA_FN_RECEIVE:
    case WSKA_FN_DISCONNECT:
      error = DataCall(Call, s, Return, op);
      break;
    case WSKA_FN_SEND_TO: case WSKA_FN_RECEIVE_FROM:
    case WSKA_FN_SEND_MESSAGES:
      error = DatagramCall(Call, s, Return, op);
      break;
    default: error = AddressCall(Call, s, Return, op);
  }
  if (error != WSKA_E_OK) {
    if (op->NewSocket != NULL) AgentFreeSocket(op->NewSocket);
    if (Call->function == WSKA_FN_CLOSE_SOCKET) s->State = AgentSlotLive;
    AgentOpDiscard(op);
    return error;
  }
  *OpOut = op;
  return WSKA_E_OK;
}
