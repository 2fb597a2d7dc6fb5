/* Executive pool: POOL_TYPE / POOL_FLAGS and the Ex*Pool* allocators. Every
 * block is tracked by tag for leak checks (WskconfCheckLeaks), freed blocks
 * are quarantined so double frees are caught, and allocations can be made to
 * fail (WskconfFailNthAllocation(WskconfAllocPool, N)). Included by ke.h. */
#ifndef WSKCONF_KE_POOL_H_
#define WSKCONF_KE_POOL_H_

#include <ntdef.h>
#include <wskconf/ke.h> /* the whole surface, whichever header comes first */

EXTERN_C_START

typedef enum _POOL_TYPE {
  NonPagedPool = 0,
  NonPagedPoolExecute = 0,
  PagedPool = 1,
  NonPagedPoolMustSucceed = 2, /* rejected: returns NULL */
  DontUseThisType = 3,         /* rejected: returns NULL */
  NonPagedPoolCacheAligned = 4,
  PagedPoolCacheAligned = 5,
  NonPagedPoolCacheAlignedMustS = 6, /* rejected: returns NULL */
  MaxPoolType = 7,
  NonPagedPoolBase = 0,
  NonPagedPoolBaseMustSucceed = 2,
  NonPagedPoolBaseCacheAligned = 4,
  NonPagedPoolBaseCacheAlignedMustS = 6,
  NonPagedPoolSession = 32,
  PagedPoolSession = 33,
  NonPagedPoolMustSucceedSession = 34,
  DontUseThisTypeSession = 35,
  NonPagedPoolCacheAlignedSession = 36,
  PagedPoolCacheAlignedSession = 37,
  NonPagedPoolCacheAlignedMustSSession = 38,
  NonPagedPoolNx = 512,
  NonPagedPoolNxCacheAligned = 516,
  NonPagedPoolSessionNx = 544
} POOL_TYPE;

/* Modifier bits that may be OR-ed into a POOL_TYPE. */
#define POOL_QUOTA_FAIL_INSTEAD_OF_RAISE 8
#define POOL_RAISE_IF_ALLOCATION_FAILURE 16
#define POOL_COLD_ALLOCATION 256
#define POOL_NX_ALLOCATION 512

/* ExAllocatePool2 flags (64-bit). Exactly one of NON_PAGED,
 * NON_PAGED_EXECUTE and PAGED must be given. */
typedef ULONG64 POOL_FLAGS;
#define POOL_FLAG_REQUIRED_START 0x0000000000000001ULL
#define POOL_FLAG_USE_QUOTA 0x0000000000000001ULL
#define POOL_FLAG_UNINITIALIZED 0x0000000000000002ULL
#define POOL_FLAG_SESSION 0x0000000000000004ULL
#define POOL_FLAG_CACHE_ALIGNED 0x0000000000000008ULL
#define POOL_FLAG_RESERVED1 0x0000000000000010ULL
#define POOL_FLAG_RAISE_ON_FAILURE 0x0000000000000020ULL
#define POOL_FLAG_NON_PAGED 0x0000000000000040ULL
#define POOL_FLAG_NON_PAGED_EXECUTE 0x0000000000000080ULL
#define POOL_FLAG_PAGED 0x0000000000000100ULL
#define POOL_FLAG_RESERVED2 0x0000000000000200ULL
#define POOL_FLAG_RESERVED3 0x0000000000000400ULL
#define POOL_FLAG_LAST_KNOWN_REQUIRED POOL_FLAG_RESERVED3
#define POOL_FLAG_REQUIRED_END 0x0000000080000000ULL
#define POOL_FLAG_OPTIONAL_START 0x0000000100000000ULL
#define POOL_FLAG_SPECIAL_POOL 0x0000000100000000ULL
#define POOL_FLAG_LAST_KNOWN_OPTIONAL POOL_FLAG_SPECIAL_POOL
#define POOL_FLAG_OPTIONAL_END 0x8000000000000000ULL

/* A tag's high bit marks protected pool on Windows; it is ignored when tags
 * are compared. */
#define PROTECTED_POOL 0x80000000u

/* Allocates NumberOfBytes (0 is allowed) of uninitialized memory (filled
 * with a non-zero pattern so code that assumes zeroed memory misbehaves
 * visibly), 16-byte aligned (64 for *CacheAligned types). Returns NULL when
 * fault injection fires, when PoolType is not a valid type (reported as
 * Pool.InvalidTypeOrFlags), or when the host is out of memory. Nonpaged pool: IRQL <= DISPATCH_LEVEL; paged pool: IRQL
 * <= APC_LEVEL (a higher IRQL is reported as Irql.PassiveOnlyCallAtRaisedIrql
 * and the block is still allocated). */
NTKERNELAPI PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType,
                                        SIZE_T NumberOfBytes, ULONG Tag);

/* As ExAllocatePoolWithTag with tag 'enoN' ("None"). Deprecated on Windows. */
NTKERNELAPI PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes);

/* As ExAllocatePoolWithTag, zero-filled. */
NTKERNELAPI PVOID ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                                     ULONG Tag);
NTKERNELAPI PVOID ExAllocatePoolUninitialized(POOL_TYPE PoolType,
                                              SIZE_T NumberOfBytes, ULONG Tag);

/* Allocates zero-filled memory unless POOL_FLAG_UNINITIALIZED is set.
 * Returns NULL, reporting Pool.InvalidTypeOrFlags, for an invalid
 * combination of Flags (not exactly one of POOL_FLAG_NON_PAGED /
 * NON_PAGED_EXECUTE / PAGED, an unknown required flag, a reserved flag);
 * returns NULL on fault injection and when out of memory. POOL_FLAG_RAISE_ON_FAILURE cannot
 * raise here: the call returns NULL. IRQL as ExAllocatePoolWithTag. */
NTKERNELAPI PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes,
                                  ULONG Tag);

/* Frees a block from any allocator above. Tag must be the block's tag
 * (else Pool.FreedWithWrongTag; the block is freed anyway). Freeing a block
 * twice reports Pool.FreedTwice, a pointer that is not a live block reports
 * Pool.FreedUnknownPointer, NULL reports Kernel.NullArgument; none of these
 * touches the memory. IRQL as for the allocation. */
NTKERNELAPI VOID ExFreePoolWithTag(PVOID P, ULONG Tag);

/* As ExFreePoolWithTag without the tag check. */
NTKERNELAPI VOID ExFreePool(PVOID P);

EXTERN_C_END

#endif /* WSKCONF_KE_POOL_H_ */
