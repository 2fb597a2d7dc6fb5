/* Private to agent/protocol: what the codec's files share (the tag table,
 * the rules of each message type and function, located error texts and
 * little-endian access). Not part of the API: wskconf_agent_protocol.h is.
 * The files: wskconf_agent_protocol.c (encoder, decoder, field access),
 * wskconf_agent_protocol_tables.c (tags, rules, names) and
 * wskconf_agent_protocol_checks.c (the rules both directions apply, chunk
 * reassembly). Like them, no C runtime. */
#ifndef WSKCONF_AGENT_PROTOCOL_INTERNAL_H_
#define WSKCONF_AGENT_PROTOCOL_INTERNAL_H_

#include "wskconf_agent_protocol.h"

enum { kKindU32 = 1, kKindI32, kKindU64, kKindBlob };

typedef struct TagInfo {
  const char *name;
  uint8_t kind;
  uint32_t limit; /* blobs: largest size */
  size_t offset;  /* of the member in WSKA_MESSAGE */
} TagInfo;

/* Kind, limit and WSKA_MESSAGE member of every tag (name NULL: no tag). */
extern const TagInfo WskaITags[WSKA_TAG_LIMIT];

typedef struct Rule {
  uint64_t required;
  uint64_t optional;
} Rule;

/* The first protocol version that has message type `type`. */
uint32_t WskaITypeSince(uint32_t type);
/* The fields a message of `type` (a CALL: of `function`) must and may
 * carry. */
Rule WskaIRuleOf(uint32_t type, uint32_t function);

/* Fills *r: code, offset and "<what> <tag name> (tag N)<detail> <n>" (no
 * tag when tag < 0, no number unless with_number); returns code. */
uint32_t WskaIFail(WSKA_RESULT *r, uint32_t code, size_t offset,
                   const char *what, int tag, const char *detail,
                   uint64_t number, int with_number);
uint32_t WskaIOk(WSKA_RESULT *r);

/* Every rule of the message's type, function and version, its values
 * included: what both the encoder and the decoder check. */
uint32_t WskaICheckRules(const WSKA_MESSAGE *m, WSKA_RESULT *r);

/* Little-endian access. */
uint32_t WskaILoad(const uint8_t *p, int bytes);
uint64_t WskaILoad64(const uint8_t *p);
void WskaIStore(uint8_t *p, uint64_t v, int bytes);

#endif /* WSKCONF_AGENT_PROTOCOL_INTERNAL_H_ */
