/* The agent's event callbacks. Each reports its arguments to the runner as
 * an EVENT message and returns the answer the runner preset for that socket
 * and callback (they run at DISPATCH_LEVEL and cannot wait for the runner).
 * Nothing here blocks or touches paged memory. */
#include "agent.h"

static VOID SetAddress(WSKA_BLOB *Blob, const SOCKADDR *Address,
                       WSKA_MESSAGE *m, ULONG Tag) {
  if (Address == NULL) return;
  Blob->data = (const uint8_t *)Address;
  Blob->size = AgentAddressSize((const SOCKADDR_STORAGE *)Address);
  if (Blob->size >= 2) WskaSet(m, Tag);
}

static VOID StartEvent(WSKA_MESSAGE *m, ULONG Event, PAGENT_SOCKET Socket) {
  WskaInit(m, WSKA_MSG_EVENT, 0);
  m->event = Event;
  WskaSet(m, WSKA_TAG_EVENT);
  if (Socket != NULL) {
    m->socket = Socket->Id;
    WskaSet(m, WSKA_TAG_SOCKET);
  }
  m->time = AgentNow();
  WskaSet(m, WSKA_TAG_TIME);
}

static VOID FinishEvent(WSKA_MESSAGE *m, NTSTATUS Answer) {
  m->status = Answer;
  WskaSet(m, WSKA_TAG_STATUS);
  AgentPost(m);
}

static NTSTATUS NTAPI ClientEvent(PVOID Context, ULONG Event, PVOID Info,
                                  SIZE_T InfoLength) {
  WSKA_MESSAGE m;
  PAGENT_REGISTRATION registration = Context;
  StartEvent(&m, WSKA_EV_CLIENT, NULL);
  if (registration != NULL) {
    m.registration = registration->Id;
    WskaSet(&m, WSKA_TAG_REGISTRATION);
  }
  m.control_code = Event;
  WskaSet(&m, WSKA_TAG_CONTROL_CODE);
  if (Info != NULL && InfoLength <= 65536) {
    m.input.data = Info;
    m.input.size = (uint32_t)InfoLength;
    WskaSet(&m, WSKA_TAG_INPUT);
  }
  FinishEvent(&m, AgentAnswerOf(NULL, WSKA_EV_CLIENT).Status);
  return AgentAnswerOf(NULL, WSKA_EV_CLIENT).Status;
}

const WSK_CLIENT_DISPATCH AgentClientDispatchTable = {
    MAKE_WSK_VERSION(1, 0), 0, ClientEvent};

static NTSTATUS NTAPI AcceptEvent(
    PVOID Context, ULONG Flags, PSOCKADDR Local, PSOCKADDR Remote,
    PWSK_SOCKET AcceptSocket, PVOID *AcceptContext,
    const WSK_CLIENT_CONNECTION_DISPATCH **AcceptDispatch) {
  PAGENT_SOCKET listener = Context, accepted = NULL;
  AGENT_ANSWER answer = AgentAnswerOf(listener, WSKA_EV_ACCEPT);
  NTSTATUS status = answer.Status;
  WSKA_MESSAGE m;
  StartEvent(&m, WSKA_EV_ACCEPT, listener);
  m.flags = Flags;
  WskaSet(&m, WSKA_TAG_FLAGS);
  SetAddress(&m.local_address, Local, &m, WSKA_TAG_LOCAL_ADDRESS);
  SetAddress(&m.remote_address, Remote, &m, WSKA_TAG_REMOTE_ADDRESS);
  if (AcceptSocket != NULL && status == STATUS_SUCCESS) {
    accepted = AgentReserveOwnedSocket(WSK_FLAG_CONNECTION_SOCKET,
                                       answer.DispatchMask,
                                       listener != NULL ? listener->Owner : 0);
    if (accepted == NULL) status = STATUS_REQUEST_NOT_ACCEPTED;
  }
  if (accepted != NULL) {
    KIRQL irql;
    KeAcquireSpinLock(&Agent.Lock, &irql);
    if (listener != NULL && listener->HasAcceptedAnswers) {
      RtlCopyMemory(accepted->Answers, listener->AcceptedAnswers,
                    sizeof(accepted->Answers));
    }
    KeReleaseSpinLock(&Agent.Lock, irql);
    accepted->Socket = AcceptSocket;
    accepted->State = AgentSlotLive;
    *AcceptContext = accepted;
    *AcceptDispatch = AgentClientDispatch(accepted, answer.DispatchMask);
    m.new_socket = accepted->Id;
    WskaSet(&m, WSKA_TAG_NEW_SOCKET);
  }
  FinishEvent(&m, status);
  return status;
}

