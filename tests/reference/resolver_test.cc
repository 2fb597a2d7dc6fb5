// WskGetAddressInfo, WskFreeAddressInfo and WskGetNameInfo through the host
// resolver, with names that resolve offline only (numeric addresses and
// localhost from /etc/hosts): Windows layouts, the service port in every
// entry, hints, failures with their documented status, nothing leaked.
#include <arpa/inet.h>

#include <cstring>
#include <vector>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

constexpr INT kAiNumericHost = 0x04;  // ws2def.h AI_NUMERICHOST

class ResolverTest : public ReferenceTest {
 protected:
  // WskGetAddressInfo; waits for the IRP; the list in *result.
  NTSTATUS Resolve(const wchar_t* node, const wchar_t* service, PADDRINFOEXW hints,
                   PADDRINFOEXW* result) {
    UNICODE_STRING node_string, service_string;
    if (node != nullptr) RtlInitUnicodeString(&node_string, node);
    if (service != nullptr) RtlInitUnicodeString(&service_string, service);
    IrpProbe probe;
    NTSTATUS returned = client()->dispatch()->WskGetAddressInfo(
        client()->client(), node != nullptr ? &node_string : nullptr,
        service != nullptr ? &service_string : nullptr, WS_NS_ALL, nullptr, hints, result,
        nullptr, nullptr, probe.Start());
    NTSTATUS status = probe.Result(returned);
    EXPECT_EQ(probe.information(), 0u);  // results only through the out-pointer
    return status;
  }
  void Free(PADDRINFOEXW list) { client()->dispatch()->WskFreeAddressInfo(client()->client(), list); }
  static std::vector<PADDRINFOEXW> Entries(PADDRINFOEXW list) {
    std::vector<PADDRINFOEXW> entries;
    for (; list != nullptr; list = list->ai_next) entries.push_back(list);
    return entries;
  }
  NTSTATUS NameOf(const SOCKADDR_STORAGE& address, ULONG flags, PUNICODE_STRING node,
                  PUNICODE_STRING service) {
    IrpProbe probe;
    return probe.Result(client()->dispatch()->WskGetNameInfo(
        client()->client(), reinterpret_cast<PSOCKADDR>(const_cast<SOCKADDR_STORAGE*>(&address)),
        address.ss_family == WS_AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN), node,
        service, flags, nullptr, nullptr, probe.Start()));
  }
};

TEST_F(ResolverTest, NumericIpv4WithPort) {
  RecordClause("WskGetAddressInfo.NumericHost");
  PADDRINFOEXW list = nullptr;
  ASSERT_EQ(Resolve(L"127.0.0.1", L"8080", nullptr, &list), STATUS_SUCCESS);
  std::vector<PADDRINFOEXW> entries = Entries(list);
  ASSERT_FALSE(entries.empty());
  for (PADDRINFOEXW e : entries) {
    ASSERT_EQ(e->ai_family, WS_AF_INET);
    ASSERT_EQ(e->ai_addrlen, sizeof(SOCKADDR_IN));
    const auto* in = reinterpret_cast<const SOCKADDR_IN*>(e->ai_addr);
    EXPECT_EQ(in->sin_family, WS_AF_INET);
    EXPECT_EQ(ntohs(in->sin_port), 8080);  // WskGetAddressInfo.NumericServicePort
    EXPECT_EQ(std::memcmp(&in->sin_addr, "\x7f\x00\x00\x01", 4), 0);
  }
  Free(list);
}

TEST_F(ResolverTest, NumericIpv6UsesWindowsLayout) {
  RecordClause("AF_INET6.WindowsValue");
  PADDRINFOEXW list = nullptr;
  ASSERT_EQ(Resolve(L"::1", L"443", nullptr, &list), STATUS_SUCCESS);
  for (PADDRINFOEXW e : Entries(list)) {
    ASSERT_EQ(e->ai_family, WS_AF_INET6);
    ASSERT_EQ(e->ai_addrlen, sizeof(SOCKADDR_IN6));
    const auto* in6 = reinterpret_cast<const SOCKADDR_IN6*>(e->ai_addr);
    EXPECT_EQ(in6->sin6_family, 23);
    EXPECT_EQ(ntohs(in6->sin6_port), 443);
    EXPECT_EQ(in6->sin6_addr.u.Byte[15], 1);
  }
  Free(list);
}

