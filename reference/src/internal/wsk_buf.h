// A WSK_BUF (Length bytes from Offset into an MDL chain) as host iovecs.
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_WSK_BUF_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_WSK_BUF_H_

#include <wsk.h>
#include <sys/uio.h>

namespace wskconf::reference::internal {

constexpr int kMaxIovecs = 64;

// Checks a client's WSK_BUF before the provider keeps it: non-NULL, an MDL
// chain when Length > 0 (WSK_BUF.NullMdlOnlyWithZeroLength), every MDL
// alive, Offset inside the first MDL and Length within the chain.
// STATUS_SUCCESS or STATUS_INVALID_PARAMETER. `routine` names the caller in
// the verifier's report of a freed MDL.
NTSTATUS CheckWskBuf(const WSK_BUF* buffer, const char* routine);

// Fills `iov` (up to kMaxIovecs entries) with the bytes of `buffer` that
// follow its first `skip` bytes; returns how many entries were filled (0
// when nothing is left). *mapped is false when an MDL could not be mapped
// (MmGetSystemAddressForMdlSafe returned NULL).
int BuildIovecs(const WSK_BUF& buffer, SIZE_T skip, iovec* iov, bool* mapped);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_WSK_BUF_H_
