/* Encoder and decoder of the runner-agent protocol (wskconf_agent_protocol.h).
 * Built into the Linux runner, the relay and the kernel agent alike, so it
 * calls nothing from a C runtime: every byte is moved by hand and every
 * length is checked against the bytes that are really there. */
#include "wskconf_agent_protocol.h"

enum { kKindU32 = 1, kKindI32, kKindU64, kKindBlob };

typedef struct TagInfo {
  const char *name;
  uint8_t kind;
  uint32_t limit; /* blobs: largest size */
  size_t offset;  /* of the member in WSKA_MESSAGE */
} TagInfo;

#define TAG_U32(tag, member) \
  [WSKA_TAG_##tag] = {#tag, kKindU32, 4, offsetof(WSKA_MESSAGE, member)}
#define TAG_I32(tag, member) \
  [WSKA_TAG_##tag] = {#tag, kKindI32, 4, offsetof(WSKA_MESSAGE, member)}
#define TAG_U64(tag, member) \
  [WSKA_TAG_##tag] = {#tag, kKindU64, 8, offsetof(WSKA_MESSAGE, member)}
#define TAG_BLOB(tag, member, limit) \
  [WSKA_TAG_##tag] = {#tag, kKindBlob, limit, offsetof(WSKA_MESSAGE, member)}

static const TagInfo kTags[WSKA_TAG_LIMIT] = {
    TAG_U32(FUNCTION, function),
    TAG_U32(VERSION, protocol_version),
    TAG_U32(VERSION_MIN, version_min),
    TAG_U32(VERSION_MAX, version_max),
    TAG_U32(MAX_PAYLOAD, max_payload),
    TAG_BLOB(TEXT, text, WSKA_MAX_TEXT),
    TAG_U32(ERROR_CODE, error_code),
    TAG_U32(REGISTRATION, registration),
    TAG_U32(SOCKET, socket),
    TAG_U32(NEW_SOCKET, new_socket),
    TAG_U32(HANDLE, handle),
    TAG_U32(TARGET, target),
    TAG_U32(FAMILY, family),
    TAG_U32(SOCKET_TYPE, socket_type),
    TAG_U32(PROTOCOL, protocol),
    TAG_U32(FLAGS, flags),
    TAG_U32(DISPATCH_MASK, dispatch_mask),
    TAG_U32(TIMEOUT, timeout),
    TAG_U32(CONTROL_CODE, control_code),
    TAG_U32(LEVEL, level),
    TAG_U32(REQUEST_TYPE, request_type),
    TAG_U32(USE_IRP, use_irp),
    TAG_U64(OUTPUT_SIZE, output_size),
    TAG_U64(OUTPUT_SIZE_RETURNED, output_size_returned),
    TAG_U64(LENGTH, length),
    TAG_U32(OFFSET, offset),
    TAG_U32(CONTROL_SIZE, control_size),
    TAG_U32(CONTROL_FLAGS, control_flags),
    TAG_U32(NAME_SPACE, name_space),
    TAG_I32(STATUS, status),
    TAG_I32(IRP_STATUS, irp_status),
    TAG_U64(INFORMATION, information),
    TAG_U64(ELAPSED, elapsed),
    TAG_U64(TIME, time),
    TAG_U32(EVENT, event),
    TAG_I32(ANSWER, answer),
    TAG_U64(INSPECT_KEY, inspect_key),
    TAG_U32(INSPECT_SERIAL, inspect_serial),
    TAG_U32(INDICATION, indication),
    TAG_U32(WANT_ADDRESSES, want_addresses),
    TAG_BLOB(DATA, data, WSKA_MAX_DATA),
    TAG_BLOB(LOCAL_ADDRESS, local_address, WSKA_MAX_ADDRESS),
    TAG_BLOB(REMOTE_ADDRESS, remote_address, WSKA_MAX_ADDRESS),
    TAG_BLOB(CONTROL_INFO, control_info, 65536),
    TAG_BLOB(INPUT, input, 65536),
    TAG_BLOB(OUTPUT, output, 65536),
    TAG_BLOB(NODE_NAME, node_name, 2050),
    TAG_BLOB(SERVICE_NAME, service_name, 512),
    TAG_BLOB(HINTS, hints, 16),
    TAG_BLOB(BUFFER_LIST, buffer_list, WSKA_MAX_DATA),
    TAG_BLOB(ADDRESS_INFO, address_info, 65536),
    TAG_BLOB(ANSWERS, answers,
             WSKA_ANSWER_RECORD_SIZE * (WSKA_EV_LIMIT - 1)),
    TAG_U32(OUTPUTS, outputs),
    TAG_U64(POSITION, position),
    TAG_U64(CHUNKED, chunked),
};

uint32_t WskaTagSince(uint32_t tag) {
  if (tag == WSKA_TAG_POSITION || tag == WSKA_TAG_CHUNKED) return 3u;
  return tag == WSKA_TAG_ANSWERS || tag == WSKA_TAG_OUTPUTS ? 2u : 1u;
}

/* The first protocol version that has message type `type`. */
static uint32_t TypeSince(uint32_t type) {
  return type == WSKA_MSG_CHUNK ? 3u : 1u;
}

#define B(tag) (1ull << WSKA_TAG_##tag)

typedef struct Rule {
  uint64_t required;
  uint64_t optional;
} Rule;

/* Outputs a RETURN or COMPLETION may carry. */
#define RESULT_FIELDS                                                     \
  (B(FUNCTION) | B(HANDLE) | B(NEW_SOCKET) | B(VERSION) | B(VERSION_MIN) | \
   B(VERSION_MAX) | B(OUTPUT) | B(OUTPUT_SIZE_RETURNED) | B(TIME) |        \
   B(TEXT) | B(DATA) | B(LOCAL_ADDRESS) | B(REMOTE_ADDRESS) |              \
   B(CONTROL_INFO) | B(CONTROL_FLAGS) | B(CONTROL_SIZE) | B(NODE_NAME) |   \
   B(SERVICE_NAME) | B(ADDRESS_INFO) | B(INFORMATION))

static const Rule kTypeRules[WSKA_MSG_TYPE_LIMIT] = {
    [WSKA_MSG_HELLO] = {B(VERSION_MIN) | B(VERSION_MAX), B(TEXT)},
    [WSKA_MSG_HELLO_REPLY] = {B(VERSION) | B(MAX_PAYLOAD), B(TEXT)},
    [WSKA_MSG_CALL] = {B(FUNCTION), 0 /* per function */},
    [WSKA_MSG_RETURN] = {B(STATUS), RESULT_FIELDS},
    [WSKA_MSG_COMPLETION] = {B(IRP_STATUS) | B(INFORMATION) | B(ELAPSED),
                             RESULT_FIELDS | B(CHUNKED)},
    [WSKA_MSG_EVENT] =
        {B(EVENT),
         B(SOCKET) | B(REGISTRATION) | B(FLAGS) | B(LOCAL_ADDRESS) |
             B(REMOTE_ADDRESS) | B(NEW_SOCKET) | B(INSPECT_KEY) |
             B(INSPECT_SERIAL) | B(DATA) | B(LENGTH) | B(INDICATION) |
             B(BUFFER_LIST) | B(STATUS) | B(CONTROL_CODE) | B(INPUT) |
             B(TIME)},
    [WSKA_MSG_ERROR] = {B(ERROR_CODE), B(TEXT) | B(FUNCTION)},
    [WSKA_MSG_CHUNK] = {B(POSITION) | B(LENGTH) | B(DATA), 0},
};

#define SOCKET_IO B(OFFSET) | B(FLAGS)
static const Rule kCallRules[WSKA_FN_LIMIT] = {
    [WSKA_FN_REGISTER] = {0, B(VERSION)},
    [WSKA_FN_DEREGISTER] = {B(REGISTRATION), 0},
    [WSKA_FN_CAPTURE_PROVIDER_NPI] = {B(REGISTRATION) | B(TIMEOUT), 0},
    [WSKA_FN_RELEASE_PROVIDER_NPI] = {B(REGISTRATION), 0},
    [WSKA_FN_QUERY_PROVIDER_CHARACTERISTICS] = {B(REGISTRATION), 0},
    [WSKA_FN_SOCKET] = {B(REGISTRATION) | B(FAMILY) | B(SOCKET_TYPE) |
                            B(PROTOCOL) | B(FLAGS),
                        B(DISPATCH_MASK) | B(ANSWERS)},
    [WSKA_FN_SOCKET_CONNECT] = {B(REGISTRATION) | B(SOCKET_TYPE) |
                                    B(PROTOCOL) | B(LOCAL_ADDRESS) |
                                    B(REMOTE_ADDRESS),
                                B(FLAGS) | B(DISPATCH_MASK) | B(ANSWERS)},
    [WSKA_FN_CONTROL_CLIENT] = {B(REGISTRATION) | B(CONTROL_CODE) |
                                    B(OUTPUT_SIZE) | B(USE_IRP),
                                B(INPUT)},
    [WSKA_FN_GET_ADDRESS_INFO] = {B(REGISTRATION), B(NODE_NAME) |
                                                       B(SERVICE_NAME) |
                                                       B(NAME_SPACE) |
                                                       B(HINTS)},
    [WSKA_FN_FREE_ADDRESS_INFO] = {B(REGISTRATION) | B(HANDLE), 0},
    [WSKA_FN_GET_NAME_INFO] = {B(REGISTRATION) | B(REMOTE_ADDRESS) |
                                   B(FLAGS),
                               B(LENGTH) | B(OUTPUTS)},
    [WSKA_FN_CONTROL_SOCKET] = {B(SOCKET) | B(REQUEST_TYPE) |
                                    B(CONTROL_CODE) | B(LEVEL) |
                                    B(OUTPUT_SIZE) | B(USE_IRP),
                                B(INPUT)},
    [WSKA_FN_CLOSE_SOCKET] = {B(SOCKET), 0},
    [WSKA_FN_BIND] = {B(SOCKET) | B(LOCAL_ADDRESS), B(FLAGS)},
    [WSKA_FN_LISTEN] = {B(SOCKET), 0},
    [WSKA_FN_ACCEPT] = {B(SOCKET), B(FLAGS) | B(DISPATCH_MASK) |
                                       B(WANT_ADDRESSES) | B(ANSWERS)},
    [WSKA_FN_INSPECT_COMPLETE] = {B(SOCKET) | B(INSPECT_KEY) |
                                      B(INSPECT_SERIAL) | B(ANSWER),
                                  0},
    [WSKA_FN_CONNECT] = {B(SOCKET) | B(REMOTE_ADDRESS), B(FLAGS)},
    [WSKA_FN_CONNECT_EX] = {B(SOCKET) | B(REMOTE_ADDRESS),
                            B(DATA) | B(CHUNKED) | SOCKET_IO},
    /* DATA or CHUNKED: CheckChunked. */
    [WSKA_FN_SEND] = {B(SOCKET), B(DATA) | B(CHUNKED) | SOCKET_IO},
    [WSKA_FN_RECEIVE] = {B(SOCKET) | B(LENGTH), SOCKET_IO},
    [WSKA_FN_DISCONNECT] = {B(SOCKET), B(DATA) | B(CHUNKED) | SOCKET_IO},
    [WSKA_FN_RELEASE] = {B(SOCKET) | B(INDICATION), 0},
    [WSKA_FN_SEND_TO] = {B(SOCKET), B(DATA) | B(CHUNKED) |
                                        B(REMOTE_ADDRESS) | B(CONTROL_INFO) |
                                        SOCKET_IO},
    [WSKA_FN_RECEIVE_FROM] = {B(SOCKET) | B(LENGTH), B(CONTROL_SIZE) |
                                                         B(WANT_ADDRESSES) |
                                                         SOCKET_IO},
    [WSKA_FN_SEND_MESSAGES] = {B(SOCKET) | B(BUFFER_LIST),
                               B(REMOTE_ADDRESS) | B(CONTROL_INFO) |
                                   B(FLAGS)},
    [WSKA_FN_GET_LOCAL_ADDRESS] = {B(SOCKET), 0},
    [WSKA_FN_GET_REMOTE_ADDRESS] = {B(SOCKET), 0},
    [WSKA_FN_SET_ANSWER] = {B(SOCKET) | B(EVENT) | B(ANSWER),
                            B(LENGTH) | B(DISPATCH_MASK) | B(ANSWERS)},
    [WSKA_FN_CANCEL] = {B(TARGET), 0},
    [WSKA_FN_SHUTDOWN] = {0, 0},
};

static const char *const kTypeNames[WSKA_MSG_TYPE_LIMIT] = {
    [WSKA_MSG_HELLO] = "HELLO",       [WSKA_MSG_HELLO_REPLY] = "HELLO_REPLY",
    [WSKA_MSG_CALL] = "CALL",         [WSKA_MSG_RETURN] = "RETURN",
    [WSKA_MSG_COMPLETION] = "COMPLETION", [WSKA_MSG_EVENT] = "EVENT",
    [WSKA_MSG_ERROR] = "ERROR",       [WSKA_MSG_CHUNK] = "CHUNK",
};

static const char *const kFunctionNames[WSKA_FN_LIMIT] = {
    [WSKA_FN_REGISTER] = "WskRegister",
    [WSKA_FN_DEREGISTER] = "WskDeregister",
    [WSKA_FN_CAPTURE_PROVIDER_NPI] = "WskCaptureProviderNPI",
    [WSKA_FN_RELEASE_PROVIDER_NPI] = "WskReleaseProviderNPI",
    [WSKA_FN_QUERY_PROVIDER_CHARACTERISTICS] =
        "WskQueryProviderCharacteristics",
    [WSKA_FN_SOCKET] = "WskSocket",
    [WSKA_FN_SOCKET_CONNECT] = "WskSocketConnect",
    [WSKA_FN_CONTROL_CLIENT] = "WskControlClient",
    [WSKA_FN_GET_ADDRESS_INFO] = "WskGetAddressInfo",
    [WSKA_FN_FREE_ADDRESS_INFO] = "WskFreeAddressInfo",
    [WSKA_FN_GET_NAME_INFO] = "WskGetNameInfo",
    [WSKA_FN_CONTROL_SOCKET] = "WskControlSocket",
    [WSKA_FN_CLOSE_SOCKET] = "WskCloseSocket",
    [WSKA_FN_BIND] = "WskBind",
    [WSKA_FN_LISTEN] = "WskListen",
    [WSKA_FN_ACCEPT] = "WskAccept",
    [WSKA_FN_INSPECT_COMPLETE] = "WskInspectComplete",
    [WSKA_FN_CONNECT] = "WskConnect",
    [WSKA_FN_CONNECT_EX] = "WskConnectEx",
    [WSKA_FN_SEND] = "WskSend",
    [WSKA_FN_RECEIVE] = "WskReceive",
    [WSKA_FN_DISCONNECT] = "WskDisconnect",
    [WSKA_FN_RELEASE] = "WskRelease",
    [WSKA_FN_SEND_TO] = "WskSendTo",
    [WSKA_FN_RECEIVE_FROM] = "WskReceiveFrom",
    [WSKA_FN_SEND_MESSAGES] = "WskSendMessages",
    [WSKA_FN_GET_LOCAL_ADDRESS] = "WskGetLocalAddress",
    [WSKA_FN_GET_REMOTE_ADDRESS] = "WskGetRemoteAddress",
    [WSKA_FN_SET_ANSWER] = "SetAnswer",
    [WSKA_FN_CANCEL] = "Cancel",
    [WSKA_FN_SHUTDOWN] = "Shutdown",
};

static const char *const kEventNames[WSKA_EV_LIMIT] = {
    [WSKA_EV_CLIENT] = "WskClientEvent",
    [WSKA_EV_ACCEPT] = "WskAcceptEvent",
    [WSKA_EV_INSPECT] = "WskInspectEvent",
    [WSKA_EV_ABORT] = "WskAbortEvent",
    [WSKA_EV_RECEIVE] = "WskReceiveEvent",
    [WSKA_EV_DISCONNECT] = "WskDisconnectEvent",
    [WSKA_EV_SEND_BACKLOG] = "WskSendBacklogEvent",
    [WSKA_EV_RECEIVE_FROM] = "WskReceiveFromEvent",
};

static const char *const kErrorNames[WSKA_E_LIMIT] = {
    [WSKA_E_OK] = "OK",
    [WSKA_E_TRUNCATED] = "TRUNCATED",
    [WSKA_E_BAD_MAGIC] = "BAD_MAGIC",
    [WSKA_E_BAD_VERSION] = "BAD_VERSION",
    [WSKA_E_TOO_LARGE] = "TOO_LARGE",
    [WSKA_E_UNKNOWN_TYPE] = "UNKNOWN_TYPE",
    [WSKA_E_UNKNOWN_TAG] = "UNKNOWN_TAG",
    [WSKA_E_DUPLICATE_TAG] = "DUPLICATE_TAG",
    [WSKA_E_BAD_FIELD_SIZE] = "BAD_FIELD_SIZE",
    [WSKA_E_MISSING_FIELD] = "MISSING_FIELD",
    [WSKA_E_UNEXPECTED_FIELD] = "UNEXPECTED_FIELD",
    [WSKA_E_UNKNOWN_FUNCTION] = "UNKNOWN_FUNCTION",
    [WSKA_E_BAD_VALUE] = "BAD_VALUE",
    [WSKA_E_TRAILING_BYTES] = "TRAILING_BYTES",
    [WSKA_E_NO_SPACE] = "NO_SPACE",
    [WSKA_E_BAD_HANDLE] = "BAD_HANDLE",
    [WSKA_E_BAD_STATE] = "BAD_STATE",
    [WSKA_E_NO_RESOURCES] = "NO_RESOURCES",
    [WSKA_E_QUEUE_OVERFLOW] = "QUEUE_OVERFLOW",
};

static const char *NameOf(const char *const *names, uint32_t limit,
                          uint32_t value) {
  return value < limit && names[value] != NULL ? names[value] : "?";
}

const char *WskaTypeName(uint32_t type) {
  return NameOf(kTypeNames, WSKA_MSG_TYPE_LIMIT, type);
}
const char *WskaFunctionName(uint32_t function) {
  return NameOf(kFunctionNames, WSKA_FN_LIMIT, function);
}
const char *WskaEventName(uint32_t event) {
  return NameOf(kEventNames, WSKA_EV_LIMIT, event);
}
const char *WskaErrorName(uint32_t code) {
  return NameOf(kErrorNames, WSKA_E_LIMIT, code);
}
const char *WskaTagName(uint32_t tag) {
  return tag < WSKA_TAG_LIMIT && kTags[tag].name != NULL ? kTags[tag].name
                                                          : "?";
}

/* ---- Error texts, built without a C runtime. ---- */

typedef struct Text {
  char *out;
  size_t used, capacity;
} Text;

static void Put(Text *t, const char *s) {
  while (*s != '\0' && t->used + 1 < t->capacity) t->out[t->used++] = *s++;
  t->out[t->used] = '\0';
}

static void PutU(Text *t, uint64_t value) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0 && t->used + 1 < t->capacity) t->out[t->used++] = digits[--n];
  t->out[t->used] = '\0';
}

/* Fills *r: code, offset and "<what> <tag name> (tag N)<detail> <n>". */
static uint32_t Fail(WSKA_RESULT *r, uint32_t code, size_t offset,
                     const char *what, int tag, const char *detail,
                     uint64_t number, int with_number) {
  Text t = {r->text, 0, sizeof(r->text)};
  r->code = code;
  r->offset = (uint32_t)offset;
  r->text[0] = '\0';
  Put(&t, what);
  if (tag >= 0) {
    Put(&t, " ");
    Put(&t, WskaTagName((uint32_t)tag));
    Put(&t, " (tag ");
    PutU(&t, (uint64_t)tag);
    Put(&t, ")");
  }
  Put(&t, detail);
  if (with_number) PutU(&t, number);
  return code;
}

static uint32_t Ok(WSKA_RESULT *r) {
  r->code = WSKA_E_OK;
  r->offset = 0;
  r->text[0] = '\0';
  return WSKA_E_OK;
}

/* ---- Little-endian access. ---- */

static uint32_t Load(const uint8_t *p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

static uint64_t Load64(const uint8_t *p) {
  return (uint64_t)Load(p, 4) | ((uint64_t)Load(p + 4, 4) << 32);
}

static void Store(uint8_t *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- Public helpers. ---- */

int WskaAnswerAt(const WSKA_BLOB *answers, uint32_t index, WSKA_ANSWER *out) {
  const uint8_t *p;
  if (answers->size / WSKA_ANSWER_RECORD_SIZE <= index) return 0;
  p = answers->data + (size_t)index * WSKA_ANSWER_RECORD_SIZE;
  out->event = Load(p, 4);
  out->answer = (int32_t)Load(p + 4, 4);
  out->length = Load64(p + 8);
  out->dispatch_mask = Load(p + 16, 4);
  return 1;
}

int WskaPutAnswer(uint8_t *out, uint32_t capacity, uint32_t *used,
                  const WSKA_ANSWER *answer) {
  uint8_t *p = out + *used;
  if (capacity - *used < WSKA_ANSWER_RECORD_SIZE || *used > capacity) return 0;
  Store(p, answer->event, 4);
  Store(p + 4, (uint32_t)answer->answer, 4);
  Store(p + 8, answer->length, 8);
  Store(p + 16, answer->dispatch_mask, 4);
  *used += WSKA_ANSWER_RECORD_SIZE;
  return 1;
}

void WskaSet(WSKA_MESSAGE *m, uint32_t tag) {
  if (tag < WSKA_TAG_LIMIT) m->present |= 1ull << tag;
}

int WskaHas(const WSKA_MESSAGE *m, uint32_t tag) {
  return tag < WSKA_TAG_LIMIT && (m->present & (1ull << tag)) != 0;
}

void WskaInit(WSKA_MESSAGE *m, uint32_t type, uint32_t request_id) {
  uint8_t *p = (uint8_t *)m;
  for (size_t i = 0; i < sizeof(*m); ++i) p[i] = 0;
  m->version = WSKA_PROTOCOL_VERSION;
  m->type = (uint16_t)type;
  m->request_id = request_id;
}

int WskaNextBuffer(const WSKA_BLOB *list, uint32_t *cursor,
                   WSKA_BLOB *record) {
  uint32_t at = *cursor, size;
  if (at == list->size) return 0;
  if (at > list->size || list->size - at < 4) return -1;
  size = Load(list->data + at, 4);
  if (size > list->size - at - 4) return -1;
  record->data = list->data + at + 4;
  record->size = size;
  *cursor = at + 4 + size;
  return 1;
}

uint32_t WskaPeekHeader(const uint8_t *bytes, size_t size,
                        uint32_t *payload_size, WSKA_RESULT *r) {
  if (size < WSKA_HEADER_SIZE) {
    return Fail(r, WSKA_E_TRUNCATED, size, "header cut short: 16 bytes needed",
                -1, ", have ", size, 1);
  }
  if (Load(bytes, 4) != WSKA_MAGIC) {
    return Fail(r, WSKA_E_BAD_MAGIC, 0, "header: magic is not WSKA", -1, "",
                0, 0);
  }
  *payload_size = Load(bytes + 8, 4);
  if (*payload_size > WSKA_MAX_PAYLOAD) {
    return Fail(r, WSKA_E_TOO_LARGE, 8, "header: payload size", -1, " ",
                *payload_size, 1);
  }
  return Ok(r);
}

static const TagInfo *Known(uint32_t tag) {
  return tag != 0 && tag < WSKA_TAG_LIMIT && kTags[tag].name != NULL
             ? &kTags[tag]
             : NULL;
}

int WskaSetScalar(WSKA_MESSAGE *m, uint32_t tag, uint64_t value) {
  const TagInfo *info = Known(tag);
  uint8_t *member;
  if (info == NULL || info->kind == kKindBlob) return 0;
  member = (uint8_t *)m + info->offset;
  if (info->kind == kKindU64) {
    *(uint64_t *)member = value;
  } else if (info->kind == kKindU32) {
    *(uint32_t *)member = (uint32_t)value;
  } else {
    *(int32_t *)member = (int32_t)(uint32_t)value;
  }
  WskaSet(m, tag);
  return 1;
}

int WskaGetScalar(const WSKA_MESSAGE *m, uint32_t tag, uint64_t *value) {
  const TagInfo *info = Known(tag);
  const uint8_t *member;
  if (info == NULL || info->kind == kKindBlob || !WskaHas(m, tag)) return 0;
  member = (const uint8_t *)m + info->offset;
  if (info->kind == kKindU64) {
    *value = *(const uint64_t *)member;
  } else if (info->kind == kKindU32) {
    *value = *(const uint32_t *)member;
  } else {
    *value = (uint32_t) * (const int32_t *)member;
  }
  return 1;
}

int WskaSetBlob(WSKA_MESSAGE *m, uint32_t tag, const uint8_t *data,
                uint32_t size) {
  const TagInfo *info = Known(tag);
  WSKA_BLOB *blob;
  if (info == NULL || info->kind != kKindBlob) return 0;
  blob = (WSKA_BLOB *)((uint8_t *)m + info->offset);
  blob->data = data;
  blob->size = size;
  WskaSet(m, tag);
  return 1;
}

int WskaGetBlob(const WSKA_MESSAGE *m, uint32_t tag, WSKA_BLOB *blob) {
  const TagInfo *info = Known(tag);
  if (info == NULL || info->kind != kKindBlob || !WskaHas(m, tag)) return 0;
  *blob = *(const WSKA_BLOB *)((const uint8_t *)m + info->offset);
  return 1;
}

/* ---- Rules shared by encoder and decoder. ---- */

#define VALID_DISPATCH_BITS (((1u << WSKA_EV_LIMIT) - 1) & ~1u)

/* ANSWERS: whole records, known events, each at most once. */
static uint32_t CheckAnswers(const WSKA_MESSAGE *m, WSKA_RESULT *r) {
  uint32_t seen = 0, i;
  WSKA_ANSWER a;
  if (m->answers.size % WSKA_ANSWER_RECORD_SIZE != 0) {
    return Fail(r, WSKA_E_BAD_FIELD_SIZE, 0, "field", WSKA_TAG_ANSWERS,
                ": not a whole number of 20-byte records, size ",
                m->answers.size, 1);
  }
  for (i = 0; WskaAnswerAt(&m->answers, i, &a); ++i) {
    if (a.event == 0 || a.event >= WSKA_EV_LIMIT) {
      return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_ANSWERS,
                  ": no such event in record ", i, 1);
    }
    if (seen & (1u << a.event)) {
      return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_ANSWERS,
                  ": event answered twice, record ", i, 1);
    }
    if ((a.dispatch_mask & ~VALID_DISPATCH_BITS) != 0) {
      return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_ANSWERS,
                  ": unknown event bits in the mask of record ", i, 1);
    }
    seen |= 1u << a.event;
  }
  if (m->type == WSKA_MSG_CALL && m->function == WSKA_FN_SET_ANSWER &&
      m->event != WSKA_EV_ACCEPT) {
    return Fail(r, WSKA_E_UNEXPECTED_FIELD, 0, "field", WSKA_TAG_ANSWERS,
                " goes with SET_ANSWER of the accept event only, not event ",
                m->event, 1);
  }
  return Ok(r);
}

/* A CHUNK's bytes lie inside the buffer it announces; a CALL has its data
 * in DATA or CHUNKED, not both, and WskSend and WskSendTo have one. */
static uint32_t CheckChunked(const WSKA_MESSAGE *m, WSKA_RESULT *r) {
  const int has_data = WskaHas(m, WSKA_TAG_DATA);
  const int has_chunked = WskaHas(m, WSKA_TAG_CHUNKED);
  if (m->type == WSKA_MSG_CHUNK) {
    if (m->length <= WSKA_MAX_DATA || m->length > WSKA_MAX_CHUNKED) {
      return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_LENGTH,
                  ": a chunked buffer is over WSKA_MAX_DATA and at most "
                  "WSKA_MAX_CHUNKED bytes, not ", m->length, 1);
    }
    if (m->data.size == 0 || m->position > m->length ||
        m->length - m->position < m->data.size) {
      return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_POSITION,
                  ": chunk empty or past the announced LENGTH, at ",
                  m->position, 1);
    }
    return Ok(r);
  }
  if (has_data && has_chunked) {
    return Fail(r, WSKA_E_UNEXPECTED_FIELD, 0, "field", WSKA_TAG_CHUNKED,
                " and DATA exclude each other", 0, 0);
  }
  if (has_chunked &&
      (m->chunked <= WSKA_MAX_DATA || m->chunked > WSKA_MAX_CHUNKED)) {
    return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_CHUNKED,
                ": over WSKA_MAX_DATA and at most WSKA_MAX_CHUNKED bytes, "
                "not ", m->chunked, 1);
  }
  if (m->type == WSKA_MSG_CALL && !has_data && !has_chunked &&
      (m->function == WSKA_FN_SEND || m->function == WSKA_FN_SEND_TO)) {
    return Fail(r, WSKA_E_MISSING_FIELD, 0, "missing field", WSKA_TAG_DATA,
                " (or CHUNKED) required by the function", 0, 0);
  }
  return Ok(r);
}

