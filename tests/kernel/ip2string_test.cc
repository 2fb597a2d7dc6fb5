// Tests of kernel/src/ip2string.cc: address formatting in Windows' style
// and parsing, plain and Ex forms, char and wchar_t.
#include <cstring>
#include <cwchar>

#include <gtest/gtest.h>

#include <ip2string.h>

#include "kernel_test_util.h"

namespace wskconf::kernel {
namespace {

using Ip2StringTest = ::wskconf::testing::KernelTest;

IN_ADDR V4(UCHAR a, UCHAR b, UCHAR c, UCHAR d) {
  IN_ADDR address;
  UCHAR bytes[4] = {a, b, c, d};
  std::memcpy(&address, bytes, 4);
  return address;
}

IN6_ADDR V6(std::initializer_list<unsigned> words) {
  IN6_ADDR address{};
  int i = 0;
  for (unsigned word : words) {
    address.u.Byte[2 * i] = static_cast<UCHAR>(word >> 8);
    address.u.Byte[2 * i + 1] = static_cast<UCHAR>(word);
    ++i;
  }
  return address;
}

std::string Format6(const IN6_ADDR& address) {
  char text[INET6_ADDRSTRLEN];
  PSTR end = RtlIpv6AddressToStringA(&address, text);
  EXPECT_EQ('\0', *end);
  return text;
}

constexpr USHORT kPort80 = 0x5000;  // 80 in network byte order

TEST_F(Ip2StringTest, FormatsIpv4) {
  IN_ADDR address = V4(192, 168, 0, 1);
  char text[INET_ADDRSTRLEN];
  PSTR end = RtlIpv4AddressToStringA(&address, text);
  EXPECT_STREQ("192.168.0.1", text);
  EXPECT_EQ(text + 11, end);
  wchar_t wide[INET_ADDRSTRLEN];
  RtlIpv4AddressToStringW(&address, wide);
  EXPECT_EQ(0, std::wcscmp(L"192.168.0.1", wide));
}

TEST_F(Ip2StringTest, FormatsIpv6LikeWindows) {
  EXPECT_EQ("::", Format6(V6({})));
  EXPECT_EQ("::1", Format6(V6({0, 0, 0, 0, 0, 0, 0, 1})));
  EXPECT_EQ("fe80::1:2", Format6(V6({0xfe80, 0, 0, 0, 0, 0, 1, 2})));
  EXPECT_EQ("2001:db8:0:1::1", Format6(V6({0x2001, 0xdb8, 0, 1, 0, 0, 0, 1})))
      << "the longest zero run is compressed, a single zero is not";
  EXPECT_EQ("1:0:0:2::3", Format6(V6({1, 0, 0, 2, 0, 0, 0, 3})));
  EXPECT_EQ("::ffff:10.0.0.1",
            Format6(V6({0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001})));
  EXPECT_EQ("1:2:3:4:5:6:7:8", Format6(V6({1, 2, 3, 4, 5, 6, 7, 8})));
}

TEST_F(Ip2StringTest, ExFormsAddPortAndScope) {
  IN_ADDR v4 = V4(10, 0, 0, 2);
  char text[INET6_ADDRSTRLEN];
  ULONG length = sizeof(text);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     RtlIpv4AddressToStringExA(&v4, kPort80, text, &length));
  EXPECT_STREQ("10.0.0.2:80", text);
  EXPECT_EQ(12u, length);
  IN6_ADDR v6 = V6({0xfe80, 0, 0, 0, 0, 0, 0, 1});
  length = sizeof(text);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, RtlIpv6AddressToStringExA(
                                         &v6, 3, kPort80, text, &length));
  EXPECT_STREQ("[fe80::1%3]:80", text);
  length = sizeof(text);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     RtlIpv6AddressToStringExA(&v6, 0, 0, text, &length));
  EXPECT_STREQ("fe80::1", text);
  wchar_t wide[INET6_ADDRSTRLEN];
  length = INET6_ADDRSTRLEN;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, RtlIpv6AddressToStringExW(
                                         &v6, 0, kPort80, wide, &length));
  EXPECT_EQ(0, std::wcscmp(L"[fe80::1]:80", wide));
}

