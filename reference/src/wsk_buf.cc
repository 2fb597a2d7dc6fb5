// WSK_BUF over MDL chains: checks and the walk that maps each MDL.
#include "internal/wsk_buf.h"

#include <wskconf/provider_checks.h>

namespace wskconf::reference::internal {

NTSTATUS CheckWskBuf(const WSK_BUF* buffer, const char* routine) {
  // The WSK_BUF.* rules, reported under ClientCall.WskBufInvalid.
  return WskconfCheckWskBuf(buffer, routine, nullptr);
}

int BuildIovecs(const WSK_BUF& buffer, SIZE_T skip, iovec* iov, bool* mapped) {
  *mapped = true;
  SIZE_T left = buffer.Length > skip ? buffer.Length - skip : 0;
  SIZE_T offset = buffer.Offset + skip;  // from the start of the first MDL
  int count = 0;
  for (PMDL mdl = buffer.Mdl; mdl != nullptr && left > 0 && count < kMaxIovecs;
       mdl = mdl->Next) {
    SIZE_T size = MmGetMdlByteCount(mdl);
    if (offset >= size) {
      offset -= size;
      continue;
    }
    auto* base = static_cast<char*>(MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority));
    if (base == nullptr) {
      *mapped = false;
      return 0;
    }
    SIZE_T take = size - offset < left ? size - offset : left;
    iov[count].iov_base = base + offset;
    iov[count].iov_len = take;
    ++count;
    left -= take;
    offset = 0;
  }
  return count;
}

}  // namespace wskconf::reference::internal
