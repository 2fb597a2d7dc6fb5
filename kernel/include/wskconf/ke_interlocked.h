/* Interlocked operations (inline, sequentially consistent), interlocked
 * singly linked lists (SLIST_HEADER) and the LIST_ENTRY / SINGLE_LIST_ENTRY
 * inline helpers. Included by <wskconf/ke.h>. */
#ifndef WSKCONF_KE_INTERLOCKED_H_
#define WSKCONF_KE_INTERLOCKED_H_

#include <ntdef.h>
#include <wskconf/ke.h> /* the whole surface, whichever header comes first */

EXTERN_C_START

/* ------------------------------------------------------------------------
 * Interlocked*: atomic read-modify-write on aligned 32-bit, 64-bit and
 * pointer-sized values, at any IRQL. Increment/Decrement/Add return the new
 * value; Exchange, ExchangeAdd, CompareExchange, Or, And and Xor return the
 * value before the operation.
 * ---------------------------------------------------------------------- */
#define WSKCONF_ATOMIC_ __ATOMIC_SEQ_CST

FORCEINLINE LONG InterlockedIncrement(LONG volatile *Addend) {
  return __atomic_add_fetch(Addend, 1, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG InterlockedDecrement(LONG volatile *Addend) {
  return __atomic_sub_fetch(Addend, 1, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG InterlockedExchange(LONG volatile *Target, LONG Value) {
  return __atomic_exchange_n(Target, Value, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG InterlockedExchangeAdd(LONG volatile *Addend, LONG Value) {
  return __atomic_fetch_add(Addend, Value, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG InterlockedAdd(LONG volatile *Addend, LONG Value) {
  return __atomic_add_fetch(Addend, Value, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG InterlockedCompareExchange(LONG volatile *Destination,
                                            LONG Exchange, LONG Comperand) {
  __atomic_compare_exchange_n(Destination, &Comperand, Exchange, 0,
                              WSKCONF_ATOMIC_, WSKCONF_ATOMIC_);
  return Comperand;
}
FORCEINLINE LONG InterlockedOr(LONG volatile *Destination, LONG Value) {
  return __atomic_fetch_or(Destination, Value, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG InterlockedAnd(LONG volatile *Destination, LONG Value) {
  return __atomic_fetch_and(Destination, Value, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG InterlockedXor(LONG volatile *Destination, LONG Value) {
  return __atomic_fetch_xor(Destination, Value, WSKCONF_ATOMIC_);
}

FORCEINLINE LONG64 InterlockedIncrement64(LONG64 volatile *Addend) {
  return __atomic_add_fetch(Addend, 1, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG64 InterlockedDecrement64(LONG64 volatile *Addend) {
  return __atomic_sub_fetch(Addend, 1, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG64 InterlockedExchange64(LONG64 volatile *Target,
                                         LONG64 Value) {
  return __atomic_exchange_n(Target, Value, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG64 InterlockedExchangeAdd64(LONG64 volatile *Addend,
                                            LONG64 Value) {
  return __atomic_fetch_add(Addend, Value, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG64 InterlockedAdd64(LONG64 volatile *Addend, LONG64 Value) {
  return __atomic_add_fetch(Addend, Value, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG64 InterlockedCompareExchange64(LONG64 volatile *Destination,
                                                LONG64 Exchange,
                                                LONG64 Comperand) {
  __atomic_compare_exchange_n(Destination, &Comperand, Exchange, 0,
                              WSKCONF_ATOMIC_, WSKCONF_ATOMIC_);
  return Comperand;
}
FORCEINLINE LONG64 InterlockedOr64(LONG64 volatile *Destination,
                                   LONG64 Value) {
  return __atomic_fetch_or(Destination, Value, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG64 InterlockedAnd64(LONG64 volatile *Destination,
                                    LONG64 Value) {
  return __atomic_fetch_and(Destination, Value, WSKCONF_ATOMIC_);
}
FORCEINLINE LONG64 InterlockedXor64(LONG64 volatile *Destination,
                                    LONG64 Value) {
  return __atomic_fetch_xor(Destination, Value, WSKCONF_ATOMIC_);
}

FORCEINLINE PVOID InterlockedExchangePointer(PVOID volatile *Target,
                                             PVOID Value) {
  return __atomic_exchange_n(Target, Value, WSKCONF_ATOMIC_);
}
FORCEINLINE PVOID InterlockedCompareExchangePointer(
    PVOID volatile *Destination, PVOID Exchange, PVOID Comperand) {
  __atomic_compare_exchange_n(Destination, &Comperand, Exchange, 0,
                              WSKCONF_ATOMIC_, WSKCONF_ATOMIC_);
  return Comperand;
}

/* Full memory barrier. */
#define KeMemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define YieldProcessor() __builtin_ia32_pause()

/* Atomic loads and stores of the *Acquire / *NoFence families. */
FORCEINLINE LONG ReadAcquire(LONG const volatile *Source) {
  return __atomic_load_n(Source, __ATOMIC_ACQUIRE);
}
FORCEINLINE VOID WriteRelease(LONG volatile *Destination, LONG Value) {
  __atomic_store_n(Destination, Value, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------------
 * Interlocked singly linked lists. Entries are 16-byte aligned as on x64.
 * The header is opaque: this runtime keeps the first entry in Region and the
 * depth in the low 16 bits of Alignment, and serialises the operations on
 * one header with a lock. Push/Pop/Flush/QueryDepth are callable at any IRQL
 * from any thread.
 * ---------------------------------------------------------------------- */
typedef struct DECLSPEC_ALIGN(16) _SLIST_ENTRY {
  struct _SLIST_ENTRY *Next;
} SLIST_ENTRY, *PSLIST_ENTRY;

typedef union DECLSPEC_ALIGN(16) _SLIST_HEADER {
  struct {
    ULONGLONG Alignment;
    ULONGLONG Region;
  };
} SLIST_HEADER, *PSLIST_HEADER;

/* Empties the list. */
NTKERNELAPI VOID InitializeSListHead(PSLIST_HEADER SListHead);

/* Pushes ListEntry; returns the previous first entry (NULL if the list was
 * empty). The depth saturates at 65535 as the 16-bit field does. */
NTKERNELAPI PSLIST_ENTRY InterlockedPushEntrySList(PSLIST_HEADER ListHead,
                                                   PSLIST_ENTRY ListEntry);

/* Pops and returns the first entry, or NULL when the list is empty. */
NTKERNELAPI PSLIST_ENTRY InterlockedPopEntrySList(PSLIST_HEADER ListHead);

/* Empties the list and returns its former first entry (the chain stays
 * linked through Next). */
NTKERNELAPI PSLIST_ENTRY InterlockedFlushSList(PSLIST_HEADER ListHead);

/* Number of entries in the list. */
NTKERNELAPI USHORT QueryDepthSList(PSLIST_HEADER SListHead);

/* First entry without removing it (NULL when empty). */
NTKERNELAPI PSLIST_ENTRY FirstEntrySList(PSLIST_HEADER SListHead);

#define ExInitializeSListHead(ListHead) InitializeSListHead(ListHead)
#define ExInterlockedPushEntrySList(ListHead, ListEntry, Lock) \
  InterlockedPushEntrySList(ListHead, ListEntry)
#define ExInterlockedPopEntrySList(ListHead, Lock) \
  InterlockedPopEntrySList(ListHead)
#define ExInterlockedFlushSList(ListHead) InterlockedFlushSList(ListHead)
#define ExQueryDepthSList(ListHead) QueryDepthSList(ListHead)

/* ------------------------------------------------------------------------
 * LIST_ENTRY: circular doubly linked list with a sentinel head. Not
 * synchronised; protect a shared list with a spin lock.
 * ---------------------------------------------------------------------- */
FORCEINLINE VOID InitializeListHead(PLIST_ENTRY ListHead) {
  ListHead->Flink = ListHead->Blink = ListHead;
}

FORCEINLINE BOOLEAN IsListEmpty(const LIST_ENTRY *ListHead) {
  return (BOOLEAN)(ListHead->Flink == ListHead);
}

/* Unlinks Entry; returns TRUE when the list is empty afterwards. */
FORCEINLINE BOOLEAN RemoveEntryList(PLIST_ENTRY Entry) {
  PLIST_ENTRY next = Entry->Flink;
  PLIST_ENTRY prev = Entry->Blink;
  prev->Flink = next;
  next->Blink = prev;
  return (BOOLEAN)(next == prev);
}

/* Remove and return the first / last entry. On an empty list they return
 * ListHead itself and leave the list unchanged. */
FORCEINLINE PLIST_ENTRY RemoveHeadList(PLIST_ENTRY ListHead) {
  PLIST_ENTRY entry = ListHead->Flink;
  PLIST_ENTRY next = entry->Flink;
  ListHead->Flink = next;
  next->Blink = ListHead;
  return entry;
}

FORCEINLINE PLIST_ENTRY RemoveTailList(PLIST_ENTRY ListHead) {
  PLIST_ENTRY entry = ListHead->Blink;
  PLIST_ENTRY prev = entry->Blink;
  ListHead->Blink = prev;
  prev->Flink = ListHead;
  return entry;
}

FORCEINLINE VOID InsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry) {
  PLIST_ENTRY last = ListHead->Blink;
  Entry->Flink = ListHead;
  Entry->Blink = last;
  last->Flink = Entry;
  ListHead->Blink = Entry;
}

FORCEINLINE VOID InsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry) {
  PLIST_ENTRY first = ListHead->Flink;
  Entry->Flink = first;
  Entry->Blink = ListHead;
  first->Blink = Entry;
  ListHead->Flink = Entry;
}

/* Splices the circular list that ListToAppend points into (a headless ring,
 * or a list head whose entries then follow) onto the tail of ListHead. */
FORCEINLINE VOID AppendTailList(PLIST_ENTRY ListHead,
                                PLIST_ENTRY ListToAppend) {
  PLIST_ENTRY last = ListHead->Blink;
  last->Flink = ListToAppend;
  ListHead->Blink = ListToAppend->Blink;
  ListToAppend->Blink->Flink = ListHead;
  ListToAppend->Blink = last;
}

/* SINGLE_LIST_ENTRY: a stack linked through Next. */
FORCEINLINE VOID PushEntryList(PSINGLE_LIST_ENTRY ListHead,
                               PSINGLE_LIST_ENTRY Entry) {
  Entry->Next = ListHead->Next;
  ListHead->Next = Entry;
}

/* Pops the first entry, or returns NULL when the list is empty. */
FORCEINLINE PSINGLE_LIST_ENTRY PopEntryList(PSINGLE_LIST_ENTRY ListHead) {
  PSINGLE_LIST_ENTRY first = ListHead->Next;
  if (first != NULL) ListHead->Next = first->Next;
  return first;
}

EXTERN_C_END

#endif /* WSKCONF_KE_INTERLOCKED_H_ */