static uint32_t CheckValues(const WSKA_MESSAGE *m, uint32_t version,
                            WSKA_RESULT *r) {
  uint32_t code = CheckChunked(m, r);
  if (code != WSKA_E_OK) return code;
  /* Version 5: received bytes travel from the agent in CHUNKs too. */
  if (m->type == WSKA_MSG_COMPLETION && WskaHas(m, WSKA_TAG_CHUNKED) &&
      version < 5u) {
    return Fail(r, WSKA_E_UNEXPECTED_FIELD, 0, "field", WSKA_TAG_CHUNKED,
                " on a COMPLETION needs protocol version ", 5u, 1);
  }
  /* Version 4: INDICATION 0 names no list, the client's NULL (a handle is
   * never 0); before, nothing could say so. */
  if (WskaHas(m, WSKA_TAG_INDICATION) && m->indication == 0 &&
      version < 4u) {
    return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_INDICATION,
                ": 0 (a NULL list) needs protocol version ", 4u, 1);
  }
  if (WskaHas(m, WSKA_TAG_EVENT) &&
      (m->event == 0 || m->event >= WSKA_EV_LIMIT)) {
    return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_EVENT,
                ": no such event ", m->event, 1);
  }
  if (WskaHas(m, WSKA_TAG_DISPATCH_MASK) &&
      (m->dispatch_mask & ~VALID_DISPATCH_BITS) != 0) {
    return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_DISPATCH_MASK,
                ": unknown event bits in ", m->dispatch_mask, 1);
  }
  if (WskaHas(m, WSKA_TAG_OUTPUTS) &&
      (m->outputs & ~(WSKA_OUTPUT_NODE | WSKA_OUTPUT_SERVICE)) != 0) {
    return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_OUTPUTS,
                ": unknown output bits in ", m->outputs, 1);
  }
  if (WskaHas(m, WSKA_TAG_HINTS) && m->hints.size != 16) {
    return Fail(r, WSKA_E_BAD_FIELD_SIZE, 0, "field", WSKA_TAG_HINTS,
                ": size must be 16, is ", m->hints.size, 1);
  }
  for (int tag = WSKA_TAG_LOCAL_ADDRESS; tag <= WSKA_TAG_REMOTE_ADDRESS;
       ++tag) {
    const WSKA_BLOB *a = tag == WSKA_TAG_LOCAL_ADDRESS ? &m->local_address
                                                       : &m->remote_address;
    if (WskaHas(m, (uint32_t)tag) && a->size < 2) {
      return Fail(r, WSKA_E_BAD_FIELD_SIZE, 0, "field", tag,
                  ": an address needs at least its family, size ", a->size,
                  1);
    }
  }
  if (WskaHas(m, WSKA_TAG_BUFFER_LIST)) {
    uint32_t cursor = 0;
    WSKA_BLOB record;
    int more;
    while ((more = WskaNextBuffer(&m->buffer_list, &cursor, &record)) > 0) {
    }
    if (more < 0) {
      return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_BUFFER_LIST,
                  ": record overruns the list at byte ", cursor, 1);
    }
  }
  if (WskaHas(m, WSKA_TAG_ANSWERS)) return CheckAnswers(m, r);
  return Ok(r);
}

