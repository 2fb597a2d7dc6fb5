/* The wire protocol between the wskconf runner and the in-kernel agent
 * (agent/driver), carried by the relay (agent/relay). One description both
 * sides build from: plain C11, no C runtime calls, so the same encoder and
 * decoder run in a Windows kernel driver (mingw-w64), a Windows program and
 * the Linux runner. agent/README.md describes the protocol in prose.
 *
 * A message is a 16-byte header followed by `length` bytes of fields. All
 * integers are little-endian. Header:
 *   u32 magic (WSKA_MAGIC)  u16 version  u16 type  u32 length  u32 request_id
 * Each field: u16 tag, u32 size, then `size` bytes. A field appears at most
 * once; its size must match its kind (4 for u32/i32, 8 for u64, at most the
 * tag's limit for a blob). Which fields a message may or must carry depends
 * on its type and, for WSKA_MSG_CALL, on its function: a message that breaks
 * any rule is refused with a WSKA_ERROR naming the rule, never trusted. */
#ifndef WSKCONF_AGENT_PROTOCOL_H_
#define WSKCONF_AGENT_PROTOCOL_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WSKA_MAGIC 0x414B5357u /* "WSKA" as little-endian bytes */
/* The newest protocol version this code speaks, and the oldest. Version 2
 * added ANSWERS (callback answers preset with the call that makes a
 * socket); a version-1 peer never sees it. Version 3 added CHUNK messages:
 * data larger than one message carries travels in pieces ahead of its
 * CALL. Version 4: RELEASE with INDICATION 0 releases a NULL list (the
 * provider's answer to a client that passes NULL); the registration
 * routines take a registration after its DEREGISTER, until SHUTDOWN; the
 * RETURN of DEREGISTER and of CAPTURE_PROVIDER_NPI with a TIMEOUT other
 * than 0 comes when the provider returns, after the answers of requests
 * sent meanwhile. Version 5: CHUNK messages also travel from the agent:
 * a COMPLETION whose received bytes are more than one message carries
 * says CHUNKED, and its bytes come in CHUNKs of its request_id just
 * before it. */
#define WSKA_PROTOCOL_VERSION 5u
#define WSKA_PROTOCOL_VERSION_MIN 1u
#define WSKA_HEADER_SIZE 16u
#define WSKA_FIELD_HEADER_SIZE 6u
/* Largest field area of one message, and the largest blob in it. */
#define WSKA_MAX_PAYLOAD (1024u * 1024u)
#define WSKA_MAX_DATA (WSKA_MAX_PAYLOAD - 4096u)
/* Largest buffer that travels in CHUNK messages (version 3): the agent
 * takes at most this much pool for one call's data. */
#define WSKA_MAX_CHUNKED (64u * 1024u * 1024u)
/* Largest socket address the protocol carries (SOCKADDR_STORAGE). */
#define WSKA_MAX_ADDRESS 128u
/* Largest text field (error reasons, agent description). */
#define WSKA_MAX_TEXT 512u

/* Message types. R: runner to agent; A: agent to runner. Every R message
 * with a request_id gets exactly one WSKA_MSG_RETURN or WSKA_MSG_ERROR with
 * the same request_id; a call that took an IRP later gets one
 * WSKA_MSG_COMPLETION when (if) the provider completes it. */