TEST_F(ResolverTest, ServicePortInEveryEntryOfLocalhost) {
  RecordClause("WskGetAddressInfo.NumericServicePort");
  ADDRINFOEXW hints{};
  hints.ai_family = WS_AF_INET;  // WskGetAddressInfo.HintsFilterFamily
  PADDRINFOEXW list = nullptr;
  ASSERT_EQ(Resolve(L"localhost", L"7", &hints, &list), STATUS_SUCCESS);
  std::vector<PADDRINFOEXW> entries = Entries(list);
  EXPECT_GE(entries.size(), 2u);  // one per socket type at least
  for (PADDRINFOEXW e : entries) {
    ASSERT_EQ(e->ai_family, WS_AF_INET);
    EXPECT_EQ(ntohs(reinterpret_cast<const SOCKADDR_IN*>(e->ai_addr)->sin_port), 7);
  }
  Free(list);
}

TEST_F(ResolverTest, HintsSocketTypeFilters) {
  RecordClause("WskGetAddressInfo.HintsFilterFamily");
  ADDRINFOEXW hints{};
  hints.ai_socktype = WS_SOCK_DGRAM;
  hints.ai_flags = kAiNumericHost;
  PADDRINFOEXW list = nullptr;
  ASSERT_EQ(Resolve(L"127.0.0.1", L"53", &hints, &list), STATUS_SUCCESS);
  std::vector<PADDRINFOEXW> entries = Entries(list);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]->ai_socktype, WS_SOCK_DGRAM);
  EXPECT_EQ(entries[0]->ai_protocol, WS_IPPROTO_UDP);
  Free(list);
}

TEST_F(ResolverTest, UnresolvableNameFailsWithNoList) {
  RecordClause("WskGetAddressInfo.UnresolvableName");
  // AI_NUMERICHOST keeps the lookup off the network.
  ADDRINFOEXW hints{};
  hints.ai_flags = kAiNumericHost;
  PADDRINFOEXW list = reinterpret_cast<PADDRINFOEXW>(0x1);
  EXPECT_EQ(Resolve(L"no.such.host", nullptr, &hints, &list), STATUS_NO_MATCH);
  EXPECT_EQ(list, nullptr);
}

