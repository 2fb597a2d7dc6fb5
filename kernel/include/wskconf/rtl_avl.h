/* The AVL generic table (RtlInitializeGenericTableAvl and its family): a
 * balanced tree of caller records ordered by the caller's compare routine,
 * in memory from the caller's allocate routine. Each allocation is
 * sizeof(RTL_BALANCED_LINKS) bytes of tree links followed by the record;
 * the routines return pointers to the record. Included by wdm.h.
 * Synchronization is the caller's (any IRQL the routines allow). */
#ifndef WSKCONF_RTL_AVL_H_
#define WSKCONF_RTL_AVL_H_

#include <ntdef.h>
#include <ntstatus.h>

EXTERN_C_START

typedef enum _TABLE_SEARCH_RESULT {
  TableEmptyTree,
  TableFoundNode,
  TableInsertAsLeft,
  TableInsertAsRight
} TABLE_SEARCH_RESULT;

typedef enum _RTL_GENERIC_COMPARE_RESULTS {
  GenericLessThan,
  GenericGreaterThan,
  GenericEqual
} RTL_GENERIC_COMPARE_RESULTS;

typedef struct _RTL_BALANCED_LINKS {
  struct _RTL_BALANCED_LINKS *Parent;
  struct _RTL_BALANCED_LINKS *LeftChild;
  struct _RTL_BALANCED_LINKS *RightChild;
  CHAR Balance;
  UCHAR Reserved[3];
} RTL_BALANCED_LINKS, *PRTL_BALANCED_LINKS;

struct _RTL_AVL_TABLE;
typedef RTL_GENERIC_COMPARE_RESULTS RTL_AVL_COMPARE_ROUTINE(
    struct _RTL_AVL_TABLE *Table, PVOID FirstStruct, PVOID SecondStruct);
typedef RTL_AVL_COMPARE_ROUTINE *PRTL_AVL_COMPARE_ROUTINE;
typedef PVOID RTL_AVL_ALLOCATE_ROUTINE(struct _RTL_AVL_TABLE *Table,
                                       CLONG ByteSize);
typedef RTL_AVL_ALLOCATE_ROUTINE *PRTL_AVL_ALLOCATE_ROUTINE;
typedef VOID RTL_AVL_FREE_ROUTINE(struct _RTL_AVL_TABLE *Table, PVOID Buffer);
typedef RTL_AVL_FREE_ROUTINE *PRTL_AVL_FREE_ROUTINE;
typedef NTSTATUS RTL_AVL_MATCH_FUNCTION(struct _RTL_AVL_TABLE *Table,
                                        PVOID UserData, PVOID MatchData);
typedef RTL_AVL_MATCH_FUNCTION *PRTL_AVL_MATCH_FUNCTION;

/* The table header: BalancedRoot.RightChild is the tree's root. */
typedef struct _RTL_AVL_TABLE {
  RTL_BALANCED_LINKS BalancedRoot;
  PVOID OrderedPointer;
  ULONG WhichOrderedElement;
  ULONG NumberGenericTableElements;
  ULONG DepthOfTree;
  PRTL_BALANCED_LINKS RestartKey;
  ULONG DeleteCount;
  PRTL_AVL_COMPARE_ROUTINE CompareRoutine;
  PRTL_AVL_ALLOCATE_ROUTINE AllocateRoutine;
  PRTL_AVL_FREE_ROUTINE FreeRoutine;
  PVOID TableContext;
} RTL_AVL_TABLE, *PRTL_AVL_TABLE;

/* An empty table using the three routines. */
NTSYSAPI VOID RtlInitializeGenericTableAvl(
    PRTL_AVL_TABLE Table, PRTL_AVL_COMPARE_ROUTINE CompareRoutine,
    PRTL_AVL_ALLOCATE_ROUTINE AllocateRoutine,
    PRTL_AVL_FREE_ROUTINE FreeRoutine, PVOID TableContext);
/* Copies BufferSize bytes of Buffer into a new element unless an equal one
 * exists; returns the table's record (new or existing) and sets
 * *NewElement (optional) accordingly; NULL when allocation failed. */
NTSYSAPI PVOID RtlInsertElementGenericTableAvl(PRTL_AVL_TABLE Table,
                                               PVOID Buffer, CLONG BufferSize,
                                               PBOOLEAN NewElement);
/* As above, given the result of RtlLookupElementGenericTableFullAvl. */
NTSYSAPI PVOID RtlInsertElementGenericTableFullAvl(
    PRTL_AVL_TABLE Table, PVOID Buffer, CLONG BufferSize, PBOOLEAN NewElement,
    PVOID NodeOrParent, TABLE_SEARCH_RESULT SearchResult);
/* Removes the element equal to Buffer and frees it: TRUE if there was one. */
NTSYSAPI BOOLEAN RtlDeleteElementGenericTableAvl(PRTL_AVL_TABLE Table,
                                                 PVOID Buffer);
/* The record equal to Buffer, or NULL. */
NTSYSAPI PVOID RtlLookupElementGenericTableAvl(PRTL_AVL_TABLE Table,
                                               PVOID Buffer);
/* As above, also giving the node found or the parent to insert under. */
NTSYSAPI PVOID RtlLookupElementGenericTableFullAvl(
    PRTL_AVL_TABLE Table, PVOID Buffer, PVOID *NodeOrParent,
    TABLE_SEARCH_RESULT *SearchResult);
/* In order: Restart TRUE gives the first record, FALSE the one after the
 * last returned; NULL after the last. */
NTSYSAPI PVOID RtlEnumerateGenericTableAvl(PRTL_AVL_TABLE Table,
                                           BOOLEAN Restart);
/* In order, with the caller's cursor: *RestartKey NULL starts over. */
NTSYSAPI PVOID RtlEnumerateGenericTableWithoutSplayingAvl(
    PRTL_AVL_TABLE Table, PVOID *RestartKey);
/* The first record equal to Buffer, with *RestartKey set to continue an
 * enumeration from it; NULL if none. */
NTSYSAPI PVOID RtlLookupFirstMatchingElementGenericTableAvl(
    PRTL_AVL_TABLE Table, PVOID Buffer, PVOID *RestartKey);
/* The I-th record in order (from 0), or NULL. */
NTSYSAPI PVOID RtlGetElementGenericTableAvl(PRTL_AVL_TABLE Table, ULONG I);
NTSYSAPI ULONG RtlNumberGenericTableElementsAvl(PRTL_AVL_TABLE Table);
NTSYSAPI BOOLEAN RtlIsGenericTableEmptyAvl(PRTL_AVL_TABLE Table);

EXTERN_C_END

#endif /* WSKCONF_RTL_AVL_H_ */
