// KeWaitForSingleObject and KeWaitForMultipleObjects allocate nothing from
// the heap: their wait blocks live on the waiting thread's stack, as the
// KTHREAD's built-in wait blocks do on Windows. This binary replaces the
// global operator new to count what the calling thread allocates, so it is
// a binary of its own.
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

#include <wskconf/ke.h>

namespace {

thread_local bool counting = false;
thread_local int allocations = 0;

void* Allocate(std::size_t size) {
  if (counting) ++allocations;
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return Allocate(size); }
void* operator new[](std::size_t size) { return Allocate(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

// The heap allocations `body` makes on this thread.
template <typename Body>
int AllocationsOf(Body body) {
  allocations = 0;
  counting = true;
  body();
  counting = false;
  return allocations;
}

LARGE_INTEGER RelativeMs(LONGLONG ms) {
  LARGE_INTEGER t;
  t.QuadPart = -ms * 10000;
  return t;
}

class WaitAllocTest : public ::testing::Test {
 protected:
  void SetUp() override {
    KeInitializeEvent(&set_, NotificationEvent, TRUE);
    KeInitializeEvent(&never_, NotificationEvent, FALSE);
    KeInitializeEvent(&other_, SynchronizationEvent, FALSE);
    // The thread's KTHREAD is made on its first use: not part of a wait.
    LARGE_INTEGER poll{};
    ASSERT_EQ(KeWaitForSingleObject(&set_, Executive, KernelMode, FALSE, &poll),
              STATUS_SUCCESS);
  }
  KEVENT set_, never_, other_;
};

TEST_F(WaitAllocTest, SingleObjectAlreadySignalled) {
  NTSTATUS status = STATUS_PENDING;
  EXPECT_EQ(AllocationsOf([&] {
              status = KeWaitForSingleObject(&set_, Executive, KernelMode, FALSE, nullptr);
            }),
            0);
  EXPECT_EQ(status, STATUS_SUCCESS);
}

TEST_F(WaitAllocTest, SingleObjectBlocksUntilTimeout) {
  // The wait links a wait block into the event and sleeps until its timeout.
  LARGE_INTEGER timeout = RelativeMs(1);
  NTSTATUS status = STATUS_PENDING;
  EXPECT_EQ(AllocationsOf([&] {
              status = KeWaitForSingleObject(&never_, Executive, KernelMode, FALSE, &timeout);
            }),
            0);
  EXPECT_EQ(status, STATUS_TIMEOUT);
}

TEST_F(WaitAllocTest, MultipleObjectsBlockUntilTimeout) {
  PVOID objects[] = {&never_, &other_};
  KWAIT_BLOCK blocks[THREAD_WAIT_OBJECTS];
  LARGE_INTEGER timeout = RelativeMs(1);
  NTSTATUS status = STATUS_PENDING;
  EXPECT_EQ(AllocationsOf([&] {
              status = KeWaitForMultipleObjects(2, objects, WaitAny, Executive, KernelMode,
                                                FALSE, &timeout, blocks);
            }),
            0);
  EXPECT_EQ(status, STATUS_TIMEOUT);
  KeSetEvent(&other_, IO_NO_INCREMENT, FALSE);
  EXPECT_EQ(AllocationsOf([&] {
              status = KeWaitForMultipleObjects(2, objects, WaitAny, Executive, KernelMode,
                                                FALSE, &timeout, blocks);
            }),
            0);
  EXPECT_EQ(status, STATUS_WAIT_1);
}

}  // namespace
