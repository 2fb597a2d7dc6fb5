/* Base NT types with Windows (LLP64) widths, the export and calling-convention
 * macros, and the small helpers (FIELD_OFFSET, CONTAINING_RECORD, LIST_ENTRY,
 * UNICODE_STRING) every other header of the runtime builds on. */
#ifndef WSKCONF_NTDEF_H_
#define WSKCONF_NTDEF_H_

#include <stddef.h>
#include <stdint.h>

#include <sal.h>
#include <wskconf/msvc_compat.h>

/* This runtime is a kernel-mode target in the WDK's sense: driver code that
 * tests _KERNEL_MODE (set by the WDK's /kernel switch) takes its kernel
 * branch. _WIN32/_WIN64 are not defined: host libraries would take them for
 * a Windows build. */
#ifndef _KERNEL_MODE
#define _KERNEL_MODE 1
#endif
#if defined(__x86_64__) && !defined(_AMD64_)
#define _AMD64_ 1
#endif

/* Target-version constants (sdkddkver.h) and the version this runtime
 * models, so `#if NTDDI_VERSION >= NTDDI_WIN8` takes the modern branch. */
#define NTDDI_WIN7 0x06010000
#define NTDDI_WIN8 0x06020000
#define NTDDI_WINBLUE 0x06030000
#define NTDDI_WIN10 0x0A000000
#define NTDDI_WIN10_RS1 0x0A000002
#define NTDDI_WIN10_RS5 0x0A000006
#define NTDDI_WIN10_VB 0x0A000008
#define NTDDI_WIN10_FE 0x0A00000A
#ifndef NTDDI_VERSION
#define NTDDI_VERSION NTDDI_WIN10_FE
#endif
#define _WIN32_WINNT_WIN7 0x0601
#define _WIN32_WINNT_WIN8 0x0602
#define _WIN32_WINNT_WIN10 0x0A00

#ifdef __cplusplus
#define EXTERN_C extern "C"
#define EXTERN_C_START extern "C" {
#define EXTERN_C_END }
#else
#define EXTERN_C extern
#define EXTERN_C_START
#define EXTERN_C_END
#endif

/* Calling conventions do not exist on x86-64 Linux; keep the words. */
#define NTAPI
#define NTAPI_INLINE
#define WINAPI
#define FASTCALL
#define __stdcall
#define __cdecl
#define __fastcall
#define DECLSPEC_IMPORT
#define DECLSPEC_NOINLINE __attribute__((noinline))
#define DECLSPEC_NORETURN __attribute__((noreturn))
#define DECLSPEC_ALIGN(x) __attribute__((aligned(x)))
#define DECLSPEC_CACHEALIGN DECLSPEC_ALIGN(64)
#define FORCEINLINE static inline __attribute__((always_inline))
#ifndef __forceinline
#define __forceinline inline __attribute__((always_inline))
#endif
#define NTKERNELAPI __attribute__((visibility("default")))
#define NTSYSAPI __attribute__((visibility("default")))
#define NTHALAPI __attribute__((visibility("default")))
#define NTSYSCALLAPI __attribute__((visibility("default")))

#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif
#ifndef CONST
#define CONST const
#endif
#define UNALIGNED
#define RESTRICTED_POINTER

