// WSK_BUF over MDL chains: checks and the walk that maps each MDL.
#include "internal/wsk_buf.h"

namespace wskconf::reference::internal {

NTSTATUS CheckWskBuf(const WSK_BUF* buffer, const char* routine) {
  if (buffer == nullptr) return STATUS_INVALID_PARAMETER;
  if (buffer->Length == 0) return STATUS_SUCCESS;  // WSK_BUF.OffsetIgnoredWhenMdlNull
  if (buffer->Mdl == nullptr) return STATUS_INVALID_PARAMETER;
  if (!WskconfMdlChainIsUsable(buffer->Mdl, routine)) return STATUS_INVALID_PARAMETER;
  if (buffer->Offset >= MmGetMdlByteCount(buffer->Mdl)) return STATUS_INVALID_PARAMETER;
  SIZE_T available = MmGetMdlByteCount(buffer->Mdl) - buffer->Offset;
  for (PMDL mdl = buffer->Mdl->Next; mdl != nullptr && available < buffer->Length;
       mdl = mdl->Next) {
    available += MmGetMdlByteCount(mdl);
  }
  return available >= buffer->Length ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
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
