// The completion policy (inline | pend | random:SEED), chosen by
// WskconfReferenceSetPolicy or the WSKCONF_POLICY environment variable.
#include <wskconf/reference.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "internal/completion.h"

namespace wskconf::reference::internal {
namespace {

std::atomic<int> g_policy{WskconfPolicyInline};
std::atomic<ULONG> g_seed{0};
std::atomic<uint64_t> g_draws{0};

// splitmix64: a well-mixed 64-bit sequence from (seed, draw number), so the
// random policy is reproducible from its seed without a shared generator lock.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

bool ParsePolicy(const char* text, WSKCONF_COMPLETION_POLICY* policy,
                 ULONG* seed) {
  *seed = 0;
  if (text == nullptr || *text == '\0' || std::strcmp(text, "inline") == 0) {
    *policy = WskconfPolicyInline;
    return true;
  }
  if (std::strcmp(text, "pend") == 0) {
    *policy = WskconfPolicyPend;
    return true;
  }
  static constexpr char kRandom[] = "random:";
  if (std::strncmp(text, kRandom, sizeof(kRandom) - 1) != 0) return false;
  const char* digits = text + sizeof(kRandom) - 1;
  if (*digits < '0' || *digits > '9') return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(digits, &end, 10);
  if (errno != 0 || *end != '\0' || value > 0xffffffffull) return false;
  *policy = WskconfPolicyRandom;
  *seed = static_cast<ULONG>(value);
  return true;
}

// Exit status of a process whose WSKCONF_POLICY the provider refuses.
constexpr int kBadPolicyExitCode = 2;

// Applies WSKCONF_POLICY when the provider is loaded. An unknown value ends
// the process: running every case under a policy other than the one asked
// for would report results for the wrong configuration.
struct PolicyFromEnvironment {
  PolicyFromEnvironment() {
    const char* text = std::getenv("WSKCONF_POLICY");
    if (WskconfReferenceSetPolicyFromString(text) != STATUS_SUCCESS) {
      std::fprintf(stderr,
                   "wskconf reference: environment variable WSKCONF_POLICY='%s' "
                   "is not an accepted value (inline, pend or random:SEED with "
                   "SEED a decimal number up to 4294967295); refusing to run\n",
                   text);
      std::_Exit(kBadPolicyExitCode);
    }
  }
} g_policy_from_environment;

}  // namespace

bool CompleteInlineNow() {
  switch (g_policy.load(std::memory_order_relaxed)) {
    case WskconfPolicyInline: return true;
    case WskconfPolicyPend: return false;
    default: {
      uint64_t draw = g_draws.fetch_add(1, std::memory_order_relaxed);
      uint64_t seed = g_seed.load(std::memory_order_relaxed);
      return (Mix((seed << 32) ^ draw) & 1) != 0;
    }
  }
}

}  // namespace wskconf::reference::internal

namespace internal = wskconf::reference::internal;

EXTERN_C_START

NTSTATUS WskconfReferenceSetPolicy(WSKCONF_COMPLETION_POLICY Policy, ULONG Seed) {
  if (Policy != WskconfPolicyInline && Policy != WskconfPolicyPend &&
      Policy != WskconfPolicyRandom) {
    return STATUS_INVALID_PARAMETER;
  }
  internal::g_seed.store(Seed);
  internal::g_draws.store(0);
  internal::g_policy.store(Policy);
  return STATUS_SUCCESS;
}

NTSTATUS WskconfReferenceSetPolicyFromString(const char* Text) {
  WSKCONF_COMPLETION_POLICY policy;
  ULONG seed;
  if (!internal::ParsePolicy(Text, &policy, &seed)) return STATUS_INVALID_PARAMETER;
  return WskconfReferenceSetPolicy(policy, seed);
}

WSKCONF_COMPLETION_POLICY WskconfReferenceGetPolicy(PULONG Seed) {
  if (Seed != nullptr) *Seed = internal::g_seed.load();
  return static_cast<WSKCONF_COMPLETION_POLICY>(internal::g_policy.load());
}

EXTERN_C_END