static Rule RuleOf(uint32_t type, uint32_t function) {
  Rule rule = {0, 0};
  if (type == 0 || type >= WSKA_MSG_TYPE_LIMIT) return rule;
  rule = kTypeRules[type];
  if (type == WSKA_MSG_CALL && function != 0 && function < WSKA_FN_LIMIT) {
    rule.required |= kCallRules[function].required;
    rule.optional |= kCallRules[function].optional;
  }
  return rule;
}

uint64_t WskaRequiredFields(uint32_t type, uint32_t function) {
  return RuleOf(type, function).required;
}

uint64_t WskaAllowedFields(uint32_t type, uint32_t function) {
  Rule rule = RuleOf(type, function);
  return rule.required | rule.optional;
}

static uint32_t CheckRules(const WSKA_MESSAGE *m, WSKA_RESULT *r) {
  Rule rule;
  uint64_t missing, extra;
  const uint32_t version = m->version != 0 ? m->version : WSKA_PROTOCOL_VERSION;
  if (m->type == 0 || m->type >= WSKA_MSG_TYPE_LIMIT) {
    return Fail(r, WSKA_E_UNKNOWN_TYPE, 6, "header: unknown message type", -1,
                " ", m->type, 1);
  }
  if (m->type == WSKA_MSG_CALL && WskaHas(m, WSKA_TAG_FUNCTION) &&
      (m->function == 0 || m->function >= WSKA_FN_LIMIT)) {
    return Fail(r, WSKA_E_UNKNOWN_FUNCTION, 0, "field", WSKA_TAG_FUNCTION,
                ": unknown function ", m->function, 1);
  }
  if (TypeSince(m->type) > version) {
    return Fail(r, WSKA_E_UNKNOWN_TYPE, 6, "header: message type CHUNK needs "
                "protocol version", -1, " ", TypeSince(m->type), 1);
  }
  rule = RuleOf(m->type, WskaHas(m, WSKA_TAG_FUNCTION) ? m->function : 0);
  missing = rule.required & ~m->present;
  extra = m->present & ~(rule.required | rule.optional);
  for (int tag = 0; tag < WSKA_TAG_LIMIT; ++tag) {
    if (missing & (1ull << tag)) {
      return Fail(r, WSKA_E_MISSING_FIELD, 0, "missing field", tag,
                  m->type == WSKA_MSG_CALL ? " required by the function"
                                           : " required by the message type",
                  0, 0);
    }
    if (extra & (1ull << tag)) {
      return Fail(r, WSKA_E_UNEXPECTED_FIELD, 0, "field", tag,
                  " is not taken by this message type or function", 0, 0);
    }
    if ((m->present & (1ull << tag)) && WskaTagSince((uint32_t)tag) > version) {
      return Fail(r, WSKA_E_UNEXPECTED_FIELD, 0, "field", tag,
                  " needs protocol version ", WskaTagSince((uint32_t)tag), 1);
    }
  }
  return CheckValues(m, version, r);
}

