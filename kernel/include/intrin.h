/* The Microsoft compiler intrinsics driver code calls (<intrin.h>), as
 * inline functions over GCC/Clang builtins with MSVC's names, argument
 * order and results. wdm.h includes it, as the WDK's does.
 *
 * Departures: __debugbreak() does not trap; it reports through
 * DbgBreakPoint (a "break point" line on stderr) and execution goes on, as
 * the runtime's DbgBreakPoint does. __fastfail(code) bug-checks with
 * KERNEL_SECURITY_CHECK_FAILURE (0x139), which aborts the process. */
#ifndef WSKCONF_INTRIN_H_
#define WSKCONF_INTRIN_H_

#include <ntdef.h>

EXTERN_C_START

NTSYSAPI VOID DbgBreakPoint(VOID);
NTKERNELAPI DECLSPEC_NORETURN VOID KeBugCheckEx(ULONG BugCheckCode,
                                                ULONG_PTR BugCheckParameter1,
                                                ULONG_PTR BugCheckParameter2,
                                                ULONG_PTR BugCheckParameter3,
                                                ULONG_PTR BugCheckParameter4);

#define __debugbreak() DbgBreakPoint()
#define __fastfail(code) KeBugCheckEx(0x139, (ULONG_PTR)(code), 0, 0, 0)
#define __nop() __asm__ __volatile__("nop")
#define _mm_pause() __builtin_ia32_pause()
#define __rdtsc() __builtin_ia32_rdtsc()
#define _ReturnAddress() __builtin_return_address(0)
#define _AddressOfReturnAddress() \
  ((PVOID)((PCHAR)__builtin_frame_address(0) + sizeof(PVOID)))
/* Compiler-only barriers (no fence instruction), as on MSVC. */
#define _ReadWriteBarrier() __asm__ __volatile__("" ::: "memory")
#define _ReadBarrier() _ReadWriteBarrier()
#define _WriteBarrier() _ReadWriteBarrier()
#define __faststorefence() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/* ---- Bit scans: FALSE (and *Index untouched) when Mask is 0. ----------- */
FORCEINLINE BOOLEAN _BitScanForward(ULONG *Index, ULONG Mask) {
  if (Mask == 0) return FALSE;
  *Index = (ULONG)__builtin_ctz(Mask);
  return TRUE;
}
FORCEINLINE BOOLEAN _BitScanReverse(ULONG *Index, ULONG Mask) {
  if (Mask == 0) return FALSE;
  *Index = 31u - (ULONG)__builtin_clz(Mask);
  return TRUE;
}
FORCEINLINE BOOLEAN _BitScanForward64(ULONG *Index, ULONG64 Mask) {
  if (Mask == 0) return FALSE;
  *Index = (ULONG)__builtin_ctzll(Mask);
  return TRUE;
}
FORCEINLINE BOOLEAN _BitScanReverse64(ULONG *Index, ULONG64 Mask) {
  if (Mask == 0) return FALSE;
  *Index = 63u - (ULONG)__builtin_clzll(Mask);
  return TRUE;
}

/* ---- Bit tests: the bit's old value; b counts from bit 0 of *a. -------- */
FORCEINLINE UCHAR _bittest(LONG const *a, LONG b) {
  return (UCHAR)((((const ULONG *)a)[b >> 5] >> (b & 31)) & 1);
}
FORCEINLINE UCHAR _bittestandset(LONG *a, LONG b) {
  UCHAR old = _bittest(a, b);
  ((ULONG *)a)[b >> 5] |= 1u << (b & 31);
  return old;
}
FORCEINLINE UCHAR _bittestandreset(LONG *a, LONG b) {
  UCHAR old = _bittest(a, b);
  ((ULONG *)a)[b >> 5] &= ~(1u << (b & 31));
  return old;
}
FORCEINLINE UCHAR _bittestandcomplement(LONG *a, LONG b) {
  UCHAR old = _bittest(a, b);
  ((ULONG *)a)[b >> 5] ^= 1u << (b & 31);
  return old;
}
FORCEINLINE UCHAR _bittest64(LONG64 const *a, LONG64 b) {
  return (UCHAR)((((const ULONG64 *)a)[b >> 6] >> (b & 63)) & 1);
}
FORCEINLINE UCHAR _bittestandset64(LONG64 *a, LONG64 b) {
  UCHAR old = _bittest64(a, b);
  ((ULONG64 *)a)[b >> 6] |= 1ull << (b & 63);
  return old;
}
FORCEINLINE UCHAR _bittestandreset64(LONG64 *a, LONG64 b) {
  UCHAR old = _bittest64(a, b);
  ((ULONG64 *)a)[b >> 6] &= ~(1ull << (b & 63));
  return old;
}
FORCEINLINE UCHAR _interlockedbittestandset(LONG volatile *a, LONG b) {
  ULONG bit = 1u << (b & 31);
  return (UCHAR)((__atomic_fetch_or((ULONG volatile *)a + (b >> 5), bit,
                                    __ATOMIC_SEQ_CST) & bit) != 0);
}
FORCEINLINE UCHAR _interlockedbittestandreset(LONG volatile *a, LONG b) {
  ULONG bit = 1u << (b & 31);
  return (UCHAR)((__atomic_fetch_and((ULONG volatile *)a + (b >> 5), ~bit,
                                     __ATOMIC_SEQ_CST) & bit) != 0);
}

