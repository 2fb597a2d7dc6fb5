/* Shared by the C11 and C++20 layout tests: the row type both languages fill
 * from the same X-macro lists (ws2def_layout_test.h, wsk_layout_test.h), so
 * one list of Windows x64 facts is checked by static asserts in each
 * language and compared row by row at run time. */
#ifndef WSKCONF_TESTS_KERNEL_LAYOUT_ROWS_H_
#define WSKCONF_TESTS_KERNEL_LAYOUT_ROWS_H_

#include <stddef.h>
#ifdef __cplusplus
#include <cctype>
#endif

#ifdef __cplusplus
#define WSKCONF_LAYOUT_ALIGNOF alignof
#define WSKCONF_LAYOUT_STATIC_ASSERT static_assert
extern "C" {
#else
#define WSKCONF_LAYOUT_ALIGNOF _Alignof
#define WSKCONF_LAYOUT_STATIC_ASSERT _Static_assert
#endif

/* One fact: `group` is the type (layouts) or the VALUES.md table (constants),
 * `what` the member, "sizeof"/"alignof", or the constant's name. */
typedef struct WskconfLayoutRow {
  const char *group;
  const char *what;
  unsigned long long actual;
  unsigned long long expected;
} WskconfLayoutRow;

/* Expanders for the lists: static asserts ... */
#define WSKCONF_ASSERT_SIZE(T, n) \
  WSKCONF_LAYOUT_STATIC_ASSERT(sizeof(T) == (n), "sizeof " #T);
#define WSKCONF_ASSERT_ALIGN(T, n)                                         \
  WSKCONF_LAYOUT_STATIC_ASSERT(WSKCONF_LAYOUT_ALIGNOF(T) == (n), "alignof" \
                                                                 " " #T);
#define WSKCONF_ASSERT_OFFSET(T, m, n) \
  WSKCONF_LAYOUT_STATIC_ASSERT(offsetof(T, m) == (n), "offsetof " #T " " #m);
#define WSKCONF_ASSERT_VALUE(group, name, v)                             \
  WSKCONF_LAYOUT_STATIC_ASSERT((unsigned long long)(ULONG)(name) == (v), \
                               #group " " #name);
/* ... and table rows. */
#define WSKCONF_ROW_SIZE(T, n) {#T, "sizeof", sizeof(T), (n)},
#define WSKCONF_ROW_ALIGN(T, n) {#T, "alignof", WSKCONF_LAYOUT_ALIGNOF(T), (n)},
#define WSKCONF_ROW_OFFSET(T, m, n) {#T, #m, offsetof(T, m), (n)},
#define WSKCONF_ROW_VALUE(group, name, v) \
  {#group, #name, (unsigned long long)(ULONG)(name), (v)},

/* The C11 translation units' tables (ws2def_layout_test.c,
 * wsk_layout_test.c). */
const WskconfLayoutRow *WskconfWs2defLayoutRowsC(size_t *count);
const WskconfLayoutRow *WskconfWs2defValueRowsC(size_t *count);
const WskconfLayoutRow *WskconfWskLayoutRowsC(size_t *count);
const WskconfLayoutRow *WskconfWskValueRowsC(size_t *count);

#ifdef __cplusplus
}

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace wskconf::testing {

// The distinct groups of a table, in first-seen order: one test per group.
inline std::vector<std::string> LayoutGroups(const WskconfLayoutRow *rows,
                                             size_t count) {
  std::vector<std::string> groups;
  std::set<std::string> seen;
  for (size_t i = 0; i < count; ++i) {
    if (seen.insert(rows[i].group).second) groups.push_back(rows[i].group);
  }
  return groups;
}

// Checks every row of `group` in the C table and the C++ table (the same
// list expanded in each language) against its expected value.
inline void ExpectLayoutGroup(const std::string &group,
                              const WskconfLayoutRow *c_rows, size_t c_count,
                              const WskconfLayoutRow *cxx_rows,
                              size_t cxx_count) {
  ASSERT_EQ(c_count, cxx_count) << "the C and C++ tables differ in length";
  size_t checked = 0;
  for (size_t i = 0; i < c_count; ++i) {
    if (group != c_rows[i].group) continue;
    ++checked;
    EXPECT_EQ(c_rows[i].actual, c_rows[i].expected)
        << "C11: " << group << " " << c_rows[i].what;
    EXPECT_EQ(cxx_rows[i].actual, cxx_rows[i].expected)
        << "C++20: " << group << " " << cxx_rows[i].what;
  }
  EXPECT_GT(checked, 0u) << "no rows for " << group;
}

// gtest names parameterised instances by their group.
struct LayoutGroupName {
  std::string operator()(
      const ::testing::TestParamInfo<std::string> &info) const {
    std::string name;
    for (char c : info.param) {
      if (std::isalnum(static_cast<unsigned char>(c))) name += c;
    }
    return name;
  }
};

}  // namespace wskconf::testing
#endif

#endif /* WSKCONF_TESTS_KERNEL_LAYOUT_ROWS_H_ */