typedef enum WSKA_MESSAGE_TYPE {
  WSKA_MSG_HELLO = 1,      /* R: VERSION_MIN, VERSION_MAX */
  WSKA_MSG_HELLO_REPLY,    /* A: VERSION, MAX_PAYLOAD, TEXT (agent build) */
  WSKA_MSG_CALL,           /* R: FUNCTION and the function's arguments */
  WSKA_MSG_RETURN,         /* A: STATUS the function returned, outputs */
  WSKA_MSG_COMPLETION,     /* A: IRP_STATUS, INFORMATION, ELAPSED, outputs */
  WSKA_MSG_EVENT,          /* A: EVENT, SOCKET and the callback's arguments */
  WSKA_MSG_ERROR,          /* A or R: ERROR_CODE, TEXT; request refused */
  WSKA_MSG_CHUNK,          /* R, version 3: POSITION, LENGTH, DATA: bytes
                              of the CALL with the same request_id that
                              follows (its CHUNKED says how many); no
                              answer of its own. A, version 5: the same
                              for the COMPLETION that follows */
  WSKA_MSG_TYPE_LIMIT
} WSKA_MESSAGE_TYPE;

/* Functions of WSKA_MSG_CALL: every provider function of the WSK spec, and
 * the agent's own operations (SET_ANSWER, CANCEL, SHUTDOWN). */
typedef enum WSKA_FUNCTION {
  WSKA_FN_REGISTER = 1,      /* WskRegister: RETURN carries HANDLE */
  WSKA_FN_DEREGISTER,        /* WskDeregister(REGISTRATION); the RETURN
                                comes when the provider returns */
  WSKA_FN_CAPTURE_PROVIDER_NPI, /* REGISTRATION, TIMEOUT; RETURN: VERSION */
  WSKA_FN_RELEASE_PROVIDER_NPI, /* REGISTRATION */
  WSKA_FN_QUERY_PROVIDER_CHARACTERISTICS, /* RETURN: VERSION_MIN/MAX */
  WSKA_FN_SOCKET,            /* REGISTRATION, FAMILY, SOCKET_TYPE, PROTOCOL,
                                FLAGS, [DISPATCH_MASK] -> NEW_SOCKET */
  WSKA_FN_SOCKET_CONNECT,    /* + LOCAL_ADDRESS, REMOTE_ADDRESS */
  WSKA_FN_CONTROL_CLIENT,    /* CONTROL_CODE, [INPUT], OUTPUT_SIZE, USE_IRP */
  WSKA_FN_GET_ADDRESS_INFO,  /* [NODE_NAME], [SERVICE_NAME], [NAME_SPACE],
                                [HINTS] -> ADDRESS_INFO, HANDLE */
  WSKA_FN_FREE_ADDRESS_INFO, /* HANDLE of a GET_ADDRESS_INFO result */
  WSKA_FN_GET_NAME_INFO,     /* REMOTE_ADDRESS, FLAGS, [LENGTH], v2:
                                [OUTPUTS] -> NODE_NAME, SERVICE_NAME */
  WSKA_FN_CONTROL_SOCKET,    /* SOCKET, REQUEST_TYPE, CONTROL_CODE, LEVEL,
                                [INPUT], OUTPUT_SIZE, USE_IRP -> OUTPUT */
  WSKA_FN_CLOSE_SOCKET,      /* SOCKET */
  WSKA_FN_BIND,              /* SOCKET, LOCAL_ADDRESS, [FLAGS] */
  WSKA_FN_LISTEN,            /* SOCKET */
  WSKA_FN_ACCEPT,            /* SOCKET, [FLAGS], [DISPATCH_MASK],
                                [WANT_ADDRESSES] -> NEW_SOCKET, addresses */
  WSKA_FN_INSPECT_COMPLETE,  /* SOCKET, INSPECT_KEY, INSPECT_SERIAL, ANSWER */
  WSKA_FN_CONNECT,           /* SOCKET, REMOTE_ADDRESS, [FLAGS] */
  WSKA_FN_CONNECT_EX,        /* + [DATA or CHUNKED], [OFFSET] */
  WSKA_FN_SEND,              /* SOCKET, DATA or CHUNKED, [OFFSET], [FLAGS] */
  WSKA_FN_RECEIVE,           /* SOCKET, LENGTH, [OFFSET], [FLAGS] -> DATA
                                (v5: or CHUNKED) */
  WSKA_FN_DISCONNECT,        /* SOCKET, [DATA or CHUNKED], [FLAGS] */
  WSKA_FN_RELEASE,           /* SOCKET, INDICATION (a retained list; v4:
                                0 for a NULL list) */
  WSKA_FN_SEND_TO,           /* SOCKET, DATA or CHUNKED, [REMOTE_ADDRESS],
                                [CONTROL_INFO], [FLAGS] */
  WSKA_FN_RECEIVE_FROM,      /* SOCKET, LENGTH, [CONTROL_SIZE], [FLAGS] ->
                                DATA, REMOTE_ADDRESS, CONTROL_INFO,
                                CONTROL_FLAGS */
  WSKA_FN_SEND_MESSAGES,     /* SOCKET, BUFFER_LIST, [REMOTE_ADDRESS],
                                [CONTROL_INFO], [FLAGS] */
  WSKA_FN_GET_LOCAL_ADDRESS, /* SOCKET -> LOCAL_ADDRESS */
  WSKA_FN_GET_REMOTE_ADDRESS, /* SOCKET -> REMOTE_ADDRESS */
  WSKA_FN_SET_ANSWER,        /* agent: SOCKET (0: default for new sockets),
                                EVENT, ANSWER, [LENGTH], [DISPATCH_MASK],
                                v2: [ANSWERS] with EVENT ACCEPT: the answers
                                of the sockets that accept callback makes */
  WSKA_FN_CANCEL,            /* agent: IoCancelIrp of TARGET's IRP */
  WSKA_FN_SHUTDOWN,          /* agent: cancel, close, deregister all */
  WSKA_FN_LIMIT
} WSKA_FUNCTION;

