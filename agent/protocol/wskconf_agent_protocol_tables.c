/* The protocol's tables (wskconf_agent_protocol.h): each tag's kind and
 * limit, the fields each message type and function must and may carry, the
 * version that brought each, and the names used in logs and error texts. */
#include "wskconf_agent_protocol_internal.h"

#define TAG_U32(tag, member) \
  [WSKA_TAG_##tag] = {#tag, kKindU32, 4, offsetof(WSKA_MESSAGE, member)}
#define TAG_I32(tag, member) \
  [WSKA_TAG_##tag] = {#tag, kKindI32, 4, offsetof(WSKA_MESSAGE, member)}
#define TAG_U64(tag, member) \
  [WSKA_TAG_##tag] = {#tag, kKindU64, 8, offsetof(WSKA_MESSAGE, member)}
#define TAG_BLOB(tag, member, limit) \
  [WSKA_TAG_##tag] = {#tag, kKindBlob, limit, offsetof(WSKA_MESSAGE, member)}

const TagInfo WskaITags[WSKA_TAG_LIMIT] = {
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
uint32_t WskaITypeSince(uint32_t type) {
  return type == WSKA_MSG_CHUNK ? 3u : 1u;
}

#define B(tag) (1ull << WSKA_TAG_##tag)


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
  return tag < WSKA_TAG_LIMIT && WskaITags[tag].name != NULL ? WskaITags[tag].name
                                                          : "?";
}

Rule WskaIRuleOf(uint32_t type, uint32_t function) {
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
  return WskaIRuleOf(type, function).required;
}

uint64_t WskaAllowedFields(uint32_t type, uint32_t function) {
  Rule rule = WskaIRuleOf(type, function);
  return rule.required | rule.optional;
}