/* ---- Decoder. ---- */

static uint32_t DecodeField(WSKA_MESSAGE *m, uint32_t tag, const uint8_t *v,
                            uint32_t size, size_t at, WSKA_RESULT *r) {
  const TagInfo *info;
  uint8_t *member;
  if (tag == 0 || tag >= WSKA_TAG_LIMIT || kTags[tag].name == NULL) {
    return Fail(r, WSKA_E_UNKNOWN_TAG, at, "unknown field tag", -1, " ", tag,
                1);
  }
  if (WskaHas(m, tag)) {
    return Fail(r, WSKA_E_DUPLICATE_TAG, at, "field", (int)tag,
                " appears twice", 0, 0);
  }
  info = &kTags[tag];
  if (info->kind == kKindBlob ? size > info->limit : size != info->limit) {
    return Fail(r, WSKA_E_BAD_FIELD_SIZE, at, "field", (int)tag,
                info->kind == kKindBlob ? ": size over the limit, "
                                        : ": wrong size ",
                size, 1);
  }
  member = (uint8_t *)m + info->offset;
  if (info->kind == kKindU32) {
    *(uint32_t *)member = Load(v, 4);
  } else if (info->kind == kKindI32) {
    *(int32_t *)member = (int32_t)Load(v, 4);
  } else if (info->kind == kKindU64) {
    *(uint64_t *)member = Load64(v);
  } else {
    ((WSKA_BLOB *)member)->data = v;
    ((WSKA_BLOB *)member)->size = size;
  }
  WskaSet(m, tag);
  return WSKA_E_OK;
}

