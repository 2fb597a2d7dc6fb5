/* Must not compile: the host's socket headers first and then <wsk.h> without
 * WSKCONF_WS_PREFIX. The CTest test host_coexistence_guard_test passes when
 * the compiler stops at ws2def.h's #error, which names the fix. */
#include <sys/socket.h>

#include <wsk.h>
