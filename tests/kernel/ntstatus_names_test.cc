// Tests kernel/src/ntstatus_names.cc: every status of ntstatus.h has its
// name, every status the docs name is defined, and the formatter's output.
#include <wskconf/ntstatus_names.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "kernel_test_util.h"

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// name -> value of every `#define STATUS_X ((NTSTATUS)0x...L)` in ntstatus.h.
std::map<std::string, uint32_t> ParseNtstatusHeader() {
  std::map<std::string, uint32_t> defines;
  const std::string text = ReadFile(WSKCONF_NTSTATUS_H_PATH);
  const std::regex define(
      R"(#define\s+(STATUS_[A-Z0-9_]+)\s+\(\(NTSTATUS\)0x([0-9A-Fa-f]+)L?\))");
  for (std::sregex_iterator it(text.begin(), text.end(), define), end;
       it != end; ++it) {
    defines[(*it)[1]] = static_cast<uint32_t>(std::stoul((*it)[2], nullptr, 16));
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
  EXPECT_EQ(WskconfNtStatusName(1), nullptr);
}

TEST(NtStatusNamesTest, EveryDefineOfNtstatusHIsNamed) {
  const auto defines = ParseNtstatusHeader();
  ASSERT_GT(defines.size(), 60u) << "could not parse " << WSKCONF_NTSTATUS_H_PATH;
  // Aliases: a second name for a value whose first name wins.
  const std::set<std::string> aliases = {"STATUS_WAIT_0"};
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
  const std::regex status(R"(\bSTATUS_[A-Z0-9_]+)");
  size_t pages = 0;
  for (const auto& dir : {"ddi", "guide", "wdm"}) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(docs / dir)) {
      if (entry.path().extension() != ".md") continue;
      ++pages;
      const std::string text = ReadFile(entry.path());
      for (std::sregex_iterator it(text.begin(), text.end(), status), end;
           it != end; ++it) {
        EXPECT_EQ(defines.count(it->str()), 1u)
            << it->str() << " (named in " << entry.path() << ") is missing";
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
  const SIZE_T length = WskconfFormatNtStatus(STATUS_PENDING, text, sizeof(text));
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
  EXPECT_EQ(::testing::PrintToString(wskconf::testing::NtStatus{STATUS_PENDING}),
            "STATUS_PENDING (0x00000103)");
}

}  // namespace