/* Event callbacks the agent reports (WSKA_MSG_EVENT's EVENT), and the bits
 * of DISPATCH_MASK saying which callbacks the agent's client dispatch table
 * for a socket provides (1 << event). */
typedef enum WSKA_EVENT_KIND {
  WSKA_EV_CLIENT = 1,    /* WskClientEvent: CONTROL_CODE, [INPUT] */
  WSKA_EV_ACCEPT,        /* FLAGS, LOCAL/REMOTE_ADDRESS, [NEW_SOCKET] */
  WSKA_EV_INSPECT,       /* LOCAL/REMOTE_ADDRESS, INSPECT_KEY/SERIAL */
  WSKA_EV_ABORT,         /* INSPECT_KEY/SERIAL */
  WSKA_EV_RECEIVE,       /* FLAGS, [DATA], LENGTH (bytes indicated),
                            [INDICATION] when retained; no DATA: NULL list */
  WSKA_EV_DISCONNECT,    /* FLAGS */
  WSKA_EV_SEND_BACKLOG,  /* LENGTH (ideal backlog size) */
  WSKA_EV_RECEIVE_FROM,  /* FLAGS, [BUFFER_LIST] of datagrams, [INDICATION] */
  WSKA_EV_LIMIT
} WSKA_EVENT_KIND;

