// Tests kernel/src/ntstatus_names.cc: every status of ntstatus.h has its
// name, every status the docs name is defined, and the formatter's output.
#include <gtest/gtest.h>
#include <wskconf/ntstatus_names.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "kernel_test_util.h"

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool IsNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Every identifier STATUS_... in `text` that does not continue a longer word
// (IO_STATUS_BLOCK is not a status). Hand-rolled: libstdc++'s <regex> trips
// -Wmaybe-uninitialized in the sanitizer build.
std::vector<std::pair<std::string, size_t>> StatusNames(
    const std::string& text) {
  std::vector<std::pair<std::string, size_t>> names;
  for (size_t at = text.find("STATUS_"); at != std::string::npos;
       at = text.find("STATUS_", at + 1)) {
    if (at > 0 && IsNameChar(text[at - 1])) continue;
    size_t end = at;
    while (end < text.size() && IsNameChar(text[end])) ++end;
    if (end == at + 7) continue;  // "STATUS_*XXX*": a placeholder
    names.emplace_back(text.substr(at, end - at), end);
  }
  return names;
}

// ntstatus.h and the part headers it includes (<wskconf/ntstatus_*.h>).
std::string ReadNtstatusHeaders() {
  const std::filesystem::path top(WSKCONF_NTSTATUS_H_PATH);
  std::string text = ReadFile(top);
  const std::string include = "#include <wskconf/ntstatus_";
  std::string parts;
  for (size_t at = text.find(include); at != std::string::npos;
       at = text.find(include, at + 1)) {
    size_t close = text.find('>', at);
    parts += ReadFile(top.parent_path() /
                      text.substr(at + 10, close - (at + 10)));
  }
  return text + parts;
}

// name -> value of every `#define STATUS_X ((NTSTATUS)0x...L)` in ntstatus.h.
std::map<std::string, uint32_t> ParseNtstatusHeader() {
  std::map<std::string, uint32_t> defines;
  const std::string text = ReadNtstatusHeaders();
  const std::string cast = " ((NTSTATUS)0x";
  for (const auto& [name, end] : StatusNames(text)) {
    const size_t line = text.rfind('\n', end);
    const size_t define = line == std::string::npos ? 0 : line + 1;
    if (text.compare(define, 8, "#define ") != 0) continue;
    if (text.compare(end, cast.size(), cast) != 0) continue;
    defines[name] = static_cast<uint32_t>(
        std::stoul(text.substr(end + cast.size(), 8), nullptr, 16));
  }
  return defines;
}

TEST(NtStatusNamesTest, KnownStatusHasItsName) {
  EXPECT_STREQ(WskconfNtStatusName(STATUS_INVALID_PARAMETER),
               "STATUS_INVALID_PARAMETER");
  EXPECT_STREQ(WskconfNtStatusName(STATUS_PENDING), "STATUS_PENDING");
  EXPECT_STREQ(WskconfNtStatusName(STATUS_FILE_FORCED_CLOSED),
               "STATUS_FILE_FORCED_CLOSED");
}

TEST(NtStatusNamesTest, ZeroIsSuccessNotWait0) {
  EXPECT_STREQ(WskconfNtStatusName(0), "STATUS_SUCCESS");
}

TEST(NtStatusNamesTest, UnknownStatusHasNoName) {
  EXPECT_EQ(WskconfNtStatusName(static_cast<NTSTATUS>(0xC0DE0001)), nullptr);
  EXPECT_EQ(WskconfNtStatusName(5), nullptr);  // between WAIT_3 and WAIT_63
}

TEST(NtStatusNamesTest, EveryDefineOfNtstatusHIsNamed) {
  const auto defines = ParseNtstatusHeader();
  ASSERT_GT(defines.size(), 1600u)  // the STATUS_ names of [MS-ERREF]
      << "could not parse " << WSKCONF_NTSTATUS_H_PATH;
  // Aliases: a second name for a value whose first name wins.
  const std::set<std::string> aliases = {"STATUS_WAIT_0",
                                         "STATUS_ABANDONED_WAIT_0",
                                         "STATUS_FWP_TOO_MANY_CALLOUTS"};
  for (const auto& [name, value] : defines) {
    const char* found = WskconfNtStatusName(static_cast<NTSTATUS>(value));
    ASSERT_NE(found, nullptr) << name << " has no entry in the name table";
    if (aliases.count(name) == 0) {
      EXPECT_EQ(name, found) << "value 0x" << std::hex << value;
    } else {
      EXPECT_EQ(defines.at(found), value) << name << " answers with " << found;
    }
  }
}

TEST(NtStatusNamesTest, EveryStatusTheDocsNameIsDefined) {
  const std::filesystem::path docs(WSKCONF_DOCS_DIR);
  if (!std::filesystem::is_directory(docs)) {
    GTEST_SKIP() << "documentation not found at " << docs;
  }
  const auto defines = ParseNtstatusHeader();
  size_t pages = 0;
  for (const auto& dir : {"ddi", "guide", "wdm"}) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(docs / dir)) {
      if (entry.path().extension() != ".md") continue;
      ++pages;
      // Markdown escapes underscores (STATUS\_INTEGER\_OVERFLOW): unescape
      // them, or the statuses pages write that way go unchecked.
      std::string text = ReadFile(entry.path());
      for (size_t at = text.find("\\_"); at != std::string::npos;
           at = text.find("\\_", at)) {
        text.erase(at, 1);
      }
      for (const auto& [name, end] : StatusNames(text)) {
        EXPECT_EQ(defines.count(name), 1u)
            << name << " (named in " << entry.path() << ") is missing";
      }
    }
  }
  EXPECT_GT(pages, 100u);
}

TEST(NtStatusNamesTest, FormatsNameAndHex) {
  char text[64];
  const SIZE_T length =
      WskconfFormatNtStatus(STATUS_INVALID_PARAMETER, text, sizeof(text));
  EXPECT_STREQ(text, "STATUS_INVALID_PARAMETER (0xC000000D)");
  EXPECT_EQ(length, std::string(text).size());
}

TEST(NtStatusNamesTest, FormatsUnknownStatusAsHex) {
  char text[64];
  WskconfFormatNtStatus(static_cast<NTSTATUS>(0xC0DE0001), text, sizeof(text));
  EXPECT_STREQ(text, "0xC0DE0001");
}

TEST(NtStatusNamesTest, FormatTruncatesAndReportsTheFullLength) {
  char text[8];
  const SIZE_T length =
      WskconfFormatNtStatus(STATUS_PENDING, text, sizeof(text));
  EXPECT_STREQ(text, "STATUS_");
  EXPECT_EQ(length, std::string("STATUS_PENDING (0x00000103)").size());
}

TEST(NtStatusNamesTest, FormatMeasuresWithoutABuffer) {
  EXPECT_EQ(WskconfFormatNtStatus(STATUS_SUCCESS, nullptr, 0),
            std::string("STATUS_SUCCESS (0x00000000)").size());
  EXPECT_EQ(WskconfFormatNtStatus(STATUS_SUCCESS, nullptr, 100),
            std::string("STATUS_SUCCESS (0x00000000)").size());
}

TEST(NtStatusNamesTest, TestFailuresPrintStatusesByName) {
  EXPECT_EQ(wskconf::testing::NtStatusToString(STATUS_CANCELLED),
            "STATUS_CANCELLED (0xC0000120)");
  EXPECT_EQ(
      ::testing::PrintToString(wskconf::testing::NtStatus{STATUS_PENDING}),
      "STATUS_PENDING (0x00000103)");
}

}  // namespace