/* Integer types: ULONG and LONG are 32 bits as on Windows, not Linux's long. */
typedef void VOID, *PVOID, **PPVOID;
typedef const void *PCVOID;
typedef char CHAR, *PCHAR, *PSTR, *LPSTR;
typedef const char *PCSTR, *LPCSTR, *PCSZ;
typedef signed char CCHAR, SCHAR, *PSCHAR;
typedef unsigned char UCHAR, *PUCHAR, BYTE, *PBYTE, BOOLEAN, *PBOOLEAN;
typedef int16_t SHORT, *PSHORT, CSHORT, *PCSHORT;
typedef uint16_t USHORT, *PUSHORT, WORD, *PWORD;
typedef int32_t LONG, *PLONG, INT, *PINT, BOOL;
typedef uint32_t ULONG, *PULONG, UINT, *PUINT, DWORD, *PDWORD, ULONG32, UINT32;
typedef int32_t LONG32, INT32;
typedef int64_t LONGLONG, *PLONGLONG, LONG64, *PLONG64, INT64;
typedef uint64_t ULONGLONG, *PULONGLONG, ULONG64, *PULONG64, DWORD64, UINT64;
typedef intptr_t LONG_PTR, *PLONG_PTR, INT_PTR, SSIZE_T, *PSSIZE_T;
typedef uintptr_t ULONG_PTR, *PULONG_PTR, UINT_PTR, DWORD_PTR, KAFFINITY;
typedef size_t SIZE_T, *PSIZE_T;
typedef float FLOAT;
typedef double DOUBLE;
typedef void *HANDLE, **PHANDLE;
typedef ULONG LOGICAL, *PLOGICAL;
typedef ULONG ACCESS_MASK, *PACCESS_MASK;
typedef ULONG CLONG;
typedef LONG KPRIORITY;
typedef ULONG_PTR PFN_NUMBER, *PPFN_NUMBER;
typedef int8_t INT8, *PINT8;
typedef uint8_t UINT8, *PUINT8;
typedef int16_t INT16, *PINT16;
typedef uint16_t UINT16, *PUINT16;
typedef int32_t *PLONG32, *PINT32;
typedef uint32_t *PULONG32, *PUINT32, *PDWORD32, DWORD32;
typedef int64_t *PINT64;
typedef uint64_t *PUINT64, *PDWORD64;
typedef int32_t HALF_PTR, *PHALF_PTR;
typedef uint32_t UHALF_PTR, *PUHALF_PTR;
typedef void *PVOID64;
typedef ULONG_PTR *PKAFFINITY;
typedef BYTE *LPBYTE;
typedef LONGLONG USN;
typedef ULONG LCID, *PLCID;
typedef USHORT LANGID;
typedef char *PSZ;
typedef const char *PCCH, *PCCHAR;
typedef char *PCH, *LPCH, *PNZCH;
typedef const char *PCNZCH;
typedef char *PZZSTR;
typedef const char *PCZZSTR;
typedef BOOLEAN *PBOOL_UCHAR;
typedef LONG *LPLONG;
typedef DWORD *LPDWORD;
typedef void *LPVOID;
typedef const void *LPCVOID;

/* WCHAR is the host's wchar_t so that L"..." literals initialise
 * UNICODE_STRINGs as driver code writes them. Its width (4 bytes on Linux,
 * 2 on Windows) is the one deliberate departure from Windows' type widths. */
typedef wchar_t WCHAR, *PWCHAR, *PWCH, *PWSTR, *LPWSTR, *PZZWSTR, *PNZWCH;
typedef const wchar_t *PCWCH, *PCWSTR, *LPCWSTR, *PCWCHAR, *PCZZWSTR, *PCNZWCH;

#define TRUE 1
#define FALSE 0
#ifndef NULL
#define NULL ((void *)0)
#endif
#define NOTHING
#define ANYSIZE_ARRAY 1
#define UNICODE_NULL ((WCHAR)0)
#define ANSI_NULL ((CHAR)0)
#define UNICODE_STRING_MAX_BYTES ((USHORT)65534)
#define UNICODE_STRING_MAX_CHARS (32767)

