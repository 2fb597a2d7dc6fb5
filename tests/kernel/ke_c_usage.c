/* Compiles the ke.h surface as C11, the way driver code uses it (macros that
 * take the address of an out parameter, list helpers, pool tags), and
 * returns the number of checks that failed. Called by slist_test.cc. */
#include <wskconf/ke.h>

typedef struct _ITEM {
  LIST_ENTRY Link;
  int Value;
} ITEM;

int WskconfKeCUsageFailures(void) {
  int failures = 0;
  KSPIN_LOCK lock;
  KIRQL old_irql;
  LIST_ENTRY head;
  ITEM items[3];
  PLIST_ENTRY entry;
  ITEM *item;
  int i;
  KeInitializeSpinLock(&lock);
  InitializeListHead(&head);
  KeAcquireSpinLock(&lock, &old_irql);
  for (i = 0; i < 3; ++i) {
    items[i].Value = i;
    InsertTailList(&head, &items[i].Link);
  }
  KeReleaseSpinLock(&lock, old_irql);
  entry = RemoveHeadList(&head);
  item = CONTAINING_RECORD(entry, ITEM, Link);
  if (item->Value != 0) ++failures;
  if (!NT_ASSERT(!IsListEmpty(&head))) ++failures;
  {
    PVOID block = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 'CekW');
    if (block == NULL) ++failures;
    ExFreePoolWithTag(block, 'CekW');
  }
  if (KeGetCurrentIrql() != PASSIVE_LEVEL) ++failures;
  return failures;
}