/* Field tags. The kind and limit of each are in the table of the codec. */
typedef enum WSKA_TAG {
  WSKA_TAG_FUNCTION = 1,  /* u32 WSKA_FUNCTION */
  WSKA_TAG_VERSION,       /* u32 protocol version, or provider's Version */
  WSKA_TAG_VERSION_MIN,   /* u32 */
  WSKA_TAG_VERSION_MAX,   /* u32 */
  WSKA_TAG_MAX_PAYLOAD,   /* u32 */
  WSKA_TAG_TEXT,          /* blob, UTF-8 */
  WSKA_TAG_ERROR_CODE,    /* u32 WSKA_ERROR_CODE */
  WSKA_TAG_REGISTRATION,  /* u32 agent handle of a WSK_REGISTRATION */
  WSKA_TAG_SOCKET,        /* u32 agent handle of a socket, never a pointer */
  WSKA_TAG_NEW_SOCKET,    /* u32 handle of a socket the call created */
  WSKA_TAG_HANDLE,        /* u32 handle of another agent object */
  WSKA_TAG_TARGET,        /* u32 request_id of an earlier call */
  WSKA_TAG_FAMILY,        /* u32 ADDRESS_FAMILY */
  WSKA_TAG_SOCKET_TYPE,   /* u32 */
  WSKA_TAG_PROTOCOL,      /* u32 */
  WSKA_TAG_FLAGS,         /* u32 the function's or callback's Flags */
  WSKA_TAG_DISPATCH_MASK, /* u32 1 << WSKA_EVENT_KIND per callback */
  WSKA_TAG_TIMEOUT,       /* u32 milliseconds (WskCaptureProviderNPI) */
  WSKA_TAG_CONTROL_CODE,  /* u32 */
  WSKA_TAG_LEVEL,         /* u32 */
  WSKA_TAG_REQUEST_TYPE,  /* u32 WSK_CONTROL_SOCKET_TYPE */
  WSKA_TAG_USE_IRP,       /* u32 0: pass Irp NULL, else allocate one */
  WSKA_TAG_OUTPUT_SIZE,   /* u64 OutputSize of a control call */
  WSKA_TAG_OUTPUT_SIZE_RETURNED, /* u64 *OutputSizeReturned */
  WSKA_TAG_LENGTH,        /* u64 bytes to receive, indicated, backlog */
  WSKA_TAG_OFFSET,        /* u32 WSK_BUF Offset into the agent's MDL */
  WSKA_TAG_CONTROL_SIZE,  /* u32 ControlInfoLength offered */
  WSKA_TAG_CONTROL_FLAGS, /* u32 *ControlFlags */
  WSKA_TAG_NAME_SPACE,    /* u32 */
  WSKA_TAG_STATUS,        /* i32 NTSTATUS the function or callback returned */
  WSKA_TAG_IRP_STATUS,    /* i32 Irp->IoStatus.Status at completion */
  WSKA_TAG_INFORMATION,   /* u64 Irp->IoStatus.Information (a pointer
                             there is replaced by NEW_SOCKET / HANDLE) */
  WSKA_TAG_ELAPSED,       /* u64 100 ns units from call to completion */
  WSKA_TAG_TIME,          /* u64 agent clock, 100 ns units */
  WSKA_TAG_EVENT,         /* u32 WSKA_EVENT_KIND */
  WSKA_TAG_ANSWER,        /* i32 preset callback return (NTSTATUS, or a
                             WSK_INSPECT_ACTION for INSPECT) */
  WSKA_TAG_INSPECT_KEY,   /* u64 WSK_INSPECT_ID.Key */
  WSKA_TAG_INSPECT_SERIAL, /* u32 WSK_INSPECT_ID.SerialNumber */
  WSKA_TAG_INDICATION,    /* u32 handle of a retained indication list */
  WSKA_TAG_WANT_ADDRESSES, /* u32 nonzero: pass address buffers */
  WSKA_TAG_DATA,          /* blob: bytes sent or received */
  WSKA_TAG_LOCAL_ADDRESS, /* blob: a SOCKADDR as Windows lays it out */
  WSKA_TAG_REMOTE_ADDRESS, /* blob: a SOCKADDR */
  WSKA_TAG_CONTROL_INFO,  /* blob: CMSGHDR records */
  WSKA_TAG_INPUT,         /* blob: InputBuffer (pointer-free form) */
  WSKA_TAG_OUTPUT,        /* blob: OutputBuffer contents */
  WSKA_TAG_NODE_NAME,     /* blob: UTF-16LE, no terminator */
  WSKA_TAG_SERVICE_NAME,  /* blob: UTF-16LE, no terminator */
  WSKA_TAG_HINTS,         /* blob: 4 x i32 flags, family, socktype, proto */
  WSKA_TAG_BUFFER_LIST,   /* blob: list of (u32 size, bytes) records */
  WSKA_TAG_ADDRESS_INFO,  /* blob: list of ADDRINFOEXW records, see README */
  /* Version 2. */
  WSKA_TAG_ANSWERS,       /* blob: WSKA_ANSWER_RECORD_SIZE-byte records
                             (u32 event, i32 answer, u64 length, u32
                             dispatch mask), at most one per event: the
                             answers a socket starts with. CALL of SOCKET,
                             SOCKET_CONNECT, ACCEPT; SET_ANSWER of ACCEPT */
  WSKA_TAG_OUTPUTS,       /* u32 WSKA_OUTPUT_* bits: which of GetNameInfo's
                             NodeName and ServiceName the client passed
                             (absent: both) */
  /* Version 3. */
  WSKA_TAG_POSITION,      /* u64 byte position of a CHUNK's DATA */
  WSKA_TAG_CHUNKED,       /* u64 a CALL's data (v5: a COMPLETION's) came
                             in CHUNK messages of its request_id, this
                             many bytes in all */
  WSKA_TAG_LIMIT
} WSKA_TAG;