/* Limits, with the types and spellings of ntdef.h/basetsd.h. */
#define MINCHAR 0x80
#define MAXCHAR 0x7f
#define MINSHORT 0x8000
#define MAXSHORT 0x7fff
#define MINLONG 0x80000000
#define MAXLONG 0x7fffffff
#define MAXUCHAR 0xff
#define MAXUSHORT 0xffff
#define MAXULONG 0xffffffff
#define MAXBYTE 0xff
#define MAXWORD 0xffff
#define MAXDWORD 0xffffffff
#define MAXLONGLONG (0x7fffffffffffffffLL)
#define MINLONGLONG ((LONGLONG)~MAXLONGLONG)
#define MAXULONGLONG ((ULONGLONG)~((ULONGLONG)0))
#define MAXUINT8 ((UINT8)~((UINT8)0))
#define MAXINT8 ((INT8)(MAXUINT8 >> 1))
#define MININT8 ((INT8)~MAXINT8)
#define MAXUINT16 ((UINT16)~((UINT16)0))
#define MAXINT16 ((INT16)(MAXUINT16 >> 1))
#define MININT16 ((INT16)~MAXINT16)
#define MAXUINT32 ((UINT32)~((UINT32)0))
#define MAXINT32 ((INT32)(MAXUINT32 >> 1))
#define MININT32 ((INT32)~MAXINT32)
#define MAXUINT64 ((UINT64)~((UINT64)0))
#define MAXINT64 ((INT64)(MAXUINT64 >> 1))
#define MININT64 ((INT64)~MAXINT64)
#define MAXULONG32 ((ULONG32)~((ULONG32)0))
#define MAXLONG32 ((LONG32)(MAXULONG32 >> 1))
#define MINLONG32 ((LONG32)~MAXLONG32)
#define MAXULONG64 ((ULONG64)~((ULONG64)0))
#define MAXLONG64 ((LONG64)(MAXULONG64 >> 1))
#define MINLONG64 ((LONG64)~MAXLONG64)
#define MAXUINT ((UINT)~((UINT)0))
#define MAXINT ((INT)(MAXUINT >> 1))
#define MININT ((INT)~MAXINT)
#define MAXULONG_PTR (~((ULONG_PTR)0))
#define MAXLONG_PTR ((LONG_PTR)(MAXULONG_PTR >> 1))
#define MINLONG_PTR (~MAXLONG_PTR)
#define MAXUINT_PTR (~((UINT_PTR)0))
#define MAXINT_PTR ((INT_PTR)(MAXUINT_PTR >> 1))
#define MININT_PTR (~MAXINT_PTR)
#define MAXUHALF_PTR ((UHALF_PTR)~0)
#define MAXHALF_PTR ((HALF_PTR)(MAXUHALF_PTR >> 1))
#define MINHALF_PTR (~MAXHALF_PTR)
#define MAXSIZE_T ((SIZE_T)~((SIZE_T)0))
#define MAXSSIZE_T ((SSIZE_T)(MAXSIZE_T >> 1))
#define MINSSIZE_T ((SSIZE_T)~MAXSSIZE_T)

/* 32x32 -> 64 bit multiplication and 64-bit shifts by a count mod 32. */
#define Int32x32To64(a, b) ((LONGLONG)((LONG)(a)) * (LONGLONG)((LONG)(b)))
#define UInt32x32To64(a, b) \
  ((ULONGLONG)((ULONG)(a)) * (ULONGLONG)((ULONG)(b)))
#define Int64ShllMod32(a, b) ((ULONGLONG)(a) << ((b) & 31))
#define Int64ShraMod32(a, b) ((LONGLONG)(a) >> ((b) & 31))
#define Int64ShrlMod32(a, b) ((ULONGLONG)(a) >> ((b) & 31))

/* min/max: macros in C as in ntdef.h. In C++ they are function templates in
 * the global namespace instead (returning the promoted type the C macro
 * yields), so std::min, std::max and numeric_limits<T>::max() keep
 * working; NOMINMAX suppresses both. */
#ifndef NOMINMAX
#ifndef __cplusplus
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#else
template <typename A, typename B>
constexpr auto min(A a, B b) -> decltype(+(a < b ? a : b)) {
  return a < b ? a : b;
}
template <typename A, typename B>
constexpr auto max(A a, B b) -> decltype(+(a > b ? a : b)) {
  return a > b ? a : b;
}
#endif
#endif

/* Handles typed per kind, as DECLARE_HANDLE does with STRICT. */
#define DECLARE_HANDLE(name) \
  struct name##__ {          \
    int unused;              \
  };                         \
  typedef struct name##__ *name

/* Alignment of every pool block and heap allocation on x64. */
#define MAX_NATURAL_ALIGNMENT sizeof(ULONGLONG)
#define MEMORY_ALLOCATION_ALIGNMENT 16
#define TYPE_ALIGNMENT(t) __alignof__(t)
#define PROBE_ALIGNMENT(s) TYPE_ALIGNMENT(ULONG)
#define ALIGN_DOWN_BY(length, alignment) \
  ((ULONG_PTR)(length) & ~((ULONG_PTR)(alignment) - 1))
#define ALIGN_UP_BY(length, alignment) \
  (ALIGN_DOWN_BY(((ULONG_PTR)(length) + (alignment) - 1), alignment))
