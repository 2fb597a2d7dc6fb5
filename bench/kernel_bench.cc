// Costs of the kernel runtime's hot paths, each beside a host baseline in the
// same run: an IRP's whole life (allocate, send, complete, free) against
// malloc/free of the same size, a wait on a signalled event against a mutex
// lock and unlock, and an event hand-off between two threads against a
// std::condition_variable hand-off. Read the ratio, not the numbers.
#include <ntddk.h>
#include <wskconf/kernel.h>

#include <benchmark/benchmark.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace {

NTSTATUS StopCompletion(PDEVICE_OBJECT, PIRP, PVOID context) {
  ++*static_cast<int*>(context);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

// What a WSK client and provider do per request: the client allocates and
// sets a completion routine, the provider takes the IRP (sets up its stack
// location) and completes it, the client frees it.
void BM_IrpRoundTrip(benchmark::State& state) {
  int completions = 0;
  for (auto _ : state) {
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(irp, StopCompletion, &completions, TRUE, TRUE, TRUE);
    IoSetNextIrpStackLocation(irp);
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 64;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    IoFreeIrp(irp);
  }
  if (completions != static_cast<int>(state.iterations())) {
    state.SkipWithError("a completion routine did not run");
  }
}
BENCHMARK(BM_IrpRoundTrip);

void BM_BaselineMallocIrpSized(benchmark::State& state) {
  const size_t size = IoSizeOfIrp(1);
  for (auto _ : state) {
    void* block = std::malloc(size);
    benchmark::DoNotOptimize(block);
    std::free(block);
  }
}
BENCHMARK(BM_BaselineMallocIrpSized);

void BM_PoolAllocateFree(benchmark::State& state) {
  for (auto _ : state) {
    void* block = ExAllocatePool2(POOL_FLAG_NON_PAGED, 256, 'hcnB');
    benchmark::DoNotOptimize(block);
    ExFreePoolWithTag(block, 'hcnB');
  }
}
BENCHMARK(BM_PoolAllocateFree);

// A wait that need not block (the event is signalled): what every
// KeWaitForSingleObject pays before it sleeps, against taking and dropping
// a std::mutex, the least a wait under a lock can cost.
void BM_WaitSignalledEvent(benchmark::State& state) {
  KEVENT event;
  KeInitializeEvent(&event, NotificationEvent, TRUE);
  for (auto _ : state) {
    if (KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, nullptr) !=
        STATUS_SUCCESS) {
      state.SkipWithError("the wait failed");
      break;
    }
  }
}
BENCHMARK(BM_WaitSignalledEvent);

void BM_BaselineMutexLockUnlock(benchmark::State& state) {
  std::mutex mutex;
  for (auto _ : state) {
    mutex.lock();
    benchmark::ClobberMemory();
    mutex.unlock();
  }
}
BENCHMARK(BM_BaselineMutexLockUnlock);

// One thread signals, the other waits and answers: a completion hand-off.
void BM_EventPingPong(benchmark::State& state) {
  KEVENT ping, pong;
  KeInitializeEvent(&ping, SynchronizationEvent, FALSE);
  KeInitializeEvent(&pong, SynchronizationEvent, FALSE);
  bool stop = false;
  std::thread peer([&] {
    for (;;) {
      KeWaitForSingleObject(&ping, Executive, KernelMode, FALSE, nullptr);
      if (stop) return;
      KeSetEvent(&pong, IO_NO_INCREMENT, FALSE);
    }
  });
  for (auto _ : state) {
    KeSetEvent(&ping, IO_NO_INCREMENT, FALSE);
    KeWaitForSingleObject(&pong, Executive, KernelMode, FALSE, nullptr);
  }
  stop = true;
  KeSetEvent(&ping, IO_NO_INCREMENT, FALSE);
  peer.join();
}
BENCHMARK(BM_EventPingPong)->UseRealTime();

void BM_BaselineCondVarPingPong(benchmark::State& state) {
  std::mutex mutex;
  std::condition_variable cv;
  int turn = 0;  // 0: main's move, 1: peer's move, 2: stop
  std::thread peer([&] {
    std::unique_lock lock(mutex);
    for (;;) {
      cv.wait(lock, [&] { return turn != 0; });
      if (turn == 2) return;
      turn = 0;
      cv.notify_all();
    }
  });
  for (auto _ : state) {
    std::unique_lock lock(mutex);
    turn = 1;
    cv.notify_all();
    cv.wait(lock, [&] { return turn == 0; });
  }
  {
    std::lock_guard lock(mutex);
    turn = 2;
  }
  cv.notify_all();
  peer.join();
}
BENCHMARK(BM_BaselineCondVarPingPong)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  setenv("WSKCONF_VERIFIER_QUIET", "1", 0);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  // A benchmark that leaked IRPs or pool is measuring the wrong thing.
  const ULONG leaks = WskconfCheckLeaks();
  const ULONG violations = WskconfGetViolationCount();
  if (leaks != 0 || violations != 0) {
    std::fprintf(stderr, "kernel_bench: %u leaks, %u verifier violations\n",
                 leaks, violations);
    return 1;
  }
  return 0;
}
