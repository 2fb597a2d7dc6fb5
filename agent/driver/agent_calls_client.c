/* Registration and client-level calls (WSK_PROVIDER_DISPATCH): each checks
 * the handles the runner named, builds the arguments from agent-owned
 * memory and calls the provider once. Outputs known at return go into the
 * RETURN message; the rest arrive with the IRP's completion. */
#include "agent.h"

#define CATEGORY_FLAGS                                                   \
  (WSK_FLAG_LISTEN_SOCKET | WSK_FLAG_CONNECTION_SOCKET |                 \
   WSK_FLAG_DATAGRAM_SOCKET | WSK_FLAG_STREAM_SOCKET)

static ULONG Register(const WSKA_MESSAGE *Call, WSKA_MESSAGE *Return) {
  PAGENT_REGISTRATION r = AgentNewRegistration();
  if (r == NULL) return WSKA_E_NO_RESOURCES;
  r->ClientDispatch = AgentClientDispatchTable;
  if (WskaHas(Call, WSKA_TAG_VERSION)) {
    r->ClientDispatch.Version = (USHORT)Call->protocol_version;
  }
  r->ClientNpi.ClientContext = r;
  r->ClientNpi.Dispatch = &r->ClientDispatch;
  Return->status = WskRegister(&r->ClientNpi, &r->Registration);
  if (!NT_SUCCESS(Return->status)) {
    r->Id = 0; /* the slot is free again */
    return WSKA_E_OK;
  }
  r->State = AgentRegistrationLive;
  Return->handle = r->Id;
  WskaSet(Return, WSKA_TAG_HANDLE);
  return WSKA_E_OK;
}

/* The registration named by Call, or NULL with *Error set. The
 * registration routines take a deregistered one too (its block is
 * intact); with Captured, it must be live and hold a provider NPI
 * (client-level calls go through it). */
static PAGENT_REGISTRATION Lookup(const WSKA_MESSAGE *Call, BOOLEAN Captured,
                                  ULONG *Error) {
  PAGENT_REGISTRATION r = AgentFindRegistration(Call->registration);
  *Error = WSKA_E_OK;
  if (r == NULL || r->State == AgentRegistrationFree) {
    *Error = WSKA_E_BAD_HANDLE;
    return NULL;
  }
  if (Captured && (r->State != AgentRegistrationLive || r->Captures <= 0 ||
                   r->ProviderNpi.Dispatch == NULL)) {
    *Error = WSKA_E_BAD_STATE;
    return NULL;
  }
  return r;
}

/* A provider without the routine gets STATUS_NOT_IMPLEMENTED from the
 * agent, with the reason in TEXT, instead of a call into nothing. */
static VOID QueryCharacteristics(PAGENT_REGISTRATION R, WSKA_MESSAGE *Return) {
  WSK_PROVIDER_CHARACTERISTICS c = {0, 0};
  const char *why = NULL;
  AGENT_QUERY_ROUTINE query = AgentFindQueryRoutine(&why);
  if (query == NULL) {
    Return->status = STATUS_NOT_IMPLEMENTED;
    Return->text.data = (const uint8_t *)why;
    for (Return->text.size = 0; why[Return->text.size] != '\0';) {
      ++Return->text.size;
    }
    WskaSet(Return, WSKA_TAG_TEXT);
    return;
  }
  Return->status = query(&R->Registration, &c);
  Return->version_min = c.LowestVersion;
  Return->version_max = c.HighestVersion;
  WskaSet(Return, WSKA_TAG_VERSION_MIN);
  WskaSet(Return, WSKA_TAG_VERSION_MAX);
}

VOID AgentRegistrationCall(PAGENT_REGISTRATION R, ULONG Function,
                           ULONG Timeout, WSKA_MESSAGE *Return) {
  WSK_PROVIDER_NPI npi = {NULL, NULL};
  Return->status = STATUS_SUCCESS;
  switch (Function) {
    case WSKA_FN_DEREGISTER:
      WskDeregister(&R->Registration);
      R->State = AgentRegistrationDeregistered;
      break;
    case WSKA_FN_CAPTURE_PROVIDER_NPI:
      /* The provider's answer on this block, deregistered or not. */
      Return->status = WskCaptureProviderNPI(&R->Registration, Timeout, &npi);
      if (NT_SUCCESS(Return->status) && npi.Dispatch != NULL) {
        R->ProviderNpi = npi;
        InterlockedIncrement(&R->Captures);
        Return->protocol_version = npi.Dispatch->Version;
        WskaSet(Return, WSKA_TAG_VERSION);
      }
      break;
    case WSKA_FN_RELEASE_PROVIDER_NPI:
      WskReleaseProviderNPI(&R->Registration);
      if (R->Captures > 0) InterlockedDecrement(&R->Captures);
      break;
    default: /* WSKA_FN_QUERY_PROVIDER_CHARACTERISTICS */
      QueryCharacteristics(R, Return);
  }
}

