// What a conformance case is still waiting on from the implementation: the
// IRPs it handed over that have not completed. The IRP harness registers each
// TrackedIrp here; the watchdog of wskconf_case_main reads the list when a
// case runs out of time, so the case FAILs naming the IRP the implementation
// never completed instead of being killed as a hang (spec/irp.xml,
// Irp.CompletionContract.CompletedExactlyOnce).
//
// Header-only on purpose: the registry lives in function-local statics of
// inline functions, one copy per executable, so wskconf_case_main needs no
// link dependency on the harness.
#ifndef WSKCONF_OUTSTANDING_H_
#define WSKCONF_OUTSTANDING_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace wskconf::conformance::outstanding {

// One piece of outstanding work as the watchdog reports it.
struct Item {
  std::string what;                                // "the IRP of WskReceive"
  std::chrono::steady_clock::duration waited{};    // since it was handed over
};

namespace internal {

struct Entry {
  std::string what;
  std::chrono::steady_clock::time_point since;
  std::function<bool()> done;  // true once the work finished
};

struct Registry {
  std::mutex mu;
  std::map<std::uint64_t, Entry> entries;
  std::uint64_t next = 1;
};

inline Registry& Get() {
  static Registry* registry = new Registry();  // never destroyed: exit-safe
  return *registry;
}

}  // namespace internal

// Registers work that `done` reports finished; returns its id for Remove.
// `done` is called under the registry's lock, from the watchdog's thread.
inline std::uint64_t Add(std::string what, std::function<bool()> done) {
  internal::Registry& registry = internal::Get();
  std::lock_guard lock(registry.mu);
  const std::uint64_t id = registry.next++;
  registry.entries[id] = {std::move(what), std::chrono::steady_clock::now(),
                          std::move(done)};
  return id;
}

// Restarts the clock of `id` (the IRP was handed over again), renaming it.
inline void Restart(std::uint64_t id, std::string what) {
  internal::Registry& registry = internal::Get();
  std::lock_guard lock(registry.mu);
  auto it = registry.entries.find(id);
  if (it == registry.entries.end()) return;
  it->second.what = std::move(what);
  it->second.since = std::chrono::steady_clock::now();
}

// Renames `id`, keeping its clock.
inline void Rename(std::uint64_t id, std::string what) {
  internal::Registry& registry = internal::Get();
  std::lock_guard lock(registry.mu);
  auto it = registry.entries.find(id);
  if (it != registry.entries.end()) it->second.what = std::move(what);
}

// Forgets `id`; after it returns, its `done` is never called again.
inline void Remove(std::uint64_t id) {
  internal::Registry& registry = internal::Get();
  std::lock_guard lock(registry.mu);
  registry.entries.erase(id);
}

// The registered work that has not finished, the longest waited first.
inline std::vector<Item> Unfinished() {
  internal::Registry& registry = internal::Get();
  std::lock_guard lock(registry.mu);
  const auto now = std::chrono::steady_clock::now();
  std::vector<Item> items;
  for (const auto& [id, entry] : registry.entries) {
    if (entry.done && entry.done()) continue;
    items.push_back({entry.what, now - entry.since});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.waited > b.waited; });
  return items;
}

}  // namespace wskconf::conformance::outstanding

#endif  // WSKCONF_OUTSTANDING_H_
