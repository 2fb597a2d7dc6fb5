/* IN6_ADDR: an IPv6 address as 16 bytes or 8 network-order words, with the
 * Windows accessor macros (s6_addr, s6_bytes, s6_words). With
 * WSKCONF_WS_PREFIX the tag is WS_in6_addr and the accessors are omitted, so
 * the host's <netinet/in.h> (whose s6_addr is a macro too) can be included. */
#ifndef WSKCONF_IN6ADDR_H_
#define WSKCONF_IN6ADDR_H_

#include "inaddr.h"

typedef struct WSKCONF_WS(in6_addr) {
  union {
    UCHAR Byte[16];
    USHORT Word[8];
  } u;
} IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;

#ifndef WSKCONF_WS_PREFIX
#define in_addr6 in6_addr
#define _S6_un u
#define _S6_u8 Byte
#define s6_addr _S6_un._S6_u8
#define s6_bytes u.Byte
#define s6_words u.Word
#endif

#endif /* WSKCONF_IN6ADDR_H_ */