TEST_F(ResolverTest, BadArgumentsFail) {
  RecordClause("WskGetAddressInfo.ThreadNeedsProcess");
  PADDRINFOEXW list = nullptr;
  EXPECT_EQ(Resolve(nullptr, nullptr, nullptr, &list), STATUS_INVALID_PARAMETER);
  UNICODE_STRING node;
  RtlInitUnicodeString(&node, L"127.0.0.1");
  EXPECT_EQ(client()->dispatch()->WskGetAddressInfo(client()->client(), &node, nullptr, WS_NS_ALL,
                                                    nullptr, nullptr, &list, nullptr,
                                                    nullptr, nullptr),
            STATUS_INVALID_PARAMETER);  // WskGetAddressInfo.IrpRequired
  IrpProbe probe;
  EXPECT_EQ(probe.Result(client()->dispatch()->WskGetAddressInfo(
                client()->client(), &node, nullptr, WS_NS_ALL, nullptr, nullptr, &list, nullptr,
                reinterpret_cast<PETHREAD>(&probe), probe.Start())),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpMissing"), 1) << "the mistake made on purpose";
}

TEST_F(ResolverTest, FreeingAListTwiceIsReported) {
  RecordClause("WskFreeAddressInfo.OncePerResult");
  PADDRINFOEXW list = nullptr;
  ASSERT_EQ(Resolve(L"127.0.0.1", L"80", nullptr, &list), STATUS_SUCCESS);
  Free(list);
  EXPECT_EQ(ConsumeViolations("ClientCall.AddressInfoNotReturned"), 0);
  // The second free names the rule and reads nothing of the freed list.
  Free(list);
  EXPECT_EQ(ConsumeViolations("ClientCall.AddressInfoNotReturned"), 1)
      << "the double free made on purpose";
}

TEST_F(ResolverTest, FreeingAnEntryInsideAListIsReported) {
  RecordClause("WskFreeAddressInfo.OncePerResult");
  PADDRINFOEXW list = nullptr;
  ASSERT_EQ(Resolve(L"localhost", L"7", nullptr, &list), STATUS_SUCCESS);
  std::vector<PADDRINFOEXW> entries = Entries(list);
  ASSERT_GE(entries.size(), 2u);
  Free(entries[1]);  // not the head WskGetAddressInfo returned: nothing freed
  EXPECT_EQ(ConsumeViolations("ClientCall.AddressInfoNotReturned"), 1)
      << "the mistake made on purpose";
  EXPECT_EQ(entries[0]->ai_next, entries[1]);
  Free(list);  // the whole list, still intact, goes (no leak at the end)
  EXPECT_EQ(ConsumeViolations("ClientCall.AddressInfoNotReturned"), 0);
}

TEST_F(ResolverTest, FreeingMemoryNeverReturnedIsReported) {
  RecordClause("WskFreeAddressInfo.OncePerResult");
  ADDRINFOEXW own{};  // the client's own memory: never read as a list
  Free(&own);
  EXPECT_EQ(ConsumeViolations("ClientCall.AddressInfoNotReturned"), 1)
      << "the mistake made on purpose";
}

TEST_F(ResolverTest, NameInfoNumeric) {
  RecordClause("WskGetNameInfo.NumericHost");
  SOCKADDR_STORAGE address = Loopback(WS_AF_INET, 80);
  WCHAR node_buffer[64], service_buffer[16];
  UNICODE_STRING node{0, sizeof(node_buffer), node_buffer};
  UNICODE_STRING service{0, sizeof(service_buffer), service_buffer};
  ASSERT_EQ(NameOf(address, WS_NI_NUMERICHOST | WS_NI_NUMERICSERV, &node, &service), STATUS_SUCCESS);
  EXPECT_EQ(std::wstring(node.Buffer, node.Length / sizeof(WCHAR)), L"127.0.0.1");
  EXPECT_EQ(std::wstring(service.Buffer, service.Length / sizeof(WCHAR)), L"80");  // NumericService
  EXPECT_EQ(node.Buffer[node.Length / sizeof(WCHAR)], 0);
}

TEST_F(ResolverTest, NameInfoOnlyWhatIsAsked) {
  RecordClause("WskGetNameInfo.NullOutputNotWanted");
  SOCKADDR_STORAGE address = Loopback(WS_AF_INET6, 22);
  WCHAR service_buffer[16];
  UNICODE_STRING service{0, sizeof(service_buffer), service_buffer};
  ASSERT_EQ(NameOf(address, WS_NI_NUMERICSERV, nullptr, &service), STATUS_SUCCESS);
  EXPECT_EQ(std::wstring(service.Buffer, service.Length / sizeof(WCHAR)), L"22");
}

TEST_F(ResolverTest, NameInfoBadArguments) {
  RecordClause("WskGetNameInfo.BothOutputsNullInvalid");
  SOCKADDR_STORAGE address = Loopback(WS_AF_INET, 80);
  EXPECT_EQ(NameOf(address, WS_NI_NUMERICHOST, nullptr, nullptr), STATUS_INVALID_PARAMETER);
  WCHAR tiny[2];
  UNICODE_STRING node{0, sizeof(tiny), tiny};
  EXPECT_EQ(NameOf(address, WS_NI_NUMERICHOST, &node, nullptr), STATUS_BUFFER_TOO_SMALL);
  WCHAR big[64];
  UNICODE_STRING ok{0, sizeof(big), big};
  IrpProbe probe;
  EXPECT_EQ(probe.Result(client()->dispatch()->WskGetNameInfo(
                client()->client(), reinterpret_cast<PSOCKADDR>(&address), 200, &ok, nullptr,
                WS_NI_NUMERICHOST, nullptr, nullptr, probe.Start())),
            STATUS_INVALID_PARAMETER);  // WskGetNameInfo.SockAddrLengthBounded
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

}  // namespace
}  // namespace wskconf::reference::testing