static VOID SetInspectId(WSKA_MESSAGE *m, const WSK_INSPECT_ID *Id) {
  if (Id == NULL) return;
  m->inspect_key = Id->Key;
  m->inspect_serial = Id->SerialNumber;
  WskaSet(m, WSKA_TAG_INSPECT_KEY);
  WskaSet(m, WSKA_TAG_INSPECT_SERIAL);
}

static WSK_INSPECT_ACTION NTAPI InspectEvent(PVOID Context, PSOCKADDR Local,
                                             PSOCKADDR Remote,
                                             PWSK_INSPECT_ID Id) {
  PAGENT_SOCKET listener = Context;
  LONG action = AgentAnswerOf(listener, WSKA_EV_INSPECT).Status;
  WSKA_MESSAGE m;
  StartEvent(&m, WSKA_EV_INSPECT, listener);
  SetAddress(&m.local_address, Local, &m, WSKA_TAG_LOCAL_ADDRESS);
  SetAddress(&m.remote_address, Remote, &m, WSKA_TAG_REMOTE_ADDRESS);
  SetInspectId(&m, Id);
  FinishEvent(&m, action);
  return (WSK_INSPECT_ACTION)action;
}

static NTSTATUS NTAPI AbortEvent(PVOID Context, PWSK_INSPECT_ID Id) {
  PAGENT_SOCKET listener = Context;
  NTSTATUS status = AgentAnswerOf(listener, WSKA_EV_ABORT).Status;
  WSKA_MESSAGE m;
  StartEvent(&m, WSKA_EV_ABORT, listener);
  SetInspectId(&m, Id);
  FinishEvent(&m, status);
  return status;
}

/* Copies the indicated bytes (up to the limit) into a nonpaged buffer. */
static PUCHAR CopyIndication(PWSK_DATA_INDICATION List, SIZE_T *Copied) {
  PUCHAR data = ExAllocatePoolWithTag(NonPagedPool, AGENT_EVENT_DATA_LIMIT,
                                      AGENT_TAG);
  *Copied = 0;
  for (; data != NULL && List != NULL; List = List->Next) {
    *Copied += AgentCopyFromWskBuf(&List->Buffer, data + *Copied,
                                   AGENT_EVENT_DATA_LIMIT - *Copied);
  }
  return data;
}

static NTSTATUS NTAPI ReceiveEvent(PVOID Context, ULONG Flags,
                                   PWSK_DATA_INDICATION List,
                                   SIZE_T Indicated, SIZE_T *Accepted) {
  PAGENT_SOCKET socket = Context;
  AGENT_ANSWER answer = AgentAnswerOf(socket, WSKA_EV_RECEIVE);
  SIZE_T copied = 0;
  PUCHAR data = NULL;
  WSKA_MESSAGE m;
  StartEvent(&m, WSKA_EV_RECEIVE, socket);
  m.flags = Flags;
  m.length = Indicated;
  WskaSet(&m, WSKA_TAG_FLAGS);
  WskaSet(&m, WSKA_TAG_LENGTH);
  if (List != NULL) {
    data = CopyIndication(List, &copied);
    m.data.data = data;
    m.data.size = (uint32_t)copied;
    if (data != NULL) WskaSet(&m, WSKA_TAG_DATA);
  }
  if (answer.Status == STATUS_SUCCESS && answer.Length != 0 &&
      answer.Length < Indicated && Accepted != NULL) {
    *Accepted = (SIZE_T)answer.Length;
  }
  if (answer.Status == STATUS_PENDING && List != NULL) {
    m.indication = AgentNewHandle(AgentHandleDataIndication, List,
                                  socket != NULL ? socket->Id : 0);
    if (m.indication == 0) answer.Status = STATUS_DATA_NOT_ACCEPTED;
    else WskaSet(&m, WSKA_TAG_INDICATION);
  }
  FinishEvent(&m, answer.Status);
  if (data != NULL) ExFreePoolWithTag(data, AGENT_TAG);
  return answer.Status;
}

/* BUFFER_LIST record per datagram: u32 address size, address, data. */
static SIZE_T PackDatagrams(PWSK_DATAGRAM_INDICATION List, PUCHAR Out,
                            SIZE_T Limit) {
  SIZE_T used = 0;
  for (; List != NULL; List = List->Next) {
    ULONG address_size = AgentAddressSize(
        (const SOCKADDR_STORAGE *)List->RemoteAddress);
    SIZE_T record, data;
    if (Limit - used < 8 + address_size) break;
    data = AgentCopyFromWskBuf(&List->Buffer, Out + used + 8 + address_size,
                               Limit - used - 8 - address_size);
    record = 4 + address_size + data;
    *(ULONG UNALIGNED *)(Out + used) = (ULONG)record;
    *(ULONG UNALIGNED *)(Out + used + 4) = address_size;
    if (address_size != 0) {
      RtlCopyMemory(Out + used + 8, List->RemoteAddress, address_size);
    }
    used += 4 + record;
  }
  return used;
}

