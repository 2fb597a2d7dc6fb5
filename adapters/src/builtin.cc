// The built-in adapter names of `wskconf run --adapter` (loader.h).
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "wskconf/adapters/loader.h"

namespace wskconf::adapters {
namespace {

constexpr std::string_view kMutantPrefix = "mutant-";
constexpr std::string_view kMutantFilePrefix = "libwskconf_mutant_";
constexpr std::string_view kSoSuffix = ".so";

bool LooksLikePath(const std::string& name) {
  return name.find('/') != std::string::npos ||
         (name.size() > kSoSuffix.size() &&
          name.compare(name.size() - kSoSuffix.size(), kSoSuffix.size(), kSoSuffix) == 0);
}

LoadError NotFound(const std::string& what) { return {LoadErrorKind::kNotFound, what}; }

}  // namespace

std::vector<std::string> ListMutants(const std::string& mutant_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  if (mutant_dir.empty() || !std::filesystem::is_directory(mutant_dir, ec)) return names;
  for (const auto& entry : std::filesystem::directory_iterator(mutant_dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind(kMutantFilePrefix, 0) != 0 || file.size() <= kMutantFilePrefix.size() + 3 ||
        file.compare(file.size() - 3, 3, kSoSuffix) != 0) {
      continue;
    }
    names.push_back(file.substr(kMutantFilePrefix.size(),
                                file.size() - kMutantFilePrefix.size() - 3));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> ResolveAdapterName(const std::string& name,
                                       const BuiltinPaths& paths) {
  std::error_code ec;
  if (name == "reference") {
    if (paths.reference_so.empty() ||
        !std::filesystem::is_regular_file(paths.reference_so, ec)) {
      return {{}, NotFound(fmt::format(
                      "--adapter reference: the reference provider '{}' is not built "
                      "in this tree (build target wskconf_reference_shared)",
                      paths.reference_so))};
    }
    return {paths.reference_so, std::nullopt};
  }
  if (name.rfind(kMutantPrefix, 0) == 0 && !LooksLikePath(name)) {
    const std::string mutant = name.substr(kMutantPrefix.size());
    const std::string file = fmt::format("{}/{}{}{}", paths.mutant_dir, kMutantFilePrefix,
                                         mutant, kSoSuffix);
    if (std::filesystem::is_regular_file(file, ec)) return {file, std::nullopt};
    const std::vector<std::string> known = ListMutants(paths.mutant_dir);
    return {{}, NotFound(fmt::format(
                    "--adapter {}: no such mutant in '{}' ({} mutants are built there; "
                    "see adapters/mutants/mutants.txt)",
                    name, paths.mutant_dir, known.size()))};
  }
  if (!LooksLikePath(name)) {
    return {{}, NotFound(fmt::format(
                    "--adapter '{}': not a built-in adapter (reference, mutant-<name>) "
                    "nor a path to a provider .so",
                    name))};
  }
  if (!std::filesystem::exists(name, ec)) {
    return {{}, NotFound(fmt::format("{}: no such provider file", name))};
  }
  return {std::filesystem::absolute(name, ec).string(), std::nullopt};
}

}  // namespace wskconf::adapters
