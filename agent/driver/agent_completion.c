/* What a COMPLETION carries besides IoStatus: the outputs the provider wrote
 * into the op's buffers, and the agent ids that replace provider pointers
 * (a new socket, an address-info result). Runs in the completion routine,
 * at up to DISPATCH_LEVEL: nonpaged memory only. Every length the provider
 * reports is clamped to the buffer the agent gave it. */
#include "agent.h"

static SIZE_T Min(SIZE_T a, SIZE_T b) { return a < b ? a : b; }

static VOID PutAddress(WSKA_MESSAGE *m, ULONG Tag, SOCKADDR_STORAGE *a) {
  WSKA_BLOB *blob =
      Tag == WSKA_TAG_LOCAL_ADDRESS ? &m->local_address : &m->remote_address;
  blob->data = (const uint8_t *)a;
  blob->size = AgentAddressSize(a);
  if (blob->size >= 2) WskaSet(m, Tag);
}

/* Socket, SocketConnect, Accept: the provider's PWSK_SOCKET becomes live
 * under the slot reserved at call time; on failure the slot is freed. */
static VOID CompleteCreate(PAGENT_OP Op, WSKA_MESSAGE *m) {
  PWSK_SOCKET created = (PWSK_SOCKET)Op->Irp->IoStatus.Information;
  m->information = 0; /* a pointer: never sent */
  if (NT_SUCCESS(Op->Irp->IoStatus.Status) && created != NULL) {
    Op->NewSocket->Socket = created;
    Op->NewSocket->State = AgentSlotLive;
    m->new_socket = Op->NewSocket->Id;
    WskaSet(m, WSKA_TAG_NEW_SOCKET);
    if (Op->Function == WSKA_FN_ACCEPT && Op->WantAddresses) {
      PutAddress(m, WSKA_TAG_LOCAL_ADDRESS, &Op->Local);
      PutAddress(m, WSKA_TAG_REMOTE_ADDRESS, &Op->Remote);
    }
  } else {
    AgentFreeSocket(Op->NewSocket);
  }
  Op->NewSocket = NULL;
}

static UINT32 Put32(PUCHAR Out, UINT32 Value) {
  RtlCopyMemory(Out, &Value, 4);
  return 4;
}

/* ADDRESS_INFO: per entry i32 flags, family, socktype, protocol, u32
 * address size, address, u32 canonical-name bytes, UTF-16LE name. */
static SIZE_T PackAddressInfo(const ADDRINFOEXW *Info, PUCHAR Out,
                              SIZE_T Limit) {
  SIZE_T used = 0;
  for (; Info != NULL; Info = Info->ai_next) {
    SIZE_T address = Info->ai_addr != NULL ? Min(Info->ai_addrlen, 128) : 0;
    SIZE_T name = 0;
    while (Info->ai_canonname != NULL && name < 1024 &&
           Info->ai_canonname[name] != 0) {
      name++;
    }
    name *= sizeof(WCHAR);
    if (Limit - used < 24 + address + name) break;
    used += Put32(Out + used, (UINT32)Info->ai_flags);
    used += Put32(Out + used, (UINT32)Info->ai_family);
    used += Put32(Out + used, (UINT32)Info->ai_socktype);
    used += Put32(Out + used, (UINT32)Info->ai_protocol);
    used += Put32(Out + used, (UINT32)address);
    if (address != 0) RtlCopyMemory(Out + used, Info->ai_addr, address);
    used += address;
    used += Put32(Out + used, (UINT32)name);
    if (name != 0) RtlCopyMemory(Out + used, Info->ai_canonname, name);
    used += name;
  }
  return used;
}

static VOID CompleteAddressInfo(PAGENT_OP Op, WSKA_MESSAGE *m) {
  const SIZE_T limit = 65536;
  if (!NT_SUCCESS(Op->Irp->IoStatus.Status) || Op->AddressInfo == NULL) {
    return;
  }
  m->handle = AgentNewHandle(AgentHandleAddressInfo, Op->AddressInfo,
                             Op->Registration->Id);
  if (m->handle != 0) WskaSet(m, WSKA_TAG_HANDLE);
  Op->Scratch = ExAllocatePoolWithTag(NonPagedPool, limit, AGENT_TAG);
  if (Op->Scratch == NULL) return;
  m->address_info.data = Op->Scratch;
  m->address_info.size =
      (uint32_t)PackAddressInfo(Op->AddressInfo, Op->Scratch, limit);
  WskaSet(m, WSKA_TAG_ADDRESS_INFO);
}