/* ---- Counting, rotation, byte order ------------------------------------ */
FORCEINLINE USHORT __popcnt16(USHORT v) { return (USHORT)__builtin_popcount(v); }
FORCEINLINE UINT __popcnt(UINT v) { return (UINT)__builtin_popcount(v); }
FORCEINLINE ULONG64 __popcnt64(ULONG64 v) { return (ULONG64)__builtin_popcountll(v); }
/* Leading zeros; the full width for 0. */
FORCEINLINE USHORT __lzcnt16(USHORT v) {
  return v == 0 ? 16 : (USHORT)(__builtin_clz(v) - 16);
}
FORCEINLINE UINT __lzcnt(UINT v) { return v == 0 ? 32 : (UINT)__builtin_clz(v); }
FORCEINLINE ULONG64 __lzcnt64(ULONG64 v) {
  return v == 0 ? 64 : (ULONG64)__builtin_clzll(v);
}
FORCEINLINE UINT _rotl(UINT v, int s) {
  s &= 31;
  return s == 0 ? v : (v << s) | (v >> (32 - s));
}
FORCEINLINE UINT _rotr(UINT v, int s) {
  s &= 31;
  return s == 0 ? v : (v >> s) | (v << (32 - s));
}
FORCEINLINE ULONG64 _rotl64(ULONG64 v, int s) {
  s &= 63;
  return s == 0 ? v : (v << s) | (v >> (64 - s));
}
FORCEINLINE ULONG64 _rotr64(ULONG64 v, int s) {
  s &= 63;
  return s == 0 ? v : (v >> s) | (v << (64 - s));
}
FORCEINLINE USHORT _byteswap_ushort(USHORT v) { return __builtin_bswap16(v); }
FORCEINLINE ULONG _byteswap_ulong(ULONG v) { return __builtin_bswap32(v); }
FORCEINLINE ULONG64 _byteswap_uint64(ULONG64 v) { return __builtin_bswap64(v); }

/* ---- 128-bit multiply and shifts --------------------------------------- */
FORCEINLINE ULONG64 _umul128(ULONG64 a, ULONG64 b, ULONG64 *high) {
  unsigned __int128 r = (unsigned __int128)a * b;
  *high = (ULONG64)(r >> 64);
  return (ULONG64)r;
}
FORCEINLINE LONG64 _mul128(LONG64 a, LONG64 b, LONG64 *high) {
  __int128 r = (__int128)a * b;
  *high = (LONG64)(r >> 64);
  return (LONG64)r;
}
FORCEINLINE ULONG64 __umulh(ULONG64 a, ULONG64 b) {
  return (ULONG64)(((unsigned __int128)a * b) >> 64);
}
FORCEINLINE ULONG64 __shiftleft128(ULONG64 low, ULONG64 high, UCHAR s) {
  unsigned __int128 v = ((unsigned __int128)high << 64) | low;
  return (ULONG64)((v << (s & 63)) >> 64);
}
FORCEINLINE ULONG64 __shiftright128(ULONG64 low, ULONG64 high, UCHAR s) {
  unsigned __int128 v = ((unsigned __int128)high << 64) | low;
  return (ULONG64)(v >> (s & 63));
}

/* ---- The underscore Interlocked intrinsics (the unprefixed names of
 * wdm.h are in <wskconf/ke_interlocked.h>). ------------------------------ */
