// Runs every case of the driver idiom files, once as compiled from C11 and
// once from C++20; a failure names the line of the check that failed.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "driver_idioms.h"

namespace {

struct IdiomParam {
  std::string language;
  WskconfIdiomCase idiom;
};

std::vector<IdiomParam> AllIdioms() {
  std::vector<IdiomParam> all;
  size_t count = 0;
  const WskconfIdiomCase* c = WskconfDriverIdiomsC(&count);
  for (size_t i = 0; i < count; ++i) all.push_back({"C", c[i]});
  const WskconfIdiomCase* cpp = WskconfDriverIdiomsCpp(&count);
  for (size_t i = 0; i < count; ++i) all.push_back({"Cpp", cpp[i]});
  return all;
}

class DriverIdiomsTest : public testing::TestWithParam<IdiomParam> {};

TEST_P(DriverIdiomsTest, BehavesAsDocumented) {
  int failed_line = GetParam().idiom.Run();
  EXPECT_EQ(failed_line, 0) << "check failed at driver_idioms_body.h:"
                            << failed_line;
}

INSTANTIATE_TEST_SUITE_P(
    Idioms, DriverIdiomsTest, testing::ValuesIn(AllIdioms()),
    [](const testing::TestParamInfo<IdiomParam>& info) {
      return info.param.language + info.param.idiom.Name;
    });

}  // namespace
