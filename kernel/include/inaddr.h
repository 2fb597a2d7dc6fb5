/* IN_ADDR: an IPv4 address in network byte order, with the Windows union
 * views (bytes, words, one ULONG) and the s_addr-style accessor macros.
 * Define WSKCONF_WS_PREFIX before including to share a TU with the host's
 * <netinet/in.h>: the tag becomes WS_in_addr and the accessors are omitted. */
#ifndef WSKCONF_INADDR_H_
#define WSKCONF_INADDR_H_

#include <ntdef.h>

/* WSKCONF_WS(name): a struct tag or enumerator name that may collide with
 * the host's socket headers; WS_name in prefix mode, name otherwise. */
#ifndef WSKCONF_WS
#ifdef WSKCONF_WS_PREFIX
#define WSKCONF_WS(name) WS_##name
#else
#define WSKCONF_WS(name) name
#endif
#endif

typedef struct WSKCONF_WS(in_addr) {
  union {
    struct {
      UCHAR s_b1, s_b2, s_b3, s_b4;
    } S_un_b;
    struct {
      USHORT s_w1, s_w2;
    } S_un_w;
    ULONG S_addr;
  } S_un;
} IN_ADDR, *PIN_ADDR, *LPIN_ADDR;

#ifndef WSKCONF_WS_PREFIX
#define s_addr S_un.S_addr
#define s_host S_un.S_un_b.s_b2
#define s_net S_un.S_un_b.s_b1
#define s_imp S_un.S_un_w.s_w2
#define s_impno S_un.S_un_b.s_b4
#define s_lh S_un.S_un_b.s_b3
#endif

#endif /* WSKCONF_INADDR_H_ */
