// Name table behind WskconfNtStatusName: one row per define of ntstatus.h,
// built from the macros themselves so a value can never drift from its name.
#include <wskconf/ntstatus_names.h>

#include <cinttypes>
#include <cstdio>

namespace wskconf::kernel::internal {
namespace {

struct StatusName {
  NTSTATUS value;
  const char* name;
};

#define WSKCONF_STATUS_NAME(status) \
  StatusName { status, #status }

// The rows are generated at build time from the NTSTATUS headers
// (cmake/ntstatus_rows.cmake), in their order: STATUS_WAIT_0 shares 0 with
// STATUS_SUCCESS, which comes first and wins.
// tests/kernel/ntstatus_names_test.cc proves every define is reachable here.
constexpr StatusName kStatusNames[] = {
#include "ntstatus_name_rows.inc"
};

#undef WSKCONF_STATUS_NAME

}  // namespace
}  // namespace wskconf::kernel::internal

extern "C" NTKERNELAPI const char* WskconfNtStatusName(NTSTATUS Status) {
  for (const auto& entry : wskconf::kernel::internal::kStatusNames) {
    if (entry.value == Status) return entry.name;
  }
  return nullptr;
}

extern "C" NTKERNELAPI SIZE_T WskconfFormatNtStatus(NTSTATUS Status,
                                                    char* Buffer,
                                                    SIZE_T BufferSize) {
  if (Buffer == nullptr) BufferSize = 0;
  const char* name = WskconfNtStatusName(Status);
  const auto bits = static_cast<uint32_t>(Status);
  int length = name != nullptr
                   ? std::snprintf(Buffer, BufferSize, "%s (0x%08" PRIX32 ")",
                                   name, bits)
                   : std::snprintf(Buffer, BufferSize, "0x%08" PRIX32, bits);
  return length < 0 ? 0 : static_cast<SIZE_T>(length);
}
