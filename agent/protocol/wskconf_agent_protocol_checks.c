/* The rules the protocol's encoder and decoder both apply to a message
 * (its type, function, version and values), with the located error texts
 * they give, and the checks of chunk sequences (WskaChunkAccept,
 * WskaChunkFinish) both sides share. */
#include "wskconf_agent_protocol_internal.h"

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
uint32_t WskaIFail(WSKA_RESULT *r, uint32_t code, size_t offset,
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

uint32_t WskaIOk(WSKA_RESULT *r) {
  r->code = WSKA_E_OK;
  r->offset = 0;
  r->text[0] = '\0';
  return WSKA_E_OK;
}

/* ---- Rules shared by encoder and decoder. ---- */

#define VALID_DISPATCH_BITS (((1u << WSKA_EV_LIMIT) - 1) & ~1u)

/* ANSWERS: whole records, known events, each at most once. */
static uint32_t CheckAnswers(const WSKA_MESSAGE *m, WSKA_RESULT *r) {
  uint32_t seen = 0, i;
  WSKA_ANSWER a;
  if (m->answers.size % WSKA_ANSWER_RECORD_SIZE != 0) {
    return WskaIFail(r, WSKA_E_BAD_FIELD_SIZE, 0, "field", WSKA_TAG_ANSWERS,
                ": not a whole number of 20-byte records, size ",
                m->answers.size, 1);
  }
  for (i = 0; WskaAnswerAt(&m->answers, i, &a); ++i) {
    if (a.event == 0 || a.event >= WSKA_EV_LIMIT) {
      return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_ANSWERS,
                  ": no such event in record ", i, 1);
    }
    if (seen & (1u << a.event)) {
      return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_ANSWERS,
                  ": event answered twice, record ", i, 1);
    }
    if ((a.dispatch_mask & ~VALID_DISPATCH_BITS) != 0) {
      return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_ANSWERS,
                  ": unknown event bits in the mask of record ", i, 1);
    }
    seen |= 1u << a.event;
  }
  if (m->type == WSKA_MSG_CALL && m->function == WSKA_FN_SET_ANSWER &&
      m->event != WSKA_EV_ACCEPT) {
    return WskaIFail(r, WSKA_E_UNEXPECTED_FIELD, 0, "field", WSKA_TAG_ANSWERS,
                " goes with SET_ANSWER of the accept event only, not event ",
                m->event, 1);
  }
  return WskaIOk(r);
}

/* A CHUNK's bytes lie inside the buffer it announces; a CALL has its data
 * in DATA or CHUNKED, not both, and WskSend and WskSendTo have one. */
static uint32_t CheckChunked(const WSKA_MESSAGE *m, WSKA_RESULT *r) {
  const int has_data = WskaHas(m, WSKA_TAG_DATA);
  const int has_chunked = WskaHas(m, WSKA_TAG_CHUNKED);
  if (m->type == WSKA_MSG_CHUNK) {
    if (m->length <= WSKA_MAX_DATA || m->length > WSKA_MAX_CHUNKED) {
      return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_LENGTH,
                  ": a chunked buffer is over WSKA_MAX_DATA and at most "
                  "WSKA_MAX_CHUNKED bytes, not ", m->length, 1);
    }
    if (m->data.size == 0 || m->position > m->length ||
        m->length - m->position < m->data.size) {
      return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_POSITION,
                  ": chunk empty or past the announced LENGTH, at ",
                  m->position, 1);
    }
    return WskaIOk(r);
  }
  if (has_data && has_chunked) {
    return WskaIFail(r, WSKA_E_UNEXPECTED_FIELD, 0, "field", WSKA_TAG_CHUNKED,
                " and DATA exclude each other", 0, 0);
  }
  if (has_chunked &&
      (m->chunked <= WSKA_MAX_DATA || m->chunked > WSKA_MAX_CHUNKED)) {
    return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_CHUNKED,
                ": over WSKA_MAX_DATA and at most WSKA_MAX_CHUNKED bytes, "
                "not ", m->chunked, 1);
  }
  if (m->type == WSKA_MSG_CALL && !has_data && !has_chunked &&
      (m->function == WSKA_FN_SEND || m->function == WSKA_FN_SEND_TO)) {
    return WskaIFail(r, WSKA_E_MISSING_FIELD, 0, "missing field", WSKA_TAG_DATA,
                " (or CHUNKED) required by the function", 0, 0);
  }
  return WskaIOk(r);
}

