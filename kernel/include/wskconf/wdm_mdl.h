/* Memory descriptor lists, shaped like the WDK's: the MDL header, its flags,
 * IoAllocateMdl/IoFreeMdl and the Mm* routines that lock and map the pages.
 * Included by <wdm.h>; do not include directly. In user mode a "physical
 * page" is the host page, and the system address is the virtual address. */
#ifndef WSKCONF_WDM_MDL_H_
#define WSKCONF_WDM_MDL_H_

#include <ntdef.h>
#include <wskconf/ke.h>

EXTERN_C_START

#ifndef PAGE_SIZE
#define PAGE_SIZE 0x1000
#endif
#ifndef PAGE_SHIFT
#define PAGE_SHIFT 12L
#endif

/* Offset of Va within its page, the page it starts, and page counts. */
#define BYTE_OFFSET(Va) ((ULONG)((LONG_PTR)(Va) & (PAGE_SIZE - 1)))
#define PAGE_ALIGN(Va) ((PVOID)((ULONG_PTR)(Va) & ~((ULONG_PTR)PAGE_SIZE - 1)))
#define BYTES_TO_PAGES(Size) \
  (((Size) >> PAGE_SHIFT) + (((Size) & (PAGE_SIZE - 1)) != 0))
#define ROUND_TO_PAGES(Size) \
  (((ULONG_PTR)(Size) + PAGE_SIZE - 1) & ~((ULONG_PTR)PAGE_SIZE - 1))
#define ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va, Size)                         \
  ((ULONG)((((ULONG_PTR)(Size)) >> PAGE_SHIFT) +                         \
           ((BYTE_OFFSET(Va) + ((ULONG_PTR)(Size) & (PAGE_SIZE - 1)) + \
             PAGE_SIZE - 1) >> PAGE_SHIFT)))

/* MDL.MdlFlags (VALUES.md section 4). */
#define MDL_MAPPED_TO_SYSTEM_VA 0x0001
#define MDL_PAGES_LOCKED 0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL 0x0004
#define MDL_ALLOCATED_FIXED_SIZE 0x0008
#define MDL_PARTIAL 0x0010
#define MDL_PARTIAL_HAS_BEEN_MAPPED 0x0020
#define MDL_IO_PAGE_READ 0x0040
#define MDL_WRITE_OPERATION 0x0080
#define MDL_LOCKED_PAGE_TABLES 0x0100
#define MDL_PARENT_MAPPED_SYSTEM_VA MDL_LOCKED_PAGE_TABLES
#define MDL_FREE_EXTRA_PTES 0x0200
#define MDL_DESCRIBES_AWE 0x0400
#define MDL_IO_SPACE 0x0800
#define MDL_NETWORK_HEADER 0x1000
#define MDL_MAPPING_CAN_FAIL 0x2000
#define MDL_PAGE_CONTENTS_INVARIANT 0x4000
#define MDL_ALLOCATED_MUST_SUCCEED MDL_PAGE_CONTENTS_INVARIANT
#define MDL_INTERNAL 0x8000

/* Priority for MmGetSystemAddressForMdlSafe, optionally ORed with a
 * MdlMapping* flag. */
typedef enum _MM_PAGE_PRIORITY {
  LowPagePriority = 0,
  NormalPagePriority = 16,
  HighPagePriority = 32
} MM_PAGE_PRIORITY;
#define MdlMappingNoWrite 0x80000000
#define MdlMappingNoExecute 0x40000000

typedef enum _LOCK_OPERATION {
  IoReadAccess = 0,
  IoWriteAccess = 1,
  IoModifyAccess = 2
} LOCK_OPERATION;

/* The MDL header; an array of PFN_NUMBERs (one per spanned page) follows.
 * Size is the whole allocation in bytes. StartVa is page-aligned; the buffer
 * starts ByteOffset bytes into that page and is ByteCount bytes long. Next
 * chains MDLs describing one buffer in pieces (a WSK_BUF may span a chain). */
typedef struct _MDL {
  struct _MDL *Next;
  CSHORT Size;
  CSHORT MdlFlags;
  struct _EPROCESS *Process;
  PVOID MappedSystemVa;
  PVOID StartVa;
  ULONG ByteCount;
  ULONG ByteOffset;
} MDL, *PMDL;
typedef MDL *PMDLX;

C_ASSERT(sizeof(MDL) == 48);

#define MmGetMdlPfnArray(Mdl) ((PPFN_NUMBER)((Mdl) + 1))
#define MmGetMdlVirtualAddress(Mdl) \
  ((PVOID)((PCHAR)((Mdl)->StartVa) + (Mdl)->ByteOffset))
#define MmGetMdlByteCount(Mdl) ((Mdl)->ByteCount)
#define MmGetMdlByteOffset(Mdl) ((Mdl)->ByteOffset)

/* Bytes an MDL describing Length bytes at Base needs, PFN array included.
 * Any IRQL. */
NTKERNELAPI SIZE_T MmSizeOfMdl(PVOID Base, SIZE_T Length);

/* Initializes caller memory (at least MmSizeOfMdl(BaseVa, Length) bytes) as
 * an MDL for Length bytes at BaseVa. Such an MDL is not tracked by the
 * verifier and must not be passed to IoFreeMdl. */
