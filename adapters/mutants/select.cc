// The one file compiled per mutant: its name (which selects its fault in
// support.cc) and its description for the adapter loader.
#include <wskconf/adapter_abi.h>

extern const char kWskconfMutantName[] = WSKCONF_MUTANT_NAME;

WSKCONF_PROVIDER_API const WSKCONF_ADAPTER_INFO* WskconfAdapterInfo(void) {
  static const WSKCONF_ADAPTER_INFO kInfo = {
      WSKCONF_ADAPTER_ABI_VERSION, "mutant-" WSKCONF_MUTANT_NAME, "reference+fault",
      nullptr};
  return &kInfo;
}