#define WSKCONF_SEQ_ __ATOMIC_SEQ_CST
FORCEINLINE LONG _InterlockedIncrement(LONG volatile *a) {
  return __atomic_add_fetch(a, 1, WSKCONF_SEQ_);
}
FORCEINLINE LONG _InterlockedDecrement(LONG volatile *a) {
  return __atomic_sub_fetch(a, 1, WSKCONF_SEQ_);
}
FORCEINLINE LONG _InterlockedExchange(LONG volatile *a, LONG v) {
  return __atomic_exchange_n(a, v, WSKCONF_SEQ_);
}
FORCEINLINE LONG _InterlockedExchangeAdd(LONG volatile *a, LONG v) {
  return __atomic_fetch_add(a, v, WSKCONF_SEQ_);
}
FORCEINLINE LONG _InterlockedCompareExchange(LONG volatile *d, LONG x, LONG c) {
  __atomic_compare_exchange_n(d, &c, x, 0, WSKCONF_SEQ_, WSKCONF_SEQ_);
  return c;
}
FORCEINLINE LONG _InterlockedOr(LONG volatile *a, LONG v) {
  return __atomic_fetch_or(a, v, WSKCONF_SEQ_);
}
FORCEINLINE LONG _InterlockedAnd(LONG volatile *a, LONG v) {
  return __atomic_fetch_and(a, v, WSKCONF_SEQ_);
}
FORCEINLINE LONG _InterlockedXor(LONG volatile *a, LONG v) {
  return __atomic_fetch_xor(a, v, WSKCONF_SEQ_);
}
FORCEINLINE LONG64 _InterlockedIncrement64(LONG64 volatile *a) {
  return __atomic_add_fetch(a, 1, WSKCONF_SEQ_);
}
FORCEINLINE LONG64 _InterlockedDecrement64(LONG64 volatile *a) {
  return __atomic_sub_fetch(a, 1, WSKCONF_SEQ_);
}
FORCEINLINE LONG64 _InterlockedExchange64(LONG64 volatile *a, LONG64 v) {
  return __atomic_exchange_n(a, v, WSKCONF_SEQ_);
}
FORCEINLINE LONG64 _InterlockedExchangeAdd64(LONG64 volatile *a, LONG64 v) {
  return __atomic_fetch_add(a, v, WSKCONF_SEQ_);
}
FORCEINLINE LONG64 _InterlockedCompareExchange64(LONG64 volatile *d, LONG64 x,
                                                 LONG64 c) {
  __atomic_compare_exchange_n(d, &c, x, 0, WSKCONF_SEQ_, WSKCONF_SEQ_);
  return c;
}
FORCEINLINE PVOID _InterlockedExchangePointer(PVOID volatile *a, PVOID v) {
  return __atomic_exchange_n(a, v, WSKCONF_SEQ_);
}
FORCEINLINE PVOID _InterlockedCompareExchangePointer(PVOID volatile *d,
                                                     PVOID x, PVOID c) {
  __atomic_compare_exchange_n(d, &c, x, 0, WSKCONF_SEQ_, WSKCONF_SEQ_);
  return c;
}
#undef WSKCONF_SEQ_

/* ---- wdm.h's names for them -------------------------------------------- */
#define BitScanForward _BitScanForward
#define BitScanReverse _BitScanReverse
#define BitScanForward64 _BitScanForward64
#define BitScanReverse64 _BitScanReverse64
#define BitTest _bittest
#define BitTestAndSet _bittestandset
#define BitTestAndReset _bittestandreset
#define BitTestAndComplement _bittestandcomplement
#define BitTest64 _bittest64
#define BitTestAndSet64 _bittestandset64
#define BitTestAndReset64 _bittestandreset64
#define InterlockedBitTestAndSet _interlockedbittestandset
#define InterlockedBitTestAndReset _interlockedbittestandreset
#define PopulationCount64 __popcnt64
#define ReadTimeStampCounter() __rdtsc()
#define UnsignedMultiply128 _umul128
#define Multiply128 _mul128
#define UnsignedMultiplyHigh __umulh
#define ShiftLeft128 __shiftleft128
#define ShiftRight128 __shiftright128
#define RotateLeft32 _rotl
#define RotateRight32 _rotr
#define RotateLeft64 _rotl64
#define RotateRight64 _rotr64
#define FastFence __faststorefence

EXTERN_C_END

#endif /* WSKCONF_INTRIN_H_ */