/* Why a message was refused. */
typedef enum WSKA_ERROR_CODE {
  WSKA_E_OK = 0,
  WSKA_E_TRUNCATED,        /* fewer bytes than the header or a field says */
  WSKA_E_BAD_MAGIC,
  WSKA_E_BAD_VERSION,      /* header version, or no common version */
  WSKA_E_TOO_LARGE,        /* payload over WSKA_MAX_PAYLOAD */
  WSKA_E_UNKNOWN_TYPE,
  WSKA_E_UNKNOWN_TAG,
  WSKA_E_DUPLICATE_TAG,
  WSKA_E_BAD_FIELD_SIZE,   /* size does not fit the tag's kind or limit */
  WSKA_E_MISSING_FIELD,    /* a field the type or function requires */
  WSKA_E_UNEXPECTED_FIELD, /* a field the type or function does not take */
  WSKA_E_UNKNOWN_FUNCTION,
  WSKA_E_BAD_VALUE,        /* a value out of range (e.g. an unknown event) */
  WSKA_E_TRAILING_BYTES,   /* bytes after the last field */
  WSKA_E_NO_SPACE,         /* encoder: output buffer too small */
  WSKA_E_BAD_HANDLE,       /* agent: no such socket/registration/handle */
  WSKA_E_BAD_STATE,        /* agent: e.g. not registered, handshake first */
  WSKA_E_NO_RESOURCES,     /* agent: allocation failed, table full */
  WSKA_E_QUEUE_OVERFLOW,   /* agent: runner too slow, messages were lost */
  WSKA_E_LIMIT
} WSKA_ERROR_CODE;

/* Bits of OUTPUTS. */
#define WSKA_OUTPUT_NODE 1u
#define WSKA_OUTPUT_SERVICE 2u

/* The first protocol version that has field `tag` (1 for most). */
uint32_t WskaTagSince(uint32_t tag);

/* One ANSWERS record; WskaAnswerAt reads record `index` (0-based) of a
 * checked ANSWERS blob, returning 0 past the end. */
#define WSKA_ANSWER_RECORD_SIZE 20u
typedef struct WSKA_ANSWER {
  uint32_t event;
  int32_t answer;
  uint64_t length;
  uint32_t dispatch_mask;
} WSKA_ANSWER;

/* Bytes of a blob field; data points into the decoded buffer (no copy), so
 * it is valid as long as that buffer is. */
typedef struct WSKA_BLOB {
  const uint8_t *data;
  uint32_t size;
} WSKA_BLOB;

/* A message, decoded or to encode. `present` has bit (1 << tag) set for
 * every field the message carries; only those members are meaningful. */