static ULONG Registration(const WSKA_MESSAGE *Call, WSKA_MESSAGE *Return) {
  ULONG error;
  PAGENT_REGISTRATION r = Lookup(Call, FALSE, &error);
  if (r == NULL) return error;
  if (Call->function == WSKA_FN_DEREGISTER &&
      r->State != AgentRegistrationLive) {
    return WSKA_E_BAD_STATE; /* deregistered already (or on its way) */
  }
  if (AgentMayBlock(Call)) return AgentStartBlocking(Call, r);
  AgentRegistrationCall(r, Call->function,
                        WskaHas(Call, WSKA_TAG_TIMEOUT) ? Call->timeout : 0,
                        Return);
  return WSKA_E_OK;
}

/* Reserves the socket slot and the op of a socket-creating call. */
static ULONG StartCreate(const WSKA_MESSAGE *Call, ULONG Flags,
                         PAGENT_OP *OpOut) {
  ULONG mask = WskaHas(Call, WSKA_TAG_DISPATCH_MASK) ? Call->dispatch_mask : 0;
  PAGENT_SOCKET socket = AgentReserveSocket(Flags & CATEGORY_FLAGS, mask);
  PAGENT_OP op;
  if (socket == NULL) return WSKA_E_NO_RESOURCES;
  op = AgentNewOp(Call, TRUE);
  if (op == NULL) {
    AgentFreeSocket(socket);
    return WSKA_E_NO_RESOURCES;
  }
  op->NewSocket = socket;
  AgentPresetAnswers(socket, Call); /* before the provider can call back */
  *OpOut = op;
  return WSKA_E_OK;
}

static ULONG Socket(const WSKA_MESSAGE *Call, PAGENT_REGISTRATION R,
                    WSKA_MESSAGE *Return, PAGENT_OP *OpOut) {
  ULONG mask = WskaHas(Call, WSKA_TAG_DISPATCH_MASK) ? Call->dispatch_mask : 0;
  ULONG error = StartCreate(Call, Call->flags, OpOut);
  PAGENT_OP op = *OpOut;
  if (error != WSKA_E_OK) return error;
  Return->status = R->ProviderNpi.Dispatch->WskSocket(
      R->ProviderNpi.Client, (ADDRESS_FAMILY)Call->family,
      (USHORT)Call->socket_type, Call->protocol, Call->flags, op->NewSocket,
      AgentClientDispatch(op->NewSocket, mask), NULL, NULL, NULL, op->Irp);
  return WSKA_E_OK;
}

static ULONG SocketConnect(const WSKA_MESSAGE *Call, PAGENT_REGISTRATION R,
                           WSKA_MESSAGE *Return, PAGENT_OP *OpOut) {
  ULONG mask = WskaHas(Call, WSKA_TAG_DISPATCH_MASK) ? Call->dispatch_mask : 0;
  ULONG error = StartCreate(Call, WSK_FLAG_CONNECTION_SOCKET, OpOut);
  PAGENT_OP op = *OpOut;
  if (error != WSKA_E_OK) return error;
  AgentCopyAddress(&Call->local_address, &op->Local);
  AgentCopyAddress(&Call->remote_address, &op->Remote);
  Return->status = R->ProviderNpi.Dispatch->WskSocketConnect(
      R->ProviderNpi.Client, (USHORT)Call->socket_type, Call->protocol,
      (PSOCKADDR)&op->Local, (PSOCKADDR)&op->Remote,
      WskaHas(Call, WSKA_TAG_FLAGS) ? Call->flags : 0, op->NewSocket,
      AgentClientDispatch(op->NewSocket, mask), NULL, NULL, NULL, op->Irp);
  return WSKA_E_OK;
}

