// WinePrefix without Wine (label agent): /bin/true stands in for wine64 and
// wineserver, so what is tested is the prefix's exclusive lock — a second
// holder waits, then gives up with a clear error — not Wine itself.
#include "wskconf/agent/wine.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

namespace wskconf::agent {
namespace {

constexpr std::chrono::milliseconds kShortLockWait{300};

class WinePrefixLock : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("wskconf-prefix-test-" + std::to_string(getpid())))
               .string();
  }
  void TearDown() override {
    std::filesystem::remove(dir_ + ".lock");
    std::filesystem::remove_all(dir_);
  }
  WineTools Fake() const { return WineTools{"/bin/true", "/bin/true"}; }
  std::string dir_;
};

TEST_F(WinePrefixLock, OpensAFreePrefixAndSetsItsEnvironment) {
  auto prefix = WinePrefix::Open(Fake(), dir_, kShortLockWait);
  ASSERT_TRUE(prefix.ok()) << prefix.status().message();
  auto env = (*prefix)->Environment();
  EXPECT_NE(std::find(env.begin(), env.end(), "WINEPREFIX=" + dir_),
            env.end());
}

TEST_F(WinePrefixLock, ASecondHolderGivesUpWithAReason) {
  auto first = WinePrefix::Open(Fake(), dir_, kShortLockWait);
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto second = WinePrefix::Open(Fake(), dir_, kShortLockWait);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("holds the Wine prefix"),
            std::string::npos)
      << second.status().message();
  first->reset();  // released: the next one gets it
  auto third = WinePrefix::Open(Fake(), dir_, kShortLockWait);
  EXPECT_TRUE(third.ok()) << third.status().message();
}

TEST_F(WinePrefixLock, MissingWineIsReportedWithThePackage) {
  setenv("WSKCONF_WINE64", "/nonexistent/wine64", 1);
  auto tools = FindWine();
  unsetenv("WSKCONF_WINE64");
  ASSERT_FALSE(tools.ok());
  EXPECT_NE(tools.status().message().find("wine64"), std::string::npos);
}

}  // namespace
}  // namespace wskconf::agent
