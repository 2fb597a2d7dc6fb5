// Helpers of the spec tests; see test_support.h.
#include "test_support.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>

namespace wskconf::conformance::testing {

std::filesystem::path Fixture(std::string_view relative) {
  return std::filesystem::path(WSKCONF_TEST_FIXTURES) / relative;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string> ReadLines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

ScratchDir::ScratchDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "wskconf-spec-XXXXXX").string();
  if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ec;
  // Restore permissions a test may have removed, so removal succeeds.
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(path_, ec)) {
    std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
  }
  std::filesystem::remove_all(path_, ec);
}

std::string SpecDocument(std::string_view body) {
  std::string doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<spec xmlns=\"urn:wskconf:spec:1\" part=\"test\">\n";
  doc += body;
  doc += "\n</spec>\n";
  return doc;
}

}  // namespace wskconf::conformance::testing
