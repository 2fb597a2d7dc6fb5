/* Encoder and decoder of the runner-agent protocol (wskconf_agent_protocol.h).
 * Built into the Linux runner, the relay and the kernel agent alike, so it
 * calls nothing from a C runtime: every byte is moved by hand and every
 * length is checked against the bytes that are really there. */
#include "wskconf_agent_protocol_internal.h"

/* ---- Little-endian access. ---- */

uint32_t WskaILoad(const uint8_t *p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint64_t WskaILoad64(const uint8_t *p) {
  return (uint64_t)WskaILoad(p, 4) | ((uint64_t)WskaILoad(p + 4, 4) << 32);
}

void WskaIStore(uint8_t *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- Public helpers. ---- */

int WskaAnswerAt(const WSKA_BLOB *answers, uint32_t index, WSKA_ANSWER *out) {
  const uint8_t *p;
  if (answers->size / WSKA_ANSWER_RECORD_SIZE <= index) return 0;
  p = answers->data + (size_t)index * WSKA_ANSWER_RECORD_SIZE;
  out->event = WskaILoad(p, 4);
  out->answer = (int32_t)WskaILoad(p + 4, 4);
  out->length = WskaILoad64(p + 8);
  out->dispatch_mask = WskaILoad(p + 16, 4);
  return 1;
}

int WskaPutAnswer(uint8_t *out, uint32_t capacity, uint32_t *used,
                  const WSKA_ANSWER *answer) {
  uint8_t *p = out + *used;
  if (capacity - *used < WSKA_ANSWER_RECORD_SIZE || *used > capacity) return 0;
  WskaIStore(p, answer->event, 4);
  WskaIStore(p + 4, (uint32_t)answer->answer, 4);
  WskaIStore(p + 8, answer->length, 8);
  WskaIStore(p + 16, answer->dispatch_mask, 4);
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
  size = WskaILoad(list->data + at, 4);
  if (size > list->size - at - 4) return -1;
  record->data = list->data + at + 4;
  record->size = size;
  *cursor = at + 4 + size;
  return 1;
}

uint32_t WskaPeekHeader(const uint8_t *bytes, size_t size,
                        uint32_t *payload_size, WSKA_RESULT *r) {
  if (size < WSKA_HEADER_SIZE) {
    return WskaIFail(r, WSKA_E_TRUNCATED, size, "header cut short: 16 bytes needed",
                -1, ", have ", size, 1);
  }
  if (WskaILoad(bytes, 4) != WSKA_MAGIC) {
    return WskaIFail(r, WSKA_E_BAD_MAGIC, 0, "header: magic is not WSKA", -1, "",
                0, 0);
  }
  *payload_size = WskaILoad(bytes + 8, 4);
  if (*payload_size > WSKA_MAX_PAYLOAD) {
    return WskaIFail(r, WSKA_E_TOO_LARGE, 8, "header: payload size", -1, " ",
                *payload_size, 1);
  }
  return WskaIOk(r);
}

static const TagInfo *Known(uint32_t tag) {
  return tag != 0 && tag < WSKA_TAG_LIMIT && WskaITags[tag].name != NULL
             ? &WskaITags[tag]
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

/* ---- Decoder. ---- */

static uint32_t DecodeField(WSKA_MESSAGE *m, uint32_t tag, const uint8_t *v,
                            uint32_t size, size_t at, WSKA_RESULT *r) {
  const TagInfo *info;
  uint8_t *member;
  if (tag == 0 || tag >= WSKA_TAG_LIMIT || WskaITags[tag].name == NULL) {
    return WskaIFail(r, WSKA_E_UNKNOWN_TAG, at, "unknown field tag", -1, " ", tag,
                1);
  }
  if (WskaHas(m, tag)) {
    return WskaIFail(r, WSKA_E_DUPLICATE_TAG, at, "field", (int)tag,
                " appears twice", 0, 0);
  }
  info = &WskaITags[tag];
  if (info->kind == kKindBlob ? size > info->limit : size != info->limit) {
    return WskaIFail(r, WSKA_E_BAD_FIELD_SIZE, at, "field", (int)tag,
                info->kind == kKindBlob ? ": size over the limit, "
                                        : ": wrong size ",
                size, 1);
  }
  member = (uint8_t *)m + info->offset;
  if (info->kind == kKindU32) {
    *(uint32_t *)member = WskaILoad(v, 4);
  } else if (info->kind == kKindI32) {
    *(int32_t *)member = (int32_t)WskaILoad(v, 4);
  } else if (info->kind == kKindU64) {
    *(uint64_t *)member = WskaILoad64(v);
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
  m->version = (uint16_t)WskaILoad(bytes + 4, 2);
  m->type = (uint16_t)WskaILoad(bytes + 6, 2);
  m->request_id = WskaILoad(bytes + 12, 4);
  if (size - WSKA_HEADER_SIZE < payload) {
    return WskaIFail(r, WSKA_E_TRUNCATED, size, "message cut short: fewer payload "
                "bytes than the header says", -1, ", have ", size - WSKA_HEADER_SIZE, 1);
  }
  if (size - WSKA_HEADER_SIZE > payload) {
    return WskaIFail(r, WSKA_E_TRAILING_BYTES, WSKA_HEADER_SIZE + payload,
                "message: bytes after the payload of size", -1, " ", payload,
                1);
  }
  /* HELLO and ERROR keep their layout in every version, so a peer speaking
   * another version can still be told which versions this side speaks. */
  if ((m->version < WSKA_PROTOCOL_VERSION_MIN ||
       m->version > WSKA_PROTOCOL_VERSION) &&
      !(m->version != 0 &&
        (m->type == WSKA_MSG_HELLO || m->type == WSKA_MSG_ERROR))) {
    return WskaIFail(r, WSKA_E_BAD_VERSION, 4, "header: protocol version", -1,
                " unsupported: ", m->version, 1);
  }
  if (m->type == 0 || m->type >= WSKA_MSG_TYPE_LIMIT) {
    return WskaIFail(r, WSKA_E_UNKNOWN_TYPE, 6, "header: unknown message type", -1,
                " ", m->type, 1);
  }
  end = WSKA_HEADER_SIZE + payload;
  while (at < end) {
    uint32_t tag, field_size;
    if (end - at < WSKA_FIELD_HEADER_SIZE) {
      return WskaIFail(r, WSKA_E_TRUNCATED, at, "field header cut short", -1,
                  ", bytes left ", end - at, 1);
    }
    tag = WskaILoad(bytes + at, 2);
    field_size = WskaILoad(bytes + at + 2, 4);
    if (field_size > end - at - WSKA_FIELD_HEADER_SIZE) {
      return WskaIFail(r, WSKA_E_TRUNCATED, at, "field",
                  tag < WSKA_TAG_LIMIT ? (int)tag : -1,
                  " runs past the payload, size ", field_size, 1);
    }
    code = DecodeField(m, tag, bytes + at + WSKA_FIELD_HEADER_SIZE,
                       field_size, at, r);
    if (code != WSKA_E_OK) return code;
    at += WSKA_FIELD_HEADER_SIZE + field_size;
  }
  return WskaICheckRules(m, r);
}

/* ---- Encoder. ---- */

static uint32_t FieldSize(const WSKA_MESSAGE *m, uint32_t tag) {
  const TagInfo *info = &WskaITags[tag];
  if (info->kind != kKindBlob) return info->limit;
  return ((const WSKA_BLOB *)((const uint8_t *)m + info->offset))->size;
}

size_t WskaEncodedSize(const WSKA_MESSAGE *m) {
  size_t total = WSKA_HEADER_SIZE;
  for (uint32_t tag = 1; tag < WSKA_TAG_LIMIT; ++tag) {
    if (WskaHas(m, tag) && WskaITags[tag].name != NULL) {
      total += WSKA_FIELD_HEADER_SIZE + FieldSize(m, tag);
    }
  }
  return total;
}

static void EncodeField(const WSKA_MESSAGE *m, uint32_t tag, uint8_t *out) {
  const TagInfo *info = &WskaITags[tag];
  const uint8_t *member = (const uint8_t *)m + info->offset;
  uint32_t size = FieldSize(m, tag);
  WskaIStore(out, tag, 2);
  WskaIStore(out + 2, size, 4);
  out += WSKA_FIELD_HEADER_SIZE;
  if (info->kind == kKindU32) {
    WskaIStore(out, *(const uint32_t *)member, 4);
  } else if (info->kind == kKindI32) {
    WskaIStore(out, (uint32_t) * (const int32_t *)member, 4);
  } else if (info->kind == kKindU64) {
    WskaIStore(out, *(const uint64_t *)member, 8);
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
    return WskaIFail(r, WSKA_E_UNKNOWN_TAG, 0, "present: bits for unknown tags",
                -1, "", 0, 0);
  }
  for (uint32_t tag = 1; tag < WSKA_TAG_LIMIT; ++tag) {
    if (WskaHas(m, tag) && WskaITags[tag].kind == kKindBlob &&
        FieldSize(m, tag) > WskaITags[tag].limit) {
      return WskaIFail(r, WSKA_E_BAD_FIELD_SIZE, 0, "field", (int)tag,
                  ": size over the limit, ", FieldSize(m, tag), 1);
    }
  }
  if (m->version != 0 && m->type != WSKA_MSG_HELLO &&
      m->type != WSKA_MSG_ERROR &&
      (m->version < WSKA_PROTOCOL_VERSION_MIN ||
       m->version > WSKA_PROTOCOL_VERSION)) {
    return WskaIFail(r, WSKA_E_BAD_VERSION, 4, "header: protocol version", -1,
                " unsupported: ", m->version, 1);
  }
  code = WskaICheckRules(m, r);
  if (code != WSKA_E_OK) return code;
  total = WskaEncodedSize(m);
  if (total - WSKA_HEADER_SIZE > WSKA_MAX_PAYLOAD) {
    return WskaIFail(r, WSKA_E_TOO_LARGE, 0, "message: payload", -1, " bytes ",
                total - WSKA_HEADER_SIZE, 1);
  }
  if (total > capacity) {
    return WskaIFail(r, WSKA_E_NO_SPACE, 0, "encoder: needs", -1, " bytes, has ",
                capacity, 1);
  }
  WskaIStore(out, WSKA_MAGIC, 4);
  WskaIStore(out + 4, m->version != 0 ? m->version : WSKA_PROTOCOL_VERSION, 2);
  WskaIStore(out + 6, m->type, 2);
  WskaIStore(out + 8, total - WSKA_HEADER_SIZE, 4);
  WskaIStore(out + 12, m->request_id, 4);
  for (uint32_t tag = 1; tag < WSKA_TAG_LIMIT; ++tag) {
    if (!WskaHas(m, tag)) continue;
    EncodeField(m, tag, out + at);
    at += WSKA_FIELD_HEADER_SIZE + FieldSize(m, tag);
  }
  *written = total;
  return WskaIOk(r);
}