static NTSTATUS NTAPI ReceiveFromEvent(PVOID Context, ULONG Flags,
                                       PWSK_DATAGRAM_INDICATION List) {
  PAGENT_SOCKET socket = Context;
  AGENT_ANSWER answer = AgentAnswerOf(socket, WSKA_EV_RECEIVE_FROM);
  PUCHAR packed = NULL;
  WSKA_MESSAGE m;
  StartEvent(&m, WSKA_EV_RECEIVE_FROM, socket);
  m.flags = Flags;
  WskaSet(&m, WSKA_TAG_FLAGS);
  if (List != NULL) {
    packed = ExAllocatePoolWithTag(NonPagedPool, AGENT_EVENT_DATA_LIMIT,
                                   AGENT_TAG);
    if (packed != NULL) {
      m.buffer_list.data = packed;
      m.buffer_list.size =
          (uint32_t)PackDatagrams(List, packed, AGENT_EVENT_DATA_LIMIT);
      WskaSet(&m, WSKA_TAG_BUFFER_LIST);
    }
  }
  if (answer.Status == STATUS_PENDING && List != NULL) {
    m.indication = AgentNewHandle(AgentHandleDatagramIndication, List,
                                  socket != NULL ? socket->Id : 0);
    if (m.indication == 0) answer.Status = STATUS_DATA_NOT_ACCEPTED;
    else WskaSet(&m, WSKA_TAG_INDICATION);
  }
  FinishEvent(&m, answer.Status);
  if (packed != NULL) ExFreePoolWithTag(packed, AGENT_TAG);
  return answer.Status;
}

static NTSTATUS NTAPI DisconnectEvent(PVOID Context, ULONG Flags) {
  PAGENT_SOCKET socket = Context;
  NTSTATUS status = AgentAnswerOf(socket, WSKA_EV_DISCONNECT).Status;
  WSKA_MESSAGE m;
  StartEvent(&m, WSKA_EV_DISCONNECT, socket);
  m.flags = Flags;
  WskaSet(&m, WSKA_TAG_FLAGS);
  FinishEvent(&m, status);
  return status;
}

static NTSTATUS NTAPI SendBacklogEvent(PVOID Context, SIZE_T Ideal) {
  PAGENT_SOCKET socket = Context;
  NTSTATUS status = AgentAnswerOf(socket, WSKA_EV_SEND_BACKLOG).Status;
  WSKA_MESSAGE m;
  StartEvent(&m, WSKA_EV_SEND_BACKLOG, socket);
  m.length = Ideal;
  WskaSet(&m, WSKA_TAG_LENGTH);
  FinishEvent(&m, status);
  return status;
}

#define HAS(mask, event) (((mask) & (1u << (event))) != 0)

/* Fills Socket's client tables with the callbacks DispatchMask asks for. */
VOID AgentSetDispatch(PAGENT_SOCKET Socket, ULONG DispatchMask) {
  Socket->Listen.WskAcceptEvent =
      HAS(DispatchMask, WSKA_EV_ACCEPT) ? AcceptEvent : NULL;
  Socket->Listen.WskInspectEvent =
      HAS(DispatchMask, WSKA_EV_INSPECT) ? InspectEvent : NULL;
  Socket->Listen.WskAbortEvent =
      HAS(DispatchMask, WSKA_EV_ABORT) ? AbortEvent : NULL;
  Socket->Connection.WskReceiveEvent =
      HAS(DispatchMask, WSKA_EV_RECEIVE) ? ReceiveEvent : NULL;
  Socket->Connection.WskDisconnectEvent =
      HAS(DispatchMask, WSKA_EV_DISCONNECT) ? DisconnectEvent : NULL;
  Socket->Connection.WskSendBacklogEvent =
      HAS(DispatchMask, WSKA_EV_SEND_BACKLOG) ? SendBacklogEvent : NULL;
  Socket->Datagram.WskReceiveFromEvent =
      HAS(DispatchMask, WSKA_EV_RECEIVE_FROM) ? ReceiveFromEvent : NULL;
  Socket->Stream.Listen = &Socket->Listen;
  Socket->Stream.Connect = &Socket->Connection;
}

/* The Dispatch argument for Socket's category; NULL when the mask is 0. */
const VOID *AgentClientDispatch(PAGENT_SOCKET Socket, ULONG DispatchMask) {
  if (DispatchMask == 0) return NULL;
  switch (Socket->Flags) {
    case WSK_FLAG_LISTEN_SOCKET: return &Socket->Listen;
    case WSK_FLAG_CONNECTION_SOCKET: return &Socket->Connection;
    case WSK_FLAG_DATAGRAM_SOCKET: return &Socket->Datagram;
    case WSK_FLAG_STREAM_SOCKET: return &Socket->Stream;
    default: return NULL;
  }
}
