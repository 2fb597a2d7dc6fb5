/* IPv4/IPv6 address <-> text conversions (the Rtl routines of the WDK's
 * ip2string.h), in Windows' output format: dotted decimal, lowercase hex
 * IPv6 with the longest zero run as "::", "[addr%scope]:port" for the Ex
 * forms. Ports are in network byte order. Compiles as C11 and C++20. */
#ifndef WSKCONF_IP2STRING_H_
#define WSKCONF_IP2STRING_H_

#include <in6addr.h>
#include <inaddr.h>
#include <ntdef.h>
#include <ntstatus.h>

EXTERN_C_START

/* Longest outputs, with the terminating NUL. */
#ifndef INET_ADDRSTRLEN
#define INET_ADDRSTRLEN 22
#endif
#ifndef INET6_ADDRSTRLEN
#define INET6_ADDRSTRLEN 65
#endif

/* Write the address and a NUL to S (at least 16 / 46 characters); return a
 * pointer to the NUL. */
NTSYSAPI PSTR RtlIpv4AddressToStringA(const IN_ADDR *Addr, PSTR S);
NTSYSAPI PWSTR RtlIpv4AddressToStringW(const IN_ADDR *Addr, PWSTR S);
NTSYSAPI PSTR RtlIpv6AddressToStringA(const IN6_ADDR *Addr, PSTR S);
NTSYSAPI PWSTR RtlIpv6AddressToStringW(const IN6_ADDR *Addr, PWSTR S);

/* "a.b.c.d[:port]" / "[addr%scope]:port", "addr%scope" or "addr" (a zero
 * Port or ScopeId is left out). *AddressStringLength is the buffer size in
 * characters on input and the length written, NUL included, on output.
 * Returns STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for a NULL argument
 * or a buffer too small (then *AddressStringLength is the size needed). */
NTSYSAPI NTSTATUS RtlIpv4AddressToStringExA(const IN_ADDR *Address,
                                            USHORT Port, PSTR AddressString,
                                            PULONG AddressStringLength);
NTSYSAPI NTSTATUS RtlIpv4AddressToStringExW(const IN_ADDR *Address,
                                            USHORT Port, PWSTR AddressString,
                                            PULONG AddressStringLength);
NTSYSAPI NTSTATUS RtlIpv6AddressToStringExA(const IN6_ADDR *Address,
                                            ULONG ScopeId, USHORT Port,
                                            PSTR AddressString,
                                            PULONG AddressStringLength);
NTSYSAPI NTSTATUS RtlIpv6AddressToStringExW(const IN6_ADDR *Address,
                                            ULONG ScopeId, USHORT Port,
                                            PWSTR AddressString,
                                            PULONG AddressStringLength);

/* Parse an address at the start of S; *Terminator gets the first character
 * not used. Strict IPv4 needs four decimal parts; otherwise 1-4 parts in
 * decimal, octal (0 prefix) or hex (0x prefix) are accepted as inet_aton
 * does. Return STATUS_SUCCESS or STATUS_INVALID_PARAMETER. */
NTSYSAPI NTSTATUS RtlIpv4StringToAddressA(PCSTR S, BOOLEAN Strict,
                                          PCSTR *Terminator, IN_ADDR *Addr);
NTSYSAPI NTSTATUS RtlIpv4StringToAddressW(PCWSTR S, BOOLEAN Strict,
                                          PCWSTR *Terminator, IN_ADDR *Addr);
NTSYSAPI NTSTATUS RtlIpv6StringToAddressA(PCSTR S, PCSTR *Terminator,
                                          IN6_ADDR *Addr);
NTSYSAPI NTSTATUS RtlIpv6StringToAddressW(PCWSTR S, PCWSTR *Terminator,
                                          IN6_ADDR *Addr);

/* The whole string must be an address in the Ex output forms above; Port
 * (network order) and ScopeId are 0 when absent. Return STATUS_SUCCESS or
 * STATUS_INVALID_PARAMETER. */
NTSYSAPI NTSTATUS RtlIpv4StringToAddressExA(PCSTR AddressString,
                                            BOOLEAN Strict, IN_ADDR *Address,
                                            PUSHORT Port);
NTSYSAPI NTSTATUS RtlIpv4StringToAddressExW(PCWSTR AddressString,
                                            BOOLEAN Strict, IN_ADDR *Address,
                                            PUSHORT Port);
NTSYSAPI NTSTATUS RtlIpv6StringToAddressExA(PCSTR AddressString,
                                            IN6_ADDR *Address, PULONG ScopeId,
                                            PUSHORT Port);
NTSYSAPI NTSTATUS RtlIpv6StringToAddressExW(PCWSTR AddressString,
                                            IN6_ADDR *Address, PULONG ScopeId,
                                            PUSHORT Port);

EXTERN_C_END

/* The unsuffixed names pick the Unicode forms when UNICODE or _UNICODE is
 * defined and the ANSI forms otherwise, as the documentation says. */
#if defined(UNICODE) || defined(_UNICODE)
#define RtlIpv4AddressToString RtlIpv4AddressToStringW
#define RtlIpv4AddressToStringEx RtlIpv4AddressToStringExW
#define RtlIpv6AddressToString RtlIpv6AddressToStringW
#define RtlIpv6AddressToStringEx RtlIpv6AddressToStringExW
#define RtlIpv4StringToAddress RtlIpv4StringToAddressW
#define RtlIpv4StringToAddressEx RtlIpv4StringToAddressExW
#define RtlIpv6StringToAddress RtlIpv6StringToAddressW
#define RtlIpv6StringToAddressEx RtlIpv6StringToAddressExW
#else
#define RtlIpv4AddressToString RtlIpv4AddressToStringA
#define RtlIpv4AddressToStringEx RtlIpv4AddressToStringExA
#define RtlIpv6AddressToString RtlIpv6AddressToStringA
#define RtlIpv6AddressToStringEx RtlIpv6AddressToStringExA
#define RtlIpv4StringToAddress RtlIpv4StringToAddressA
#define RtlIpv4StringToAddressEx RtlIpv4StringToAddressExA
#define RtlIpv6StringToAddress RtlIpv6StringToAddressA
#define RtlIpv6StringToAddressEx RtlIpv6StringToAddressExA
#endif

#endif /* WSKCONF_IP2STRING_H_ */