uint32_t WskaDecode(const uint8_t *bytes, size_t size, WSKA_MESSAGE *m,
                    WSKA_RESULT *r) {
  uint32_t payload = 0, code;
  size_t at = WSKA_HEADER_SIZE, end;
  WskaInit(m, 0, 0);
  code = WskaPeekHeader(bytes, size, &payload, r);
  if (code != WSKA_E_OK) return code;
  m->version = (uint16_t)Load(bytes + 4, 2);
  m->type = (uint16_t)Load(bytes + 6, 2);
  m->request_id = Load(bytes + 12, 4);
  if (size - WSKA_HEADER_SIZE < payload) {
    return Fail(r, WSKA_E_TRUNCATED, size, "message cut short: fewer payload "
                "bytes than the header says", -1, ", have ", size - WSKA_HEADER_SIZE, 1);
  }
  if (size - WSKA_HEADER_SIZE > payload) {
    return Fail(r, WSKA_E_TRAILING_BYTES, WSKA_HEADER_SIZE + payload,
                "message: bytes after the payload of size", -1, " ", payload,
                1);
  }
  /* HELLO and ERROR keep their layout in every version, so a peer speaking
   * another version can still be told which versions this side speaks. */
  if ((m->version < WSKA_PROTOCOL_VERSION_MIN ||
       m->version > WSKA_PROTOCOL_VERSION) &&
      !(m->version != 0 &&
        (m->type == WSKA_MSG_HELLO || m->type == WSKA_MSG_ERROR))) {
    return Fail(r, WSKA_E_BAD_VERSION, 4, "header: protocol version", -1,
                " unsupported: ", m->version, 1);
  }
  if (m->type == 0 || m->type >= WSKA_MSG_TYPE_LIMIT) {
    return Fail(r, WSKA_E_UNKNOWN_TYPE, 6, "header: unknown message type", -1,
                " ", m->type, 1);
  }
  end = WSKA_HEADER_SIZE + payload;
  while (at < end) {
    uint32_t tag, field_size;
    if (end - at < WSKA_FIELD_HEADER_SIZE) {
      return Fail(r, WSKA_E_TRUNCATED, at, "field header cut short", -1,
                  ", bytes left ", end - at, 1);
    }
    tag = Load(bytes + at, 2);
    field_size = Load(bytes + at + 2, 4);
    if (field_size > end - at - WSKA_FIELD_HEADER_SIZE) {
      return Fail(r, WSKA_E_TRUNCATED, at, "field",
                  tag < WSKA_TAG_LIMIT ? (int)tag : -1,
                  " runs past the payload, size ", field_size, 1);
    }
    code = DecodeField(m, tag, bytes + at + WSKA_FIELD_HEADER_SIZE,
                       field_size, at, r);
    if (code != WSKA_E_OK) return code;
    at += WSKA_FIELD_HEADER_SIZE + field_size;
  }
  return CheckRules(m, r);
}