typedef struct WSKA_MESSAGE {
  uint16_t version;
  uint16_t type;
  uint32_t request_id;
  uint64_t present;
  uint32_t function, protocol_version, version_min, version_max, max_payload;
  uint32_t error_code, registration, socket, new_socket, handle, target;
  uint32_t family, socket_type, protocol, flags, dispatch_mask, timeout;
  uint32_t control_code, level, request_type, use_irp, offset, control_size;
  uint32_t control_flags, name_space, event, inspect_serial, indication;
  uint32_t want_addresses, outputs;
  uint64_t position, chunked;
  int32_t status, irp_status, answer;
  uint64_t output_size, output_size_returned, length, information, elapsed;
  uint64_t time, inspect_key;
  WSKA_BLOB text, data, local_address, remote_address, control_info, input;
  WSKA_BLOB output, node_name, service_name, hints, buffer_list;
  WSKA_BLOB address_info, answers;
} WSKA_MESSAGE;

int WskaAnswerAt(const WSKA_BLOB *answers, uint32_t index, WSKA_ANSWER *out);
/* Appends one record to `out` (capacity bytes, *used so far); 0 when it
 * does not fit. */
int WskaPutAnswer(uint8_t *out, uint32_t capacity, uint32_t *used,
                  const WSKA_ANSWER *answer);

/* What went wrong, for WSKA_MSG_ERROR and for the caller's log: a code, the
 * byte offset in the message where it was found, and a short reason naming
 * the field ("field SOCKET (tag 9): size 2, expected 4"). */
typedef struct WSKA_RESULT {
  uint32_t code; /* WSKA_ERROR_CODE */
  uint32_t offset;
  char text[160];
} WSKA_RESULT;

/* Reads the header of the `size` bytes at `bytes`: WSKA_E_OK with
 * *payload_size set, WSKA_E_TRUNCATED when fewer than WSKA_HEADER_SIZE bytes
 * are there, WSKA_E_BAD_MAGIC, WSKA_E_TOO_LARGE. Framing only: a relay
 * uses it to know how many bytes make up the message. */
uint32_t WskaPeekHeader(const uint8_t *bytes, size_t size,
                        uint32_t *payload_size, WSKA_RESULT *result);

/* Decodes exactly one message of `size` bytes (header and fields) into *m.
 * Checks everything listed at the top of this file; returns WSKA_E_OK or the
 * first problem's code (also in *result with the offset and reason). Blobs
 * point into `bytes`. Never reads outside [bytes, bytes + size). */
uint32_t WskaDecode(const uint8_t *bytes, size_t size, WSKA_MESSAGE *m,
                    WSKA_RESULT *result);

/* Encodes *m (the fields in m->present, in tag order) into `out`: WSKA_E_OK
 * with *written set, WSKA_E_NO_SPACE when `capacity` is too small, or the
 * same rule violations WskaDecode reports, so nothing encoded is refused by
 * the other side's decoder. m->version 0 means WSKA_PROTOCOL_VERSION. */
uint32_t WskaEncode(const WSKA_MESSAGE *m, uint8_t *out, size_t capacity,
                    size_t *written, WSKA_RESULT *result);

/* Bytes WskaEncode would write for *m (no rule checks). */
size_t WskaEncodedSize(const WSKA_MESSAGE *m);

/* Marks field `tag` present in *m (the caller sets the member). */
void WskaSet(WSKA_MESSAGE *m, uint32_t tag);
/* Nonzero when field `tag` is present. */
int WskaHas(const WSKA_MESSAGE *m, uint32_t tag);
/* Clears *m and sets type, request_id and the current version. */
void WskaInit(WSKA_MESSAGE *m, uint32_t type, uint32_t request_id);

/* Field access by tag, for code that handles fields generically (the
 * runner's forwarding side). Set* mark the field present; they return 0
 * when the tag is unknown or of the other kind (scalar vs blob). Get*
 * return 0 when the field is absent or of the other kind. i32 fields are
 * set and read as their 32-bit two's complement pattern. */