TEST_F(Ip2StringTest, ExFormReportsTheSizeNeeded) {
  IN_ADDR v4 = V4(255, 255, 255, 255);
  char small[4];
  ULONG length = sizeof(small);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv4AddressToStringExA(&v4, 0, small, &length));
  EXPECT_EQ(16u, length);
}

TEST_F(Ip2StringTest, ParsesIpv4StrictAndLoose) {
  IN_ADDR address;
  PCSTR end = nullptr;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     RtlIpv4StringToAddressA("1.2.3.4:99", TRUE, &end, &address));
  EXPECT_EQ(0, std::memcmp(&address, "\x01\x02\x03\x04", 4));
  EXPECT_STREQ(":99", end);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv4StringToAddressA("1.2.3", TRUE, &end, &address));
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv4StringToAddressA("1.2.3.256", TRUE, &end, &address));
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     RtlIpv4StringToAddressA("0x7f.1", FALSE, &end, &address));
  EXPECT_EQ(0, std::memcmp(&address, "\x7f\x00\x00\x01", 4));
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     RtlIpv4StringToAddressA("010.0.0.1", FALSE, &end, &address));
  EXPECT_EQ(8, reinterpret_cast<UCHAR*>(&address)[0]) << "octal part";
}

TEST_F(Ip2StringTest, ParsesIpv6) {
  IN6_ADDR address;
  PCSTR end = nullptr;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     RtlIpv6StringToAddressA("fe80::1:2%5", &end, &address));
  EXPECT_EQ(0, std::memcmp(&address, V6({0xfe80, 0, 0, 0, 0, 0, 1, 2}).u.Byte,
                           16));
  EXPECT_STREQ("%5", end);
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     RtlIpv6StringToAddressA("::ffff:10.0.0.1", &end, &address));
  EXPECT_EQ("::ffff:10.0.0.1", Format6(address));
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, RtlIpv6StringToAddressA("::", &end, &address));
  EXPECT_EQ("::", Format6(address));
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv6StringToAddressA("1:2:3", &end, &address));
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv6StringToAddressA("1::2::3", &end, &address))
      << "at most one ::";
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv6StringToAddressA("12345::", &end, &address));
}

TEST_F(Ip2StringTest, ExParsingRoundTrips) {
  IN6_ADDR address;
  ULONG scope = 0;
  USHORT port = 0;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS, RtlIpv6StringToAddressExA(
                                         "[fe80::1%3]:80", &address, &scope,
                                         &port));
  EXPECT_EQ(3u, scope);
  EXPECT_EQ(kPort80, port);
  EXPECT_EQ("fe80::1", Format6(address));
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv6StringToAddressExA("fe80::1 ", &address, &scope,
                                               &port));
  IN_ADDR v4;
  ASSERT_NTSTATUS_EQ(STATUS_SUCCESS,
                     RtlIpv4StringToAddressExW(L"127.0.0.1:80", TRUE, &v4,
                                               &port));
  EXPECT_EQ(kPort80, port);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv4StringToAddressExA("127.0.0.1:70000", TRUE, &v4,
                                               &port));
}

TEST_F(Ip2StringTest, NullArgumentsFailCleanly) {
  IN_ADDR v4 = V4(1, 2, 3, 4);
  ULONG length = 10;
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv4AddressToStringExA(&v4, 0, nullptr, &length));
  EXPECT_EQ(nullptr, RtlIpv4AddressToStringA(&v4, nullptr));
  ExpectViolation("Kernel.NullArgument");
}

// Every Ex variant checks each pointer before formatting the address.
TEST_F(Ip2StringTest, ExVariantsRejectEachNullPointer) {
  IN_ADDR v4 = V4(1, 2, 3, 4);
  IN6_ADDR v6{};
  char text[64];
  WCHAR wide[64];
  ULONG length = 64;
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv4AddressToStringExA(nullptr, 0, text, &length));
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv4AddressToStringExW(&v4, 0, wide, nullptr));
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv6AddressToStringExA(nullptr, 0, 0, text, &length));
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     RtlIpv6AddressToStringExW(&v6, 0, 0, nullptr, &length));
  EXPECT_EQ(length, 64u);
}

}  // namespace
}  // namespace wskconf::kernel