static uint32_t CheckValues(const WSKA_MESSAGE *m, uint32_t version,
                            WSKA_RESULT *r) {
  uint32_t code = CheckChunked(m, r);
  if (code != WSKA_E_OK) return code;
  /* Version 5: received bytes travel from the agent in CHUNKs too. */
  if (m->type == WSKA_MSG_COMPLETION && WskaHas(m, WSKA_TAG_CHUNKED) &&
      version < 5u) {
    return WskaIFail(r, WSKA_E_UNEXPECTED_FIELD, 0, "field", WSKA_TAG_CHUNKED,
                " on a COMPLETION needs protocol version ", 5u, 1);
  }
  /* Version 4: INDICATION 0 names no list, the client's NULL (a handle is
   * never 0); before, nothing could say so. */
  if (WskaHas(m, WSKA_TAG_INDICATION) && m->indication == 0 &&
      version < 4u) {
    return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_INDICATION,
                ": 0 (a NULL list) needs protocol version ", 4u, 1);
  }
  if (WskaHas(m, WSKA_TAG_EVENT) &&
      (m->event == 0 || m->event >= WSKA_EV_LIMIT)) {
    return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_EVENT,
                ": no such event ", m->event, 1);
  }
  if (WskaHas(m, WSKA_TAG_DISPATCH_MASK) &&
      (m->dispatch_mask & ~VALID_DISPATCH_BITS) != 0) {
    return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_DISPATCH_MASK,
                ": unknown event bits in ", m->dispatch_mask, 1);
  }
  if (WskaHas(m, WSKA_TAG_OUTPUTS) &&
      (m->outputs & ~(WSKA_OUTPUT_NODE | WSKA_OUTPUT_SERVICE)) != 0) {
    return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_OUTPUTS,
                ": unknown output bits in ", m->outputs, 1);
  }
  if (WskaHas(m, WSKA_TAG_HINTS) && m->hints.size != 16) {
    return WskaIFail(r, WSKA_E_BAD_FIELD_SIZE, 0, "field", WSKA_TAG_HINTS,
                ": size must be 16, is ", m->hints.size, 1);
  }
  for (int tag = WSKA_TAG_LOCAL_ADDRESS; tag <= WSKA_TAG_REMOTE_ADDRESS;
       ++tag) {
    const WSKA_BLOB *a = tag == WSKA_TAG_LOCAL_ADDRESS ? &m->local_address
                                                       : &m->remote_address;
    if (WskaHas(m, (uint32_t)tag) && a->size < 2) {
      return WskaIFail(r, WSKA_E_BAD_FIELD_SIZE, 0, "field", tag,
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
      return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_BUFFER_LIST,
                  ": record overruns the list at byte ", cursor, 1);
    }
  }
  if (WskaHas(m, WSKA_TAG_ANSWERS)) return CheckAnswers(m, r);
  return WskaIOk(r);
}