static ULONG ControlClient(const WSKA_MESSAGE *Call, PAGENT_REGISTRATION R,
                           WSKA_MESSAGE *Return, PAGENT_OP *OpOut) {
  PVOID input;
  SIZE_T input_size;
  PAGENT_OP op = AgentNewOp(Call, Call->use_irp != 0);
  if (op == NULL) return WSKA_E_NO_RESOURCES;
  if (!NT_SUCCESS(AgentOpSetInput(
          op, Call, Call->control_code == WSK_SET_STATIC_EVENT_CALLBACKS,
          &input, &input_size)) ||
      !NT_SUCCESS(AgentOpSetOutput(op, Call->output_size))) {
    AgentOpDiscard(op);
    return WSKA_E_BAD_VALUE;
  }
  Return->status = R->ProviderNpi.Dispatch->WskControlClient(
      R->ProviderNpi.Client, Call->control_code, input_size, input,
      op->OutputSize, op->Output, op->Irp == NULL ? &op->OutputReturned : NULL,
      op->Irp);
  if (op->Irp == NULL) {
    Return->output_size_returned = op->OutputReturned;
    WskaSet(Return, WSKA_TAG_OUTPUT_SIZE_RETURNED);
    Return->output.data = op->Output;
    Return->output.size = (uint32_t)(op->OutputReturned < op->OutputSize
                                         ? op->OutputReturned
                                         : op->OutputSize);
    WskaSet(Return, WSKA_TAG_OUTPUT);
  }
  *OpOut = op;
  return WSKA_E_OK;
}

/* A UNICODE_STRING over a nonpaged copy of a UTF-16LE blob, or of Size
 * zero bytes when Blob is NULL (an output buffer). */