/* ---- Encoder. ---- */

static uint32_t FieldSize(const WSKA_MESSAGE *m, uint32_t tag) {
  const TagInfo *info = &kTags[tag];
  if (info->kind != kKindBlob) return info->limit;
  return ((const WSKA_BLOB *)((const uint8_t *)m + info->offset))->size;
}

size_t WskaEncodedSize(const WSKA_MESSAGE *m) {
  size_t total = WSKA_HEADER_SIZE;
  for (uint32_t tag = 1; tag < WSKA_TAG_LIMIT; ++tag) {
    if (WskaHas(m, tag) && kTags[tag].name != NULL) {
      total += WSKA_FIELD_HEADER_SIZE + FieldSize(m, tag);
    }
  }
  return total;
}

static void EncodeField(const WSKA_MESSAGE *m, uint32_t tag, uint8_t *out) {
  const TagInfo *info = &kTags[tag];
  const uint8_t *member = (const uint8_t *)m + info->offset;
  uint32_t size = FieldSize(m, tag);
  Store(out, tag, 2);
  Store(out + 2, size, 4);
  out += WSKA_FIELD_HEADER_SIZE;
  if (info->kind == kKindU32) {
    Store(out, *(const uint32_t *)member, 4);
  } else if (info->kind == kKindI32) {
    Store(out, (uint32_t) * (const int32_t *)member, 4);
  } else if (info->kind == kKindU64) {
    Store(out, *(const uint64_t *)member, 8);
  } else {
    const WSKA_BLOB *blob = (const WSKA_BLOB *)member;
    for (uint32_t i = 0; i < size; ++i) out[i] = blob->data[i];
  }
}