uint32_t WskaICheckRules(const WSKA_MESSAGE *m, WSKA_RESULT *r) {
  Rule rule;
  uint64_t missing, extra;
  const uint32_t version = m->version != 0 ? m->version : WSKA_PROTOCOL_VERSION;
  if (m->type == 0 || m->type >= WSKA_MSG_TYPE_LIMIT) {
    return WskaIFail(r, WSKA_E_UNKNOWN_TYPE, 6, "header: unknown message type", -1,
                " ", m->type, 1);
  }
  if (m->type == WSKA_MSG_CALL && WskaHas(m, WSKA_TAG_FUNCTION) &&
      (m->function == 0 || m->function >= WSKA_FN_LIMIT)) {
    return WskaIFail(r, WSKA_E_UNKNOWN_FUNCTION, 0, "field", WSKA_TAG_FUNCTION,
                ": unknown function ", m->function, 1);
  }
  if (WskaITypeSince(m->type) > version) {
    return WskaIFail(r, WSKA_E_UNKNOWN_TYPE, 6, "header: message type CHUNK needs "
                "protocol version", -1, " ", WskaITypeSince(m->type), 1);
  }
  rule = WskaIRuleOf(m->type, WskaHas(m, WSKA_TAG_FUNCTION) ? m->function : 0);
  missing = rule.required & ~m->present;
  extra = m->present & ~(rule.required | rule.optional);
  for (int tag = 0; tag < WSKA_TAG_LIMIT; ++tag) {
    if (missing & (1ull << tag)) {
      return WskaIFail(r, WSKA_E_MISSING_FIELD, 0, "missing field", tag,
                  m->type == WSKA_MSG_CALL ? " required by the function"
                                           : " required by the message type",
                  0, 0);
    }
    if (extra & (1ull << tag)) {
      return WskaIFail(r, WSKA_E_UNEXPECTED_FIELD, 0, "field", tag,
                  " is not taken by this message type or function", 0, 0);
    }
    if ((m->present & (1ull << tag)) && WskaTagSince((uint32_t)tag) > version) {
      return WskaIFail(r, WSKA_E_UNEXPECTED_FIELD, 0, "field", tag,
                  " needs protocol version ", WskaTagSince((uint32_t)tag), 1);
    }
  }
  return CheckValues(m, version, r);
}

/* ---- Chunk reassembly. ---- */

uint32_t WskaChunkAccept(WSKA_ASSEMBLY *a, const WSKA_MESSAGE *m,
                         uint64_t max_length, int *opened, WSKA_RESULT *r) {
  *opened = 0;
  if (m->type != WSKA_MSG_CHUNK) {
    return WskaIFail(r, WSKA_E_UNKNOWN_TYPE, 6, "chunk: not a CHUNK message", -1,
                ", type ", m->type, 1);
  }
  if (a->request_id != 0 && a->request_id != m->request_id) {
    return WskaIFail(r, WSKA_E_BAD_STATE, 12,
                "chunk: another request's chunks are still open, request",
                -1, " ", a->request_id, 1);
  }
  if (m->length > max_length) {
    return WskaIFail(r, WSKA_E_TOO_LARGE, 0, "field", WSKA_TAG_LENGTH,
                ": more than this side takes for one buffer, ", m->length, 1);
  }
  if (a->request_id == 0) {
    if (m->position != 0) {
      return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_POSITION,
                  ": the first chunk of a request must be at 0, not ",
                  m->position, 1);
    }
    a->request_id = m->request_id;
    a->length = m->length;
    a->filled = 0;
    *opened = 1;
  } else if (m->length != a->length) {
    return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_LENGTH,
                ": differs from the first chunk's, which said ", a->length,
                1);
  } else if (m->position != a->filled) {
    return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_POSITION,
                ": chunk out of order or one lost, expected position ",
                a->filled, 1);
  }
  a->filled += m->data.size;
  return WskaIOk(r);
}

uint32_t WskaChunkFinish(WSKA_ASSEMBLY *a, const WSKA_MESSAGE *m,
                         WSKA_RESULT *r) {
  WSKA_ASSEMBLY open = *a;
  a->request_id = 0;
  a->length = a->filled = 0;
  if (open.request_id == 0 || open.request_id != m->request_id) {
    return WskaIFail(r, WSKA_E_BAD_STATE, 12, "field", WSKA_TAG_CHUNKED,
                ": no chunks arrived for request ", m->request_id, 1);
  }
  if (m->chunked != open.length) {
    return WskaIFail(r, WSKA_E_BAD_VALUE, 0, "field", WSKA_TAG_CHUNKED,
                ": differs from the chunks' LENGTH ", open.length, 1);
  }
  if (open.filled != open.length) {
    return WskaIFail(r, WSKA_E_TRUNCATED, 0, "field", WSKA_TAG_CHUNKED,
                ": chunks cut short, bytes arrived ", open.filled, 1);
  }
  return WskaIOk(r);
}