int WskaSetScalar(WSKA_MESSAGE *m, uint32_t tag, uint64_t value);
int WskaGetScalar(const WSKA_MESSAGE *m, uint32_t tag, uint64_t *value);
int WskaSetBlob(WSKA_MESSAGE *m, uint32_t tag, const uint8_t *data,
                uint32_t size);
int WskaGetBlob(const WSKA_MESSAGE *m, uint32_t tag, WSKA_BLOB *blob);

/* The fields (bit 1 << tag) a message of `type` must carry and may carry;
 * for WSKA_MSG_CALL they include those of `function`. 0 for unknown values.
 * The forwarding side uses them to build calls the agent will accept. */
uint64_t WskaRequiredFields(uint32_t type, uint32_t function);
uint64_t WskaAllowedFields(uint32_t type, uint32_t function);

/* Names for logs and error texts; "?" for values out of range. */
const char *WskaTypeName(uint32_t type);
const char *WskaFunctionName(uint32_t function);
const char *WskaTagName(uint32_t tag);
const char *WskaEventName(uint32_t event);
const char *WskaErrorName(uint32_t code);

/* Walks a BUFFER_LIST blob: sets *record to the next (size, bytes) record
 * after *cursor (start at 0) and advances it. Returns 1 for a record, 0 at
 * the end, -1 when the list is malformed (a size past the end). */
int WskaNextBuffer(const WSKA_BLOB *list, uint32_t *cursor, WSKA_BLOB *record);

/* Reassembly of CHUNK messages (version 3; version 5 from the agent too).
 * A sender splits a buffer of
 * more than WSKA_MAX_DATA bytes (at most WSKA_MAX_CHUNKED) into CHUNKs of
 * at most WSKA_MAX_DATA bytes, in order, with the request_id of the CALL
 * that follows them and carries CHUNKED. The receiver keeps one assembly
 * at a time; the checks are here so that both sides apply the same ones.
 * Zero-initialise a WSKA_ASSEMBLY before its first use. */
typedef struct WSKA_ASSEMBLY {
  uint32_t request_id; /* of the open assembly; 0 when none is open */
  uint64_t length;     /* bytes announced (LENGTH of its chunks) */
  uint64_t filled;     /* bytes arrived so far, in order */
} WSKA_ASSEMBLY;

/* Checks that the decoded CHUNK *m continues *a: the first chunk (POSITION
 * 0) of a request opens it, and the next ones must follow on at exactly
 * `filled`, with the same LENGTH and request_id. On WSKA_E_OK the caller
 * copies m->data to its buffer at m->position; *opened says whether the
 * chunk opened the assembly (allocate then, LENGTH bytes). Refusals:
 * WSKA_E_BAD_STATE (another request's assembly is open), WSKA_E_BAD_VALUE
 * (out of order, a changed LENGTH, a first chunk not at 0), WSKA_E_TOO_LARGE
 * (LENGTH over max_length). *a is not changed by a refusal. */
uint32_t WskaChunkAccept(WSKA_ASSEMBLY *a, const WSKA_MESSAGE *m,
                         uint64_t max_length, int *opened,
                         WSKA_RESULT *result);

/* Checks that the message *m carrying CHUNKED finds the assembly of its
 * request_id complete with exactly CHUNKED bytes, and closes it (also on a
 * refusal): WSKA_E_OK, WSKA_E_BAD_STATE (no chunks of this request),
 * WSKA_E_TRUNCATED (fewer bytes arrived), WSKA_E_BAD_VALUE (CHUNKED differs
 * from the chunks' LENGTH). */
uint32_t WskaChunkFinish(WSKA_ASSEMBLY *a, const WSKA_MESSAGE *m,
                         WSKA_RESULT *result);

#ifdef __cplusplus
}
#endif

#endif /* WSKCONF_AGENT_PROTOCOL_H_ */