uint32_t WskaEncode(const WSKA_MESSAGE *m, uint8_t *out, size_t capacity,
                    size_t *written, WSKA_RESULT *r) {
  size_t total, at = WSKA_HEADER_SIZE;
  uint32_t code;
  if ((m->present & 1ull) != 0 || (m->present >> WSKA_TAG_LIMIT) != 0) {
    return Fail(r, WSKA_E_UNKNOWN_TAG, 0, "present: bits for unknown tags",
                -1, "", 0, 0);
  }
  for (uint32_t tag = 1; tag < WSKA_TAG_LIMIT; ++tag) {
    if (WskaHas(m, tag) && kTags[tag].kind == kKindBlob &&
        FieldSize(m, tag) > kTags[tag].limit) {
      return Fail(r, WSKA_E_BAD_FIELD_SIZE, 0, "field", (int)tag,
                  ": size over the limit, ", FieldSize(m, tag), 1);
    }
  }
  if (m->version != 0 && m->type != WSKA_MSG_HELLO &&
      m->type != WSKA_MSG_ERROR &&
      (m->version < WSKA_PROTOCOL_VERSION_MIN ||
       m->version > WSKA_PROTOCOL_VERSION)) {
    return Fail(r, WSKA_E_BAD_VERSION, 4, "header: protocol version", -1,
                " unsupported: ", m->version, 1);
  }
  code = CheckRules(m, r);
  if (code != WSKA_E_OK) return code;
  total = WskaEncodedSize(m);
  if (total - WSKA_HEADER_SIZE > WSKA_MAX_PAYLOAD) {
    return Fail(r, WSKA_E_TOO_LARGE, 0, "message: payload", -1, " bytes ",
                total - WSKA_HEADER_SIZE, 1);
  }
  if (total > capacity) {
    return Fail(r, WSKA_E_NO_SPACE, 0, "encoder: needs", -1, " bytes, has ",
                capacity, 1);
  }
  Store(out, WSKA_MAGIC, 4);
  Store(out + 4, m->version != 0 ? m->version : WSKA_PROTOCOL_VERSION, 2);
  Store(out + 6, m->type, 2);
  Store(out + 8, total - WSKA_HEADER_SIZE, 4);
  Store(out + 12, m->request_id, 4);
  for (uint32_t tag = 1; tag < WSKA_TAG_LIMIT; ++tag) {
    if (!WskaHas(m, tag)) continue;
    EncodeField(m, tag, out + at);
    at += WSKA_FIELD_HEADER_SIZE + FieldSize(m, tag);
  }
  *written = total;
  return Ok(r);
}