static NTSTATUS MakeString(UNICODE_STRING *String, const WSKA_BLOB *Blob,
                           USHORT Size) {
  if (Blob != NULL) {
    if (Blob->size % 2 != 0 || Blob->size > 0xfffe) {
      return STATUS_INVALID_PARAMETER;
    }
    Size = (USHORT)Blob->size;
  }
  String->Buffer = ExAllocatePoolWithTag(NonPagedPool, Size + 2, AGENT_TAG);
  if (String->Buffer == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  RtlZeroMemory(String->Buffer, Size + 2);
  if (Blob != NULL && Blob->size != 0) {
    RtlCopyMemory(String->Buffer, Blob->data, Blob->size);
  }
  String->Length = Blob != NULL ? Size : 0;
  String->MaximumLength = Size;
  return STATUS_SUCCESS;
}

static ULONG GetAddressInfo(const WSKA_MESSAGE *Call, PAGENT_REGISTRATION R,
                            WSKA_MESSAGE *Return, PAGENT_OP *OpOut) {
  PAGENT_OP op = AgentNewOp(Call, TRUE);
  BOOLEAN node = WskaHas(Call, WSKA_TAG_NODE_NAME) != 0;
  BOOLEAN service = WskaHas(Call, WSKA_TAG_SERVICE_NAME) != 0;
  BOOLEAN hints = WskaHas(Call, WSKA_TAG_HINTS) != 0;
  if (op == NULL) return WSKA_E_NO_RESOURCES;
  if ((node && !NT_SUCCESS(MakeString(&op->NodeName, &Call->node_name, 0))) ||
      (service &&
       !NT_SUCCESS(MakeString(&op->ServiceName, &Call->service_name, 0)))) {
    AgentOpDiscard(op);
    return WSKA_E_BAD_VALUE;
  }
  if (hints) { /* four little-endian INTs: flags, family, socktype, protocol */
    RtlCopyMemory(&op->Hints.ai_flags, Call->hints.data, 4);
    RtlCopyMemory(&op->Hints.ai_family, Call->hints.data + 4, 4);
    RtlCopyMemory(&op->Hints.ai_socktype, Call->hints.data + 8, 4);
    RtlCopyMemory(&op->Hints.ai_protocol, Call->hints.data + 12, 4);
  }
  op->Registration = R;
  Return->status = R->ProviderNpi.Dispatch->WskGetAddressInfo(
      R->ProviderNpi.Client, node ? &op->NodeName : NULL,
      service ? &op->ServiceName : NULL,
      WskaHas(Call, WSKA_TAG_NAME_SPACE) ? Call->name_space : NS_ALL, NULL,
      hints ? &op->Hints : NULL, &op->AddressInfo, NULL, NULL, op->Irp);
  *OpOut = op;
  return WSKA_E_OK;
}

static ULONG FreeAddressInfo(const WSKA_MESSAGE *Call, PAGENT_REGISTRATION R,
                             WSKA_MESSAGE *Return) {
  PADDRINFOEXW info =
      AgentTakeHandle(Call->handle, AgentHandleAddressInfo, R->Id);
  if (info == NULL) return WSKA_E_BAD_HANDLE;
  R->ProviderNpi.Dispatch->WskFreeAddressInfo(R->ProviderNpi.Client, info);
  Return->status = STATUS_SUCCESS;
  return WSKA_E_OK;
}

static ULONG GetNameInfo(const WSKA_MESSAGE *Call, PAGENT_REGISTRATION R,
                         WSKA_MESSAGE *Return, PAGENT_OP *OpOut) {
  USHORT node_size = (USHORT)(NI_MAXHOST * sizeof(WCHAR));
  /* v2: the outputs the client passed; the provider gets NULL for the
   * others, as the client's own call would. */
  ULONG wanted = WskaHas(Call, WSKA_TAG_OUTPUTS)
                     ? Call->outputs
                     : WSKA_OUTPUT_NODE | WSKA_OUTPUT_SERVICE;
  PAGENT_OP op;
  if (WskaHas(Call, WSKA_TAG_LENGTH)) {
    /* Any size a UNICODE_STRING can describe (a client's buffer may be
     * larger than NI_MAXHOST characters). */
    if (Call->length > 0xFFFEu) return WSKA_E_BAD_VALUE;
    node_size = (USHORT)Call->length;
  }
  op = AgentNewOp(Call, TRUE);
  if (op == NULL) return WSKA_E_NO_RESOURCES;
  if (((wanted & WSKA_OUTPUT_NODE) &&
       !NT_SUCCESS(MakeString(&op->NodeName, NULL, node_size))) ||
      ((wanted & WSKA_OUTPUT_SERVICE) &&
       !NT_SUCCESS(MakeString(&op->ServiceName, NULL,
                              (USHORT)(NI_MAXSERV * sizeof(WCHAR)))))) {
    AgentOpDiscard(op);
    return WSKA_E_NO_RESOURCES;
  }
  AgentCopyAddress(&Call->remote_address, &op->Remote);
  Return->status = R->ProviderNpi.Dispatch->WskGetNameInfo(
      R->ProviderNpi.Client, (PSOCKADDR)&op->Remote, Call->remote_address.size,
      (wanted & WSKA_OUTPUT_NODE) ? &op->NodeName : NULL,
      (wanted & WSKA_OUTPUT_SERVICE) ? &op->ServiceName : NULL, Call->flags,
      NULL, NULL, op->Irp);
  *OpOut = op;
  return WSKA_E_OK;
}

ULONG AgentClientCall(const WSKA_MESSAGE *Call, WSKA_MESSAGE *Return,
                      PAGENT_OP *OpOut) {
  ULONG error;
  PAGENT_REGISTRATION r;
  *OpOut = NULL;
  if (Call->function == WSKA_FN_REGISTER) return Register(Call, Return);
  if (Call->function <= WSKA_FN_QUERY_PROVIDER_CHARACTERISTICS) {
    return Registration(Call, Return);
  }
  r = Lookup(Call, TRUE, &error);
  if (r == NULL) return error;
  switch (Call->function) {
    case WSKA_FN_SOCKET: return Socket(Call, r, Return, OpOut);
    case WSKA_FN_SOCKET_CONNECT: return SocketConnect(Call, r, Return, OpOut);
    case WSKA_FN_CONTROL_CLIENT: return ControlClient(Call, r, Return, OpOut);
    case WSKA_FN_GET_ADDRESS_INFO:
      return GetAddressInfo(Call, r, Return, OpOut);
    case WSKA_FN_FREE_ADDRESS_INFO: return FreeAddressInfo(Call, r, Return);
    case WSKA_FN_GET_NAME_INFO: return GetNameInfo(Call, r, Return, OpOut);
    default: return WSKA_E_UNKNOWN_FUNCTION;
  }
}
