// System threads, thread objects and the small object manager around them:
// kernel handles, ObReferenceObjectByHandle and reference counting. A thread
// object is a dispatcher object, signalled when its thread ends.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <wskconf/ke.h>
#include <wskconf/verifier.h>

#include "internal/dispatcher.h"
#include "internal/irql.h"
#include "internal/verifier.h"

struct _OBJECT_TYPE {
  const char* name;
};

// The thread object; PKTHREAD and PETHREAD both point at it. The header must
// stay first so KeWaitForSingleObject can treat it as a dispatcher object.
struct _ETHREAD {
  DISPATCHER_HEADER header;
  LONG_PTR references;  // guarded by the object registry's lock
  bool system;
  HANDLE id;
  PKSTART_ROUTINE start_routine;
  PVOID start_context;
  NTSTATUS exit_status;
};

namespace wskconf::kernel::internal {
namespace {

_OBJECT_TYPE thread_type{"Thread"};
POBJECT_TYPE thread_type_pointer = &thread_type;

// Handle values look like Windows kernel handles (sign-extended, high bit
// set, multiples of 4) and are never reused.
constexpr uintptr_t kFirstHandle = 0xFFFFFFFF80000004ULL;

struct ObjectManager {
  std::mutex mutex;
  std::unordered_map<_ETHREAD*, bool> objects;  // every live thread object
  // Objects whose last reference is gone, while their memory is quarantined:
  // one more dereference is reported, never performed.
  std::unordered_set<const _ETHREAD*> deleted;
  std::unordered_map<HANDLE, _ETHREAD*> handles;
  uintptr_t next_handle = kFirstHandle;
  uintptr_t next_thread_id = 0x1000;
};

ObjectManager& Objects() {
  static ObjectManager* manager = new ObjectManager;  // used at thread exit
  return *manager;
}

// Thrown by PsTerminateSystemThread, caught by the thread's entry.
struct TerminateThread {};

thread_local _ETHREAD* current_thread = nullptr;

// Quarantine eviction hook: the address may be handed out again.
void ForgetDeletedThread(void* thread) {
  ObjectManager& objects = Objects();
  std::lock_guard lock(objects.mutex);
  objects.deleted.erase(static_cast<const _ETHREAD*>(thread));
}

_ETHREAD* NewThreadObject(bool system, LONG_PTR references) {
  // From malloc, so the quarantine can release it (_ETHREAD is trivially
  // destructible).
  void* memory = std::calloc(1, sizeof(_ETHREAD));
  if (memory == nullptr) throw std::bad_alloc();
  auto* thread = new (memory) _ETHREAD{};
  DISPATCHER_HEADER& header = thread->header;
  header.Type = kThreadObjectType;
  header.Size = static_cast<UCHAR>(sizeof(DISPATCHER_HEADER) / sizeof(LONG));
  header.SignalState = 0;
  InitializeListHead(&header.WaitListHead);
  thread->references = references;
  thread->system = system;
  thread->exit_status = STATUS_SUCCESS;
  {
    std::lock_guard lock(DispatcherLock());
    RegisterObjectLocked(&thread->header);
  }
  ObjectManager& objects = Objects();
  std::lock_guard lock(objects.mutex);
  thread->id = reinterpret_cast<HANDLE>(objects.next_thread_id);
  objects.next_thread_id += 4;
  objects.objects.emplace(thread, true);
  objects.deleted.erase(thread);
  return thread;
}

// Drops one reference; deletes the object with the last one.
LONG_PTR Release(_ETHREAD* thread) {
  ObjectManager& objects = Objects();
  LONG_PTR remaining = 0;
  {
    std::lock_guard lock(objects.mutex);
    remaining = --thread->references;
    if (remaining == 0) {
      objects.objects.erase(thread);
      objects.deleted.insert(thread);
    }
  }
  if (remaining == 0) {
    ForgetObjectsIn(thread, sizeof(_ETHREAD), "ObDereferenceObject");
    QuarantineFree(thread, ForgetDeletedThread);
  }
  return remaining;
}

void MarkEnded(_ETHREAD* thread) {
  std::lock_guard lock(DispatcherLock());
  SignalNotificationLocked(&thread->header);
}

// Gives a host thread that did not come from PsCreateSystemThread its own
// object, ended and released when the host thread exits.
struct ForeignThreadHolder {
  _ETHREAD* thread = nullptr;
  ~ForeignThreadHolder() {
    if (thread == nullptr) return;
    MarkEnded(thread);
    Release(thread);
  }
};

_ETHREAD* CurrentThread() {
  if (current_thread == nullptr) {
    static thread_local ForeignThreadHolder holder;
    holder.thread = NewThreadObject(false, 1);
    current_thread = holder.thread;
  }
  return current_thread;
}

void SystemThreadEntry(_ETHREAD* thread) {
  current_thread = thread;
  SetCurrentIrql(PASSIVE_LEVEL);
  try {
    thread->start_routine(thread->start_context);
  } catch (const TerminateThread&) {
    // PsTerminateSystemThread: the exit status is already recorded.
  }
  CheckNoWaitAfterSet("the end of a system thread");
  if (KeGetCurrentIrql() != PASSIVE_LEVEL) {
    WskconfReportViolation(WskconfRuleIrqlInvalidLower, thread,
                           "system thread %p ended at IRQL %u, not "
                           "PASSIVE_LEVEL",
                           static_cast<void*>(thread),
                           static_cast<unsigned>(KeGetCurrentIrql()));
  }
  current_thread = nullptr;
  MarkEnded(thread);
  Release(thread);
}

HANDLE InsertHandle(_ETHREAD* thread) {
  ObjectManager& objects = Objects();
  std::lock_guard lock(objects.mutex);
  HANDLE handle = reinterpret_cast<HANDLE>(objects.next_handle);
  objects.next_handle += 4;
  objects.handles.emplace(handle, thread);
  return handle;
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

POBJECT_TYPE* PsThreadType = &ki::thread_type_pointer;

NTSTATUS PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess,
                              POBJECT_ATTRIBUTES ObjectAttributes,
                              HANDLE ProcessHandle, PCLIENT_ID ClientId,
                              PKSTART_ROUTINE StartRoutine,
                              PVOID StartContext) {
  (void)DesiredAccess;
  (void)ObjectAttributes;
  (void)ProcessHandle;
  if (!ki::RequirePassive("PsCreateSystemThread")) {
    return STATUS_INVALID_DEVICE_REQUEST;
  }
  if (!ki::RequireNonNull(ThreadHandle, "PsCreateSystemThread",
                          "ThreadHandle") ||
      !ki::RequireNonNull(reinterpret_cast<void*>(StartRoutine),
                          "PsCreateSystemThread", "StartRoutine")) {
    return STATUS_INVALID_PARAMETER;
  }
  // One reference for the handle, one for the running thread.
  _ETHREAD* thread = ki::NewThreadObject(true, 2);
  thread->start_routine = StartRoutine;
  thread->start_context = StartContext;
  try {
    std::thread(ki::SystemThreadEntry, thread).detach();
  } catch (const std::system_error&) {
    ki::Release(thread);
    ki::Release(thread);
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  *ThreadHandle = ki::InsertHandle(thread);
  if (ClientId != nullptr) {
    ClientId->UniqueProcess = reinterpret_cast<HANDLE>(uintptr_t{4});
    ClientId->UniqueThread = thread->id;
  }
  return STATUS_SUCCESS;
}

NTSTATUS PsTerminateSystemThread(NTSTATUS ExitStatus) {
  _ETHREAD* thread = ki::current_thread;
  if (thread == nullptr || !thread->system) return STATUS_INVALID_PARAMETER;
  thread->exit_status = ExitStatus;
  throw ki::TerminateThread{};
}

PETHREAD PsGetCurrentThread(VOID) { return ki::CurrentThread(); }

PKTHREAD KeGetCurrentThread(VOID) {
  return reinterpret_cast<PKTHREAD>(ki::CurrentThread());
}

HANDLE PsGetCurrentThreadId(VOID) { return ki::CurrentThread()->id; }

HANDLE PsGetThreadId(PETHREAD Thread) {
  if (!ki::RequireNonNull(Thread, "PsGetThreadId", "Thread")) return nullptr;
  return Thread->id;
}

BOOLEAN PsIsSystemThread(PETHREAD Thread) {
  if (!ki::RequireNonNull(Thread, "PsIsSystemThread", "Thread")) return FALSE;
  return Thread->system ? TRUE : FALSE;
}

NTSTATUS ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess,
                                   POBJECT_TYPE ObjectType,
                                   KPROCESSOR_MODE AccessMode, PVOID* Object,
                                   POBJECT_HANDLE_INFORMATION HandleInformation) {
  (void)AccessMode;
  ki::RequirePassive("ObReferenceObjectByHandle");
  if (!ki::RequireNonNull(Object, "ObReferenceObjectByHandle", "Object")) {
    return STATUS_INVALID_PARAMETER;
  }
  *Object = nullptr;
  // Every handle refers to a thread object for now.
  if (ObjectType != nullptr && ObjectType != *PsThreadType) {
    ki::ObjectManager& objects = ki::Objects();
    std::lock_guard lock(objects.mutex);
    bool known = Handle == NtCurrentThread() || objects.handles.count(Handle);
    return known ? STATUS_OBJECT_TYPE_MISMATCH : STATUS_INVALID_HANDLE;
  }
  _ETHREAD* thread = nullptr;
  if (Handle == NtCurrentThread()) {
    thread = ki::CurrentThread();
    ObfReferenceObject(thread);
  } else {
    ki::ObjectManager& objects = ki::Objects();
    std::lock_guard lock(objects.mutex);
    auto it = objects.handles.find(Handle);
    if (it == objects.handles.end()) return STATUS_INVALID_HANDLE;
    thread = it->second;
    ++thread->references;  // under the lock, so a racing ZwClose cannot win
  }
  *Object = thread;
  if (HandleInformation != nullptr) {
    HandleInformation->HandleAttributes = 0;
    HandleInformation->GrantedAccess = DesiredAccess;
  }
  return STATUS_SUCCESS;
}

LONG_PTR ObfReferenceObject(PVOID Object) {
  if (!ki::RequireNonNull(Object, "ObReferenceObject", "Object")) return 0;
  auto* thread = static_cast<_ETHREAD*>(Object);
  {
    ki::ObjectManager& objects = ki::Objects();
    std::lock_guard lock(objects.mutex);
    if (objects.objects.count(thread) != 0) return ++thread->references;
    if (objects.deleted.count(thread) == 0) return 1;  // not ours: left alone
  }
  WskconfReportViolation(WskconfRuleObjectDereferencedTooOften, Object,
                         "ObReferenceObject(%p): its last reference was "
                         "already released and the object deleted",
                         Object);
  return 0;
}

LONG_PTR ObfDereferenceObject(PVOID Object) {
  if (!ki::RequireNonNull(Object, "ObDereferenceObject", "Object")) return 0;
  auto* thread = static_cast<_ETHREAD*>(Object);
  bool known = false;
  {
    ki::ObjectManager& objects = ki::Objects();
    std::lock_guard lock(objects.mutex);
    known = objects.objects.count(thread) != 0;
    if (!known && objects.deleted.count(thread) == 0) return 1;  // not ours
  }
  if (known) return ki::Release(thread);
  WskconfReportViolation(WskconfRuleObjectDereferencedTooOften, Object,
                         "ObDereferenceObject(%p): one dereference too many: "
                         "its last reference was already released and the "
                         "object deleted",
                         Object);
  return 0;
}

NTSTATUS ZwClose(HANDLE Handle) {
  ki::RequirePassive("ZwClose");
  _ETHREAD* thread = nullptr;
  {
    ki::ObjectManager& objects = ki::Objects();
    std::lock_guard lock(objects.mutex);
    auto it = objects.handles.find(Handle);
    if (it == objects.handles.end()) return STATUS_INVALID_HANDLE;
    thread = it->second;
    objects.handles.erase(it);
  }
  ki::Release(thread);
  return STATUS_SUCCESS;
}

}  // extern "C"
