/* The provider's optional registration routine. WskQueryProviderCharacteristics
 * is looked up in the provider's image at run time instead of imported: a
 * driver that imports a routine its provider lacks does not load on
 * Windows, and under Wine the import resolves to a stub that ends
 * winedevice.exe when called (Wine 8's netio.sys exports the name, but only
 * as such a stub). The agent answers the call itself with
 * STATUS_NOT_IMPLEMENTED when the routine is not there. */
#include "agent.h"

#include <ntimage.h>

/* Exported by ntoskrnl on Windows and by Wine's ntoskrnl.exe; not declared
 * by mingw-w64's ddk headers. */
NTSYSAPI PVOID NTAPI RtlPcToFileHeader(PVOID PcValue, PVOID *BaseOfImage);
NTSYSAPI PVOID NTAPI RtlImageDirectoryEntryToData(PVOID Base,
                                                  BOOLEAN MappedAsImage,
                                                  USHORT DirectoryEntry,
                                                  PULONG Size);

static const char kQueryName[] = "WskQueryProviderCharacteristics";

static BOOLEAN SameName(const char *A, const char *B) {
  for (; *A != '\0' && *A == *B; ++A, ++B) {
  }
  return *A == *B;
}

static LONG Rel32(const UCHAR *At) {
  return (LONG)((ULONG)At[0] | ((ULONG)At[1] << 8) | ((ULONG)At[2] << 16) |
                ((ULONG)At[3] << 24));
}

/* Nonzero when Code is an "unimplemented function" stub: code that only
 * loads two string addresses (the module's name and its own export name)
 * into the first two argument registers and calls a reporter that never
 * returns, the shape Wine's tools give every routine a builtin DLL lists
 * without implementing:
 *   sub rsp,28h; lea rcx,[rip+m]; lea rdx,[rip+n]; call reporter
 * with n pointing at Name. No routine that does its work looks like it. */
static BOOLEAN IsUnimplementedStub(const UCHAR *Code, const char *Name) {
  static const UCHAR kSub[4] = {0x48, 0x83, 0xEC, 0x28};
  static const UCHAR kLeaRcx[3] = {0x48, 0x8D, 0x0D};
  static const UCHAR kLeaRdx[3] = {0x48, 0x8D, 0x15};
  const UCHAR *name_lea = Code + 11;
  if (RtlCompareMemory(Code, kSub, 4) != 4 ||
      RtlCompareMemory(Code + 4, kLeaRcx, 3) != 3 ||
      RtlCompareMemory(name_lea, kLeaRdx, 3) != 3 || Code[18] != 0xE8) {
    return FALSE;
  }
  return SameName((const char *)(name_lea + 7 + Rel32(name_lea + 3)), Name);
}

/* The address Name is exported at in the image at Base, NULL if it is not
 * exported (or only forwarded elsewhere). */
static PVOID FindExport(PUCHAR Base, const char *Name) {
  ULONG size = 0, i;
  PIMAGE_EXPORT_DIRECTORY dir = RtlImageDirectoryEntryToData(
      Base, TRUE, IMAGE_DIRECTORY_ENTRY_EXPORT, &size);
  const ULONG *names, *functions;
  const USHORT *ordinals;
  if (dir == NULL) return NULL;
  names = (const ULONG *)(Base + dir->AddressOfNames);
  ordinals = (const USHORT *)(Base + dir->AddressOfNameOrdinals);
  functions = (const ULONG *)(Base + dir->AddressOfFunctions);
  for (i = 0; i < dir->NumberOfNames; ++i) {
    ULONG rva;
    if (!SameName((const char *)(Base + names[i]), Name)) continue;
    if (ordinals[i] >= dir->NumberOfFunctions) return NULL;
    rva = functions[ordinals[i]];
    /* A forwarder's RVA points into the export directory itself. */
    if (rva >= (ULONG)((PUCHAR)dir - Base) &&
        rva < (ULONG)((PUCHAR)dir - Base) + size) {
      return NULL;
    }
    return Base + rva;
  }
  return NULL;
}

AGENT_QUERY_ROUTINE AgentFindQueryRoutine(const char **Why) {
  PVOID base = NULL, routine;
  if (RtlPcToFileHeader((PVOID)WskRegister, &base) == NULL || base == NULL) {
    *Why = "the provider's image (the one exporting WskRegister) was not "
           "found, so WskQueryProviderCharacteristics cannot be looked up";
    return NULL;
  }
  routine = FindExport(base, kQueryName);
  if (routine == NULL) {
    *Why = "the provider does not export WskQueryProviderCharacteristics";
    return NULL;
  }
  if (IsUnimplementedStub(routine, kQueryName)) {
    *Why = "the provider exports WskQueryProviderCharacteristics only as an "
           "unimplemented-function stub (calling it would end the kernel's "
           "process)";
    return NULL;
  }
  *Why = NULL;
  return (AGENT_QUERY_ROUTINE)routine;
}
