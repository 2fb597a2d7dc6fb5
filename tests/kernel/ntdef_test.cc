// Tests kernel/include/ntdef.h: Windows (LLP64) widths and the layout helpers.
#include <ntdef.h>

#include <gtest/gtest.h>

namespace {

TEST(NtdefTest, IntegerTypesHaveWindowsWidths) {
  EXPECT_EQ(sizeof(ULONG), 4u);
  EXPECT_EQ(sizeof(LONG), 4u);
  EXPECT_EQ(sizeof(USHORT), 2u);
  EXPECT_EQ(sizeof(UCHAR), 1u);
  EXPECT_EQ(sizeof(BOOLEAN), 1u);
  EXPECT_EQ(sizeof(ULONGLONG), 8u);
  EXPECT_EQ(sizeof(ULONG_PTR), sizeof(void*));
  EXPECT_EQ(sizeof(NTSTATUS), 4u);
  EXPECT_EQ(sizeof(GUID), 16u);
  EXPECT_EQ(sizeof(LARGE_INTEGER), 8u);
}

TEST(NtdefTest, NtSuccessFollowsSeverityBits) {
  EXPECT_TRUE(NT_SUCCESS(0));
  EXPECT_TRUE(NT_SUCCESS(0x00000103));  // STATUS_PENDING
  EXPECT_TRUE(NT_SUCCESS(0x40000013));  // informational
  EXPECT_FALSE(NT_SUCCESS(static_cast<NTSTATUS>(0x80000005)));
  EXPECT_FALSE(NT_SUCCESS(static_cast<NTSTATUS>(0xC000000D)));
  EXPECT_TRUE(NT_ERROR(static_cast<NTSTATUS>(0xC000000D)));
  EXPECT_TRUE(NT_WARNING(static_cast<NTSTATUS>(0x80000005)));
  EXPECT_TRUE(NT_INFORMATION(0x40000013));
}

struct Outer {
  ULONG a;
  LIST_ENTRY link;
};

TEST(NtdefTest, ContainingRecordRecoversTheOuterStructure) {
  Outer outer{};
  PLIST_ENTRY link = &outer.link;
  EXPECT_EQ(CONTAINING_RECORD(link, Outer, link), &outer);
  EXPECT_EQ(FIELD_OFFSET(Outer, link), 8);
}

}  // namespace
