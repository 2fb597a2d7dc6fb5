// Tests of kernel/src/interlocked.cc and the inline helpers of
// ke_interlocked.h: Interlocked* arithmetic, SLIST_HEADER lists under
// concurrency, LIST_ENTRY and SINGLE_LIST_ENTRY helpers, C11 usage.
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <wskconf/ke.h>

#include "kernel_test_util.h"

extern "C" int WskconfKeCUsageFailures(void);

namespace wskconf::kernel {
namespace {

using SListTest = ::wskconf::testing::KernelTest;
using ListTest = ::wskconf::testing::KernelTest;
using InterlockedTest = ::wskconf::testing::KernelTest;

TEST_F(InterlockedTest, LongOperationsReturnDocumentedValues) {
  volatile LONG v = 5;
  EXPECT_EQ(6, InterlockedIncrement(&v));
  EXPECT_EQ(5, InterlockedDecrement(&v));
  EXPECT_EQ(5, InterlockedExchange(&v, 9));
  EXPECT_EQ(9, InterlockedExchangeAdd(&v, 3));
  EXPECT_EQ(14, InterlockedAdd(&v, 2));
  EXPECT_EQ(14, InterlockedCompareExchange(&v, 1, 99)) << "no swap";
  EXPECT_EQ(14, v);
  EXPECT_EQ(14, InterlockedCompareExchange(&v, 1, 14)) << "swap";
  EXPECT_EQ(1, v);
  EXPECT_EQ(1, InterlockedOr(&v, 6));
  EXPECT_EQ(7, InterlockedAnd(&v, 3));
  EXPECT_EQ(3, InterlockedXor(&v, 1));
  EXPECT_EQ(2, v);
}

TEST_F(InterlockedTest, SixtyFourBitAndPointerOperations) {
  volatile LONG64 v = 0x100000000LL;
  EXPECT_EQ(0x100000001LL, InterlockedIncrement64(&v));
  EXPECT_EQ(0x100000000LL, InterlockedDecrement64(&v));
  EXPECT_EQ(0x100000000LL, InterlockedExchangeAdd64(&v, 1));
  EXPECT_EQ(0x100000001LL, InterlockedCompareExchange64(&v, 7, 0x100000001LL));
  EXPECT_EQ(7, InterlockedExchange64(&v, 8));
  EXPECT_EQ(8, InterlockedOr64(&v, 1));
  EXPECT_EQ(9, InterlockedAnd64(&v, 8));
  int a = 0;
  int b = 0;
  PVOID volatile p = &a;
  EXPECT_EQ(&a, InterlockedExchangePointer(&p, &b));
  EXPECT_EQ(&b, InterlockedCompareExchangePointer(&p, &a, &a)) << "no swap";
  EXPECT_EQ(&b, InterlockedCompareExchangePointer(&p, &a, &b));
  EXPECT_EQ(&a, p);
}

TEST_F(InterlockedTest, IncrementIsAtomicAcrossThreads) {
  volatile LONG counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) InterlockedIncrement(&counter);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(40000, counter);
}

TEST(SListLayoutTest, MatchesWindowsX64) {
  EXPECT_EQ(16u, sizeof(SLIST_HEADER));
  EXPECT_EQ(16u, alignof(SLIST_HEADER));
  EXPECT_EQ(16u, sizeof(SLIST_ENTRY));
  EXPECT_EQ(16u, alignof(SLIST_ENTRY));
}

TEST_F(SListTest, PushPopIsLastInFirstOut) {
  SLIST_HEADER head;
  InitializeSListHead(&head);
  SLIST_ENTRY a;
  SLIST_ENTRY b;
  EXPECT_EQ(nullptr, InterlockedPopEntrySList(&head));
  EXPECT_EQ(nullptr, InterlockedPushEntrySList(&head, &a));
  EXPECT_EQ(&a, InterlockedPushEntrySList(&head, &b));
  EXPECT_EQ(2, QueryDepthSList(&head));
  EXPECT_EQ(&b, FirstEntrySList(&head));
  EXPECT_EQ(&b, InterlockedPopEntrySList(&head));
  EXPECT_EQ(&a, InterlockedPopEntrySList(&head));
  EXPECT_EQ(0, QueryDepthSList(&head));
  EXPECT_EQ(nullptr, InterlockedPopEntrySList(&head));
}

TEST_F(SListTest, FlushReturnsTheChain) {
  SLIST_HEADER head;
  InitializeSListHead(&head);
  SLIST_ENTRY entries[3];
  for (auto& entry : entries) InterlockedPushEntrySList(&head, &entry);
  PSLIST_ENTRY chain = InterlockedFlushSList(&head);
  EXPECT_EQ(0, QueryDepthSList(&head));
  EXPECT_EQ(nullptr, FirstEntrySList(&head));
  int count = 0;
  for (PSLIST_ENTRY e = chain; e != nullptr; e = e->Next) ++count;
  EXPECT_EQ(3, count);
}

TEST_F(SListTest, ConcurrentPushAndPopLoseNothing) {
  SLIST_HEADER head;
  InitializeSListHead(&head);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<SLIST_ENTRY> entries(kThreads * kPerThread);
  std::vector<std::vector<PSLIST_ENTRY>> popped(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        InterlockedPushEntrySList(&head, &entries[t * kPerThread + i]);
        if (i % 2 == 1) {
          PSLIST_ENTRY e = InterlockedPopEntrySList(&head);
          if (e != nullptr) popped[t].push_back(e);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<PSLIST_ENTRY> seen;
  for (auto& list : popped) seen.insert(list.begin(), list.end());
  size_t popped_count = seen.size();
  for (PSLIST_ENTRY e = InterlockedFlushSList(&head); e != nullptr; e = e->Next) {
    EXPECT_TRUE(seen.insert(e).second) << "entry seen twice";
  }
  EXPECT_EQ(entries.size(), seen.size());
  EXPECT_EQ(static_cast<size_t>(kThreads * kPerThread / 2), popped_count);
}

TEST_F(SListTest, NullHeaderIsReported) {
  EXPECT_EQ(nullptr, InterlockedPopEntrySList(nullptr));
  ExpectViolation("Kernel.NullArgument");
}

struct Item {
  LIST_ENTRY link;
  int value;
};

std::vector<int> Values(LIST_ENTRY* head) {
  std::vector<int> values;
  for (PLIST_ENTRY e = head->Flink; e != head; e = e->Flink) {
    values.push_back(CONTAINING_RECORD(e, Item, link)->value);
  }
  return values;
}

TEST_F(ListTest, InsertAndRemoveAtBothEnds) {
  LIST_ENTRY head;
  InitializeListHead(&head);
  EXPECT_TRUE(IsListEmpty(&head));
  Item a{{}, 1};
  Item b{{}, 2};
  Item c{{}, 3};
  InsertTailList(&head, &b.link);
  InsertHeadList(&head, &a.link);
  InsertTailList(&head, &c.link);
  EXPECT_EQ((std::vector<int>{1, 2, 3}), Values(&head));
  EXPECT_EQ(&a.link, RemoveHeadList(&head));
  EXPECT_EQ(&c.link, RemoveTailList(&head));
  EXPECT_EQ((std::vector<int>{2}), Values(&head));
  EXPECT_TRUE(RemoveEntryList(&b.link)) << "list is empty afterwards";
  EXPECT_TRUE(IsListEmpty(&head));
  EXPECT_EQ(&head, RemoveHeadList(&head)) << "empty list returns the head";
  EXPECT_TRUE(IsListEmpty(&head));
}

TEST_F(ListTest, RemoveEntryFromMiddleReportsNonEmpty) {
  LIST_ENTRY head;
  InitializeListHead(&head);
  Item a{{}, 1};
  Item b{{}, 2};
  InsertTailList(&head, &a.link);
  InsertTailList(&head, &b.link);
  EXPECT_FALSE(RemoveEntryList(&a.link));
  EXPECT_EQ((std::vector<int>{2}), Values(&head));
}

TEST_F(ListTest, AppendTailListSplicesAHeadlessRing) {
  LIST_ENTRY head;
  InitializeListHead(&head);
  Item a{{}, 1};
  InsertTailList(&head, &a.link);
  // A ring of two entries without a head, as AppendTailList expects.
  Item b{{}, 2};
  Item c{{}, 3};
  InitializeListHead(&b.link);
  InsertTailList(&b.link, &c.link);
  AppendTailList(&head, &b.link);
  EXPECT_EQ((std::vector<int>{1, 2, 3}), Values(&head));
  EXPECT_EQ(&c.link, head.Blink);
}

TEST_F(ListTest, SingleListPushPop) {
  SINGLE_LIST_ENTRY head{nullptr};
  SINGLE_LIST_ENTRY a;
  SINGLE_LIST_ENTRY b;
  EXPECT_EQ(nullptr, PopEntryList(&head));
  PushEntryList(&head, &a);
  PushEntryList(&head, &b);
  EXPECT_EQ(&b, PopEntryList(&head));
  EXPECT_EQ(&a, PopEntryList(&head));
  EXPECT_EQ(nullptr, PopEntryList(&head));
}

TEST_F(ListTest, HeaderWorksFromC11) { EXPECT_EQ(0, WskconfKeCUsageFailures()); }

}  // namespace
}  // namespace wskconf::kernel