#define ALIGN_DOWN_POINTER_BY(address, alignment) \
  ((PVOID)((ULONG_PTR)(address) & ~((ULONG_PTR)(alignment) - 1)))
#define ALIGN_UP_POINTER_BY(address, alignment) \
  (ALIGN_DOWN_POINTER_BY(((ULONG_PTR)(address) + (alignment) - 1), alignment))
#define ALIGN_DOWN(length, type) ALIGN_DOWN_BY(length, sizeof(type))
#define ALIGN_UP(length, type) ALIGN_UP_BY(length, sizeof(type))
#define ALIGN_DOWN_POINTER(address, type) \
  ALIGN_DOWN_POINTER_BY(address, sizeof(type))
#define ALIGN_UP_POINTER(address, type) ALIGN_UP_POINTER_BY(address, sizeof(type))

/* Nameless unions and structs are supported, so the DUMMY names are empty
 * unless NONAMELESSUNION asks for named members (u, s, ...). */
#ifndef DUMMYUNIONNAME
#ifdef NONAMELESSUNION
#define DUMMYUNIONNAME u
#define DUMMYUNIONNAME2 u2
#define DUMMYUNIONNAME3 u3
#define DUMMYUNIONNAME4 u4
#define DUMMYUNIONNAME5 u5
#define DUMMYUNIONNAME6 u6
#define DUMMYUNIONNAME7 u7
#define DUMMYUNIONNAME8 u8
#define DUMMYUNIONNAME9 u9
#else
#define DUMMYUNIONNAME
#define DUMMYUNIONNAME2
#define DUMMYUNIONNAME3
#define DUMMYUNIONNAME4
#define DUMMYUNIONNAME5
#define DUMMYUNIONNAME6
#define DUMMYUNIONNAME7
#define DUMMYUNIONNAME8
#define DUMMYUNIONNAME9
#endif
#endif
#ifndef DUMMYSTRUCTNAME
#ifdef NONAMELESSUNION
#define DUMMYSTRUCTNAME s
#define DUMMYSTRUCTNAME2 s2
#define DUMMYSTRUCTNAME3 s3
#define DUMMYSTRUCTNAME4 s4
#define DUMMYSTRUCTNAME5 s5
#else
#define DUMMYSTRUCTNAME
#define DUMMYSTRUCTNAME2
#define DUMMYSTRUCTNAME3
#define DUMMYSTRUCTNAME4
#define DUMMYSTRUCTNAME5
#endif
#endif

/* Flag helpers. */
#define FlagOn(_F, _SF) ((_F) & (_SF))
#define BooleanFlagOn(F, SF) ((BOOLEAN)(((F) & (SF)) != 0))
#define SetFlag(_F, _SF) ((_F) |= (_SF))
#define ClearFlag(_F, _SF) ((_F) &= ~(_SF))
#define ARGUMENT_PRESENT(ArgumentPointer) \
  ((CHAR *)((ULONG_PTR)(ArgumentPointer)) != (CHAR *)NULL)

/* NTSTATUS: see ntstatus.h for the values. */
typedef LONG NTSTATUS, *PNTSTATUS;
#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)
#define NT_INFORMATION(Status) ((((ULONG)(Status)) >> 30) == 1)
#define NT_WARNING(Status) ((((ULONG)(Status)) >> 30) == 2)
#define NT_ERROR(Status) ((((ULONG)(Status)) >> 30) == 3)

