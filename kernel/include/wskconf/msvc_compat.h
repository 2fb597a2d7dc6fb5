/* The Microsoft compiler words driver code writes (__declspec forms, the
 * sized __intN types, __pragma, __noop, __assume, pointer qualifiers),
 * mapped to GCC/Clang attributes or to nothing. Included by ntdef.h.
 *
 * __declspec(x) expands to WSKCONF_DECLSPEC_x: the forms below are
 * supported; any other is a compile error naming WSKCONF_DECLSPEC_<form>,
 * never silently dropped.
 *   dllexport        visibility("default") (the symbol is exported)
 *   dllimport        nothing (symbols resolve at link time)
 *   noinline, noreturn, nothrow, align(n), thread (__thread),
 *   selectany        weak (one definition kept across translation units)
 *   restrict         the returned pointer aliases nothing (malloc)
 *   novtable, noalias, safebuffers, empty_bases, uuid("..."),
 *   code_seg("..."), allocate("..."), guard(...)   nothing */
#ifndef WSKCONF_MSVC_COMPAT_H_
#define WSKCONF_MSVC_COMPAT_H_

/* A compiler that knows __declspec itself (mingw-w64 predefines it) keeps
 * its own. */
#ifndef __declspec
#define __declspec(x) WSKCONF_DECLSPEC_##x
#endif
#define WSKCONF_DECLSPEC_dllexport __attribute__((visibility("default")))
#define WSKCONF_DECLSPEC_dllimport
#define WSKCONF_DECLSPEC_noinline __attribute__((noinline))
#define WSKCONF_DECLSPEC_noreturn __attribute__((noreturn))
#define WSKCONF_DECLSPEC_nothrow __attribute__((nothrow))
#define WSKCONF_DECLSPEC_align(n) __attribute__((aligned(n)))
#define WSKCONF_DECLSPEC_thread __thread
#define WSKCONF_DECLSPEC_selectany __attribute__((weak))
#define WSKCONF_DECLSPEC_restrict __attribute__((malloc))
#define WSKCONF_DECLSPEC_novtable
#define WSKCONF_DECLSPEC_noalias
#define WSKCONF_DECLSPEC_safebuffers
#define WSKCONF_DECLSPEC_empty_bases
#define WSKCONF_DECLSPEC_uuid(s)
#define WSKCONF_DECLSPEC_code_seg(s)
#define WSKCONF_DECLSPEC_allocate(s)
#define WSKCONF_DECLSPEC_guard(s)

/* The DECLSPEC_* spellings of winnt.h/ntdef.h built on them. */
#define DECLSPEC_EXPORT __declspec(dllexport)
#define DECLSPEC_SELECTANY __declspec(selectany)
#define DECLSPEC_NOTHROW __declspec(nothrow)
#define DECLSPEC_NOVTABLE __declspec(novtable)
#define DECLSPEC_NOALIAS __declspec(noalias)
#define DECLSPEC_RESTRICT __declspec(restrict)
#define DECLSPEC_SAFEBUFFERS __declspec(safebuffers)
#define DECLSPEC_UUID(x) __declspec(uuid(x))
#define DECLSPEC_DEPRECATED __attribute__((deprecated))
#define DECLSPEC_ALLOCATOR
#define DECLSPEC_GUARDNOCF
#define DECLSPEC_GUARD_SUPPRESS
#define DECLSPEC_ADDRSAFE
#define DECLSPEC_NOSANITIZE_ADDRESS __attribute__((no_sanitize_address))
#define DECLSPEC_CHPE_GUEST

/* Sized integer keywords: `unsigned __int64` works as on MSVC. */
#ifndef __int8
#define __int8 char
#endif
#ifndef __int16
#define __int16 short
#endif
#ifndef __int32
#define __int32 int
#endif
#ifndef __int64
#define __int64 long long
#endif

/* Pointer qualifiers with no meaning on x86-64. */
#ifndef __unaligned
#define __unaligned
#endif
#ifndef __ptr64
#define __ptr64
#endif
#ifndef __ptr32
#define __ptr32
#endif
#ifndef __w64
#define __w64
#endif
#define UNALIGNED64
#define POINTER_64
#define POINTER_32
#define FIRMWARE_PTR

/* __pragma(...) inside macros: the pragmas drivers use this way (warning,
 * alloc_text, code_seg) mean nothing here. */
#define __pragma(x)

/* __noop(...) evaluates and generates nothing, as on MSVC. */
#define __noop(...) ((void)0)

/* __assume(e): the optimizer may take e as true. */
#define __assume(e) ((e) ? (void)0 : __builtin_unreachable())
#define __analysis_assume(e) ((void)0)

#endif /* WSKCONF_MSVC_COMPAT_H_ */
