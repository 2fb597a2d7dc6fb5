// Shared helpers of the spec tests: fixture paths, a scratch folder that
// removes itself, and small file utilities.
#ifndef WSKCONF_TESTS_SPEC_TEST_SUPPORT_H_
#define WSKCONF_TESTS_SPEC_TEST_SUPPORT_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace wskconf::conformance::testing {

// tests/spec/fixtures/<relative>.
std::filesystem::path Fixture(std::string_view relative);

// The whole file, or empty if it cannot be read.
std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, std::string_view bytes);

// The non-empty lines of a file.
std::vector<std::string> ReadLines(const std::filesystem::path& path);

// A fresh folder under the system temp dir, removed (with its contents) by
// the destructor.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A minimal valid spec document holding `body` inside <spec>.
std::string SpecDocument(std::string_view body);

}  // namespace wskconf::conformance::testing

#endif  // WSKCONF_TESTS_SPEC_TEST_SUPPORT_H_