typedef union _LARGE_INTEGER {
  struct {
    ULONG LowPart;
    LONG HighPart;
  };
  struct {
    ULONG LowPart;
    LONG HighPart;
  } u;
  LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
  struct {
    ULONG LowPart;
    ULONG HighPart;
  };
  struct {
    ULONG LowPart;
    ULONG HighPart;
  } u;
  ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

typedef struct _GUID {
  ULONG Data1;
  USHORT Data2;
  USHORT Data3;
  UCHAR Data4[8];
} GUID, *PGUID, *LPGUID;
typedef const GUID *PCGUID, *LPCGUID;
#ifdef __cplusplus
#define REFGUID const GUID &
#else
#define REFGUID const GUID *
#endif

/* Compile-time and layout helpers. */
#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#define RTL_FIELD_SIZE(type, field) (sizeof(((type *)0)->field))
#define RTL_SIZEOF_THROUGH_FIELD(type, field) \
  (FIELD_OFFSET(type, field) + RTL_FIELD_SIZE(type, field))
#define RTL_NUMBER_OF(a) (sizeof(a) / sizeof((a)[0]))
#define ARRAYSIZE(a) RTL_NUMBER_OF(a)
#define CONTAINING_RECORD(address, type, field) \
  ((type *)((PCHAR)(address) - (ULONG_PTR)offsetof(type, field)))
#ifdef __cplusplus
#define C_ASSERT(e) static_assert((e), #e)
#else
#define C_ASSERT(e) _Static_assert((e), #e)
#endif
#define UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))
#define UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))

/* Doubly linked list with sentinel head, as in the WDK. The inline helpers
 * live in wdm.h. */
typedef struct _LIST_ENTRY {
  struct _LIST_ENTRY *Flink;
  struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

typedef struct _SINGLE_LIST_ENTRY {
  struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

/* Counted strings: Length and MaximumLength are in bytes. */
typedef struct _UNICODE_STRING {
  USHORT Length;
  USHORT MaximumLength;
  PWCH Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;

typedef struct _STRING {
  USHORT Length;
  USHORT MaximumLength;
  PCHAR Buffer;
} STRING, *PSTRING, ANSI_STRING, *PANSI_STRING;

typedef STRING OEM_STRING, *POEM_STRING, CANSI_STRING, *PCANSI_STRING;
typedef const STRING *PCOEM_STRING;
typedef struct _CSTRING {
  USHORT Length;
  USHORT MaximumLength;
  const char *Buffer;
} CSTRING, *PCSTRING;

/* A counted string over a literal, ANSI ("...") or Unicode (L"..."). */
#ifdef __cplusplus
template <typename T, size_t N>
constexpr T *WskconfConstStringBuffer(const T (&s)[N]) {
  return const_cast<T *>(s);
}
#define WSKCONF_CONST_STRING_BUFFER_(s) WskconfConstStringBuffer(s)
#else
#define WSKCONF_CONST_STRING_BUFFER_(s) \
  _Generic((s)[0], char: (PCHAR)(s), default: (PWCH)(s))
#endif
#define RTL_CONSTANT_STRING(s)                                      \
  {                                                                 \
    (USHORT)(sizeof(s) - sizeof((s)[0])), (USHORT)sizeof(s),        \
        WSKCONF_CONST_STRING_BUFFER_(s)                             \
  }
#define DECLARE_CONST_UNICODE_STRING(name, s) \
  const UNICODE_STRING name = RTL_CONSTANT_STRING(s)
#define DECLARE_GLOBAL_CONST_UNICODE_STRING(name, s) \
  const UNICODE_STRING name = RTL_CONSTANT_STRING(s)
/* A local UNICODE_STRING with a buffer of size WCHARs. */
#define DECLARE_UNICODE_STRING_SIZE(name, size)                  \
  WCHAR name##_buffer[size];                                      \
  UNICODE_STRING name = {0, (USHORT)((size) * sizeof(WCHAR)), name##_buffer}

typedef struct _OBJECT_ATTRIBUTES {
  ULONG Length;
  HANDLE RootDirectory;
  PUNICODE_STRING ObjectName;
  ULONG Attributes;
  PVOID SecurityDescriptor;
  PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;
#define OBJ_INHERIT 0x00000002L
#define OBJ_CASE_INSENSITIVE 0x00000040L
#define OBJ_KERNEL_HANDLE 0x00000200L
#define InitializeObjectAttributes(p, n, a, r, s) \
  do {                                            \
    (p)->Length = sizeof(OBJECT_ATTRIBUTES);      \
    (p)->RootDirectory = (r);                     \
    (p)->Attributes = (a);                        \
    (p)->ObjectName = (n);                        \
    (p)->SecurityDescriptor = (s);                \
    (p)->SecurityQualityOfService = NULL;         \
  } while (0)

typedef struct _CLIENT_ID {
  HANDLE UniqueProcess;
  HANDLE UniqueThread;
} CLIENT_ID, *PCLIENT_ID;

#endif /* WSKCONF_NTDEF_H_ */