/* ---- Chunk reassembly. ---- */

uint32_t WskaChunkAccept(WSKA_ASSEMBLY *a, const WSKA_MESSAGE *m,
                         uint64_t max_length, int *opened, WSKA_RESULT *r) {
  *opened = 0;
  if (m->type != WSKA_MSG_CHUNK) {
    return Fail(r, WSKA_E_UNKNOWN_TYPE, 6, "chunk: not a CHUNK message", -1,
                ", type ", m->type, 1);
  }
  if (a->request_id != 0 && a->request_id != m->request_id) {
    return Fail(r, WSKA_E_BAD_STATE, 12,
                "chunk: another request's chunks are still open, request",
                -1, " ", a->request_id, 1);
  }
  if (m->length > max_length) {
    return Fail(r, WSKA_E_TOO_LARGE, 0, "field", WSKA_TAG_LENGTH,
                ": more than this side takes for one buffer, ", m->length, 1);
  }
  if (a->request_id == 0) {
    if (m->position != 0) {
      return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_POSITION,
                  ": the first chunk of a request must be at 0, not ",
                  m->position, 1);
    }
    a->request_id = m->request_id;
    a->length = m->length;
    a->filled = 0;
    *opened = 1;
  } else if (m->length != a->length) {
    return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_LENGTH,
                ": differs from the first chunk's, which said ", a->length,
                1);
  } else if (m->position != a->filled) {
    return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_POSITION,
                ": chunk out of order or one lost, expected position ",
                a->filled, 1);
  }
  a->filled += m->data.size;
  return Ok(r);
}

uint32_t WskaChunkFinish(WSKA_ASSEMBLY *a, const WSKA_MESSAGE *m,
                         WSKA_RESULT *r) {
  WSKA_ASSEMBLY open = *a;
  a->request_id = 0;
  a->length = a->filled = 0;
  if (open.request_id == 0 || open.request_id != m->request_id) {
    return Fail(r, WSKA_E_BAD_STATE, 12, "field", WSKA_TAG_CHUNKED,
                ": no chunks arrived for request ", m->request_id, 1);
  }
  if (m->chunked != open.length) {
    return Fail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_CHUNKED,
                ": differs from the chunks' LENGTH ", open.length, 1);
  }
  if (open.filled != open.length) {
    return Fail(r, WSKA_E_TRUNCATED, 0, "field", WSKA_TAG_CHUNKED,
                ": chunks cut short, bytes arrived ", open.filled, 1);
  }
  return Ok(r);
}