#define MmInitializeMdl(MemoryDescriptorList, BaseVa, Length)              \
  do {                                                                     \
    (MemoryDescriptorList)->Next = (PMDL)NULL;                             \
    (MemoryDescriptorList)->Size =                                         \
        (CSHORT)(sizeof(MDL) +                                             \
                 (sizeof(PFN_NUMBER) *                                     \
                  ADDRESS_AND_SIZE_TO_SPAN_PAGES((BaseVa), (Length))));    \
    (MemoryDescriptorList)->MdlFlags = 0;                                  \
    (MemoryDescriptorList)->Process = NULL;                                \
    (MemoryDescriptorList)->MappedSystemVa = NULL;                         \
    (MemoryDescriptorList)->StartVa = PAGE_ALIGN((BaseVa));                \
    (MemoryDescriptorList)->ByteCount = (ULONG)(Length);                   \
    (MemoryDescriptorList)->ByteOffset = BYTE_OFFSET((BaseVa));            \
  } while (0)

/* Allocates an MDL describing Length bytes at VirtualAddress (the pages are
 * neither locked nor mapped yet: call MmBuildMdlForNonPagedPool or
 * MmProbeAndLockPages). With an Irp, a primary buffer (SecondaryBuffer
 * FALSE) becomes Irp->MdlAddress and a secondary one is appended to the end
 * of that chain. Returns NULL when Length is above 4 GB - PAGE_SIZE or the
 * allocation fails (fault injection: WskconfAllocMdl). The caller frees
 * it with IoFreeMdl; until then WskconfCheckLeaks reports Leak.Mdl.
 * ChargeQuota is ignored. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI PMDL IoAllocateMdl(PVOID VirtualAddress, ULONG Length,
                               BOOLEAN SecondaryBuffer, BOOLEAN ChargeQuota,
                               struct _IRP *Irp);

/* Frees one MDL from IoAllocateMdl (not its chain). Reported:
 * Mdl.LockImbalance (pages still locked by MmProbeAndLockPages; freed
 * anyway), Mdl.UsedAfterFree (already freed, or not from IoAllocateMdl:
 * nothing is freed), Kernel.NullArgument. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID IoFreeMdl(PMDL Mdl);

/* Marks the MDL as describing nonpaged memory mapped at its virtual address
 * (MDL_SOURCE_IS_NONPAGED_POOL, MappedSystemVa) and fills the PFN array. Such
 * an MDL must not be probed, locked or unlocked. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID MmBuildMdlForNonPagedPool(PMDL MemoryDescriptorList);

/* Checks that the described range is mapped (readable; writable for
 * IoWriteAccess/IoModifyAccess), then sets MDL_PAGES_LOCKED and fills the PFN
 * array. An unmapped range raises STATUS_ACCESS_VIOLATION when the caller is
 * inside a __try (<wskconf/seh.h>), as on Windows; outside one it is
 * reported as Mdl.ProbeInvalidAddress and the MDL stays unlocked (Windows
 * would bug-check). Locking an MDL twice,
 * or one built by MmBuildMdlForNonPagedPool, is Mdl.LockImbalance. IRQL <=
 * DISPATCH_LEVEL. */
NTKERNELAPI VOID MmProbeAndLockPages(PMDL MemoryDescriptorList,
                                     KPROCESSOR_MODE AccessMode,
                                     LOCK_OPERATION Operation);

/* Unlocks pages locked by MmProbeAndLockPages and drops the system mapping.
 * Otherwise Mdl.LockImbalance and the MDL is left alone. IRQL <=
 * DISPATCH_LEVEL. */
NTKERNELAPI VOID MmUnlockPages(PMDL MemoryDescriptorList);

/* The system address of the buffer the MDL describes (its virtual address,
 * mapped on first use: MDL_MAPPED_TO_SYSTEM_VA). An MDL neither locked nor
 * built for nonpaged pool (Windows requires one of the two) is reported as
 * Mdl.LockImbalance and NULL returned; a freed MDL is reported as
 * Mdl.UsedAfterFree and NULL returned.
 * Priority is accepted. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI PVOID MmGetSystemAddressForMdlSafe(PMDL Mdl, ULONG Priority);

/* Builds TargetMdl (from IoAllocateMdl or MmInitializeMdl, large enough
 * for the range) to describe Length bytes at VirtualAddress inside
 * SourceMdl's buffer (Length 0: up to the end of the source). The partial
 * MDL (MDL_PARTIAL) shares the source's pages: it is mapped when the source
 * is nonpaged or mapped, otherwise MmGetSystemAddressForMdlSafe maps it on
 * demand (MDL_PARTIAL_HAS_BEEN_MAPPED). Reported, leaving the target alone:
 * a freed MDL (Mdl.UsedAfterFree), NULL (Kernel.NullArgument), a range
 * outside the source or a target too small (Mdl.PartialBuildInvalid). A
 * source neither locked nor nonpaged is reported under
 * Mdl.PartialBuildInvalid too, and the partial MDL is built. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl,
                                   PVOID VirtualAddress, ULONG Length);

/* Releases the on-demand mapping of a partial MDL so IoBuildPartialMdl can
 * reuse it. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID MmPrepareMdlForReuse(PMDL Mdl);

/* Runtime extension for providers (not in the WDK): checks an MDL chain a
 * client handed over (a WSK_BUF's Mdl) before using it. Reports
 * Mdl.UsedAfterFree, naming Routine, for the first MDL of the chain that was
 * freed with IoFreeMdl, and returns FALSE; returns TRUE for a usable chain,
 * including an empty (NULL) one. A freed MDL is never dereferenced. Any
 * IRQL. */
NTKERNELAPI BOOLEAN WskconfMdlChainIsUsable(PMDL Mdl, const char *Routine);

EXTERN_C_END

#endif /* WSKCONF_WDM_MDL_H_ */