static VOID PutName(WSKA_MESSAGE *m, ULONG Tag, const UNICODE_STRING *s) {
  WSKA_BLOB *blob = Tag == WSKA_TAG_NODE_NAME ? &m->node_name
                                              : &m->service_name;
  if (s->Buffer == NULL) return;
  blob->data = (const uint8_t *)s->Buffer;
  blob->size = Min(s->Length, s->MaximumLength) & ~1u;
  WskaSet(m, Tag);
}

/* Received bytes: the op's buffer at its offset, clamped to its length;
 * more than one message carries travel in CHUNKs (CHUNKED). */
static VOID PutReceived(PAGENT_OP Op, WSKA_MESSAGE *m) {
  SIZE_T size;
  if (Op->Buffer == NULL || !NT_SUCCESS(Op->Irp->IoStatus.Status)) return;
  size = Min(Op->Irp->IoStatus.Information, Op->WskBuf.Length);
  if (size > WSKA_MAX_DATA) { /* version 5: AgentChunkStream sends them */
    m->chunked = size;
    WskaSet(m, WSKA_TAG_CHUNKED);
    return;
  }
  m->data.data = Op->Buffer + Op->WskBuf.Offset;
  m->data.size = (uint32_t)size;
  WskaSet(m, WSKA_TAG_DATA);
}

VOID AgentFillCompletion(PAGENT_OP Op, WSKA_MESSAGE *m) {
  switch (Op->Function) {
    case WSKA_FN_SOCKET: case WSKA_FN_SOCKET_CONNECT: case WSKA_FN_ACCEPT:
      CompleteCreate(Op, m);
      break;
    case WSKA_FN_CLOSE_SOCKET:
      AgentFreeSocket(Op->Socket); /* the provider freed the socket */
      break;
    case WSKA_FN_RECEIVE:
      PutReceived(Op, m);
      break;
    case WSKA_FN_RECEIVE_FROM:
      PutReceived(Op, m);
      if (Op->WantAddresses) PutAddress(m, WSKA_TAG_REMOTE_ADDRESS, &Op->Remote);
      m->control_size = Op->ControlLength;
      m->control_flags = Op->ControlFlags;
      WskaSet(m, WSKA_TAG_CONTROL_SIZE);
      WskaSet(m, WSKA_TAG_CONTROL_FLAGS);
      if (Op->Output != NULL) {
        m->control_info.data = Op->Output;
        m->control_info.size = (uint32_t)Min(Op->ControlLength, Op->OutputSize);
        WskaSet(m, WSKA_TAG_CONTROL_INFO);
      }
      break;
    case WSKA_FN_GET_LOCAL_ADDRESS:
      PutAddress(m, WSKA_TAG_LOCAL_ADDRESS, &Op->Local);
      break;
    case WSKA_FN_GET_REMOTE_ADDRESS:
      PutAddress(m, WSKA_TAG_REMOTE_ADDRESS, &Op->Remote);
      break;
    case WSKA_FN_CONTROL_CLIENT: case WSKA_FN_CONTROL_SOCKET:
      if (Op->Output != NULL) {
        m->output.data = Op->Output;
        m->output.size =
            (uint32_t)Min(Op->Irp->IoStatus.Information, Op->OutputSize);
        WskaSet(m, WSKA_TAG_OUTPUT);
      }
      break;
    case WSKA_FN_GET_ADDRESS_INFO:
      CompleteAddressInfo(Op, m);
      break;
    case WSKA_FN_GET_NAME_INFO:
      if (NT_SUCCESS(Op->Irp->IoStatus.Status)) {
        PutName(m, WSKA_TAG_NODE_NAME, &Op->NodeName);
        PutName(m, WSKA_TAG_SERVICE_NAME, &Op->ServiceName);
      }
      break;
    default:
      break;
  }
}
