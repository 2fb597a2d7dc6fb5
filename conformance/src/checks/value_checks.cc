// Check helpers for documented numbers: NTSTATUS and flag values, structure
// and dispatch-table layouts (checks_core.h). A provider and the cases meet
// at these numbers: a case compares a provider's statuses with the header
// constants and reads a provider's tables and structures at the header's
// offsets, so each is checked against the spec's value here.
#include <wskconf/ntstatus_names.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"
#include "wskconf/conformance/checks_core.h"

namespace wskconf::conformance::checks {

using internal::CaseScope;

namespace {

struct NamedConstant {
  std::string_view name;
  long long value;
  bool is_status;
};

#define WSKCONF_CONSTANT(name) NamedConstant{#name, static_cast<long long>(static_cast<ULONG>(name)), true}
#define WSKCONF_FLAG(name) NamedConstant{#name, static_cast<long long>(name), false}

// Every constant a value clause names, with the number the headers give it.
constexpr NamedConstant kConstants[] = {
    WSKCONF_CONSTANT(STATUS_SUCCESS),
    WSKCONF_CONSTANT(STATUS_WAIT_0),
    WSKCONF_CONSTANT(STATUS_USER_APC),
    WSKCONF_CONSTANT(STATUS_KERNEL_APC),
    WSKCONF_CONSTANT(STATUS_ALERTED),
    WSKCONF_CONSTANT(STATUS_TIMEOUT),
    WSKCONF_CONSTANT(STATUS_PENDING),
    WSKCONF_CONSTANT(STATUS_EVENT_PENDING),
    WSKCONF_CONSTANT(STATUS_BUFFER_OVERFLOW),
    WSKCONF_CONSTANT(STATUS_UNSUCCESSFUL),
    WSKCONF_CONSTANT(STATUS_NOT_IMPLEMENTED),
    WSKCONF_CONSTANT(STATUS_ACCESS_VIOLATION),
    WSKCONF_CONSTANT(STATUS_INVALID_HANDLE),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER),
    WSKCONF_CONSTANT(STATUS_INVALID_DEVICE_REQUEST),
    WSKCONF_CONSTANT(STATUS_MORE_PROCESSING_REQUIRED),
    WSKCONF_CONSTANT(STATUS_NO_MEMORY),
    WSKCONF_CONSTANT(STATUS_ACCESS_DENIED),
    WSKCONF_CONSTANT(STATUS_BUFFER_TOO_SMALL),
    WSKCONF_CONSTANT(STATUS_OBJECT_TYPE_MISMATCH),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_MIX),
    WSKCONF_CONSTANT(STATUS_INTEGER_OVERFLOW),
    WSKCONF_CONSTANT(STATUS_INSUFFICIENT_RESOURCES),
    WSKCONF_CONSTANT(STATUS_DEVICE_NOT_READY),
    WSKCONF_CONSTANT(STATUS_IO_TIMEOUT),
    WSKCONF_CONSTANT(STATUS_FILE_FORCED_CLOSED),
    WSKCONF_CONSTANT(STATUS_NOT_SUPPORTED),
    WSKCONF_CONSTANT(STATUS_REMOTE_NOT_LISTENING),
    WSKCONF_CONSTANT(STATUS_REQUEST_NOT_ACCEPTED),
    WSKCONF_CONSTANT(STATUS_CANT_WAIT),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_1),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_2),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_3),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_4),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_5),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_6),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_7),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_8),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_9),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_10),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_11),
    WSKCONF_CONSTANT(STATUS_INVALID_PARAMETER_12),
    WSKCONF_CONSTANT(STATUS_CANCELLED),
    WSKCONF_CONSTANT(STATUS_LOCAL_DISCONNECT),
    WSKCONF_CONSTANT(STATUS_REMOTE_DISCONNECT),
    WSKCONF_CONSTANT(STATUS_INVALID_CONNECTION),
    WSKCONF_CONSTANT(STATUS_INVALID_ADDRESS),
    WSKCONF_CONSTANT(STATUS_INVALID_DEVICE_STATE),
    WSKCONF_CONSTANT(STATUS_INVALID_BUFFER_SIZE),
    WSKCONF_CONSTANT(STATUS_INVALID_ADDRESS_COMPONENT),
    WSKCONF_CONSTANT(STATUS_INVALID_ADDRESS_WILDCARD),
    WSKCONF_CONSTANT(STATUS_TOO_MANY_ADDRESSES),
    WSKCONF_CONSTANT(STATUS_ADDRESS_ALREADY_EXISTS),
    WSKCONF_CONSTANT(STATUS_ADDRESS_CLOSED),
    WSKCONF_CONSTANT(STATUS_CONNECTION_DISCONNECTED),
    WSKCONF_CONSTANT(STATUS_CONNECTION_RESET),
    WSKCONF_CONSTANT(STATUS_DATA_NOT_ACCEPTED),
    WSKCONF_CONSTANT(STATUS_NOT_FOUND),
    WSKCONF_CONSTANT(STATUS_RETRY),
    WSKCONF_CONSTANT(STATUS_CONNECTION_REFUSED),
    WSKCONF_CONSTANT(STATUS_GRACEFUL_DISCONNECT),
    WSKCONF_CONSTANT(STATUS_ADDRESS_ALREADY_ASSOCIATED),
    WSKCONF_CONSTANT(STATUS_ADDRESS_NOT_ASSOCIATED),
    WSKCONF_CONSTANT(STATUS_CONNECTION_INVALID),
    WSKCONF_CONSTANT(STATUS_CONNECTION_ACTIVE),
    WSKCONF_CONSTANT(STATUS_NETWORK_UNREACHABLE),
    WSKCONF_CONSTANT(STATUS_HOST_UNREACHABLE),
    WSKCONF_CONSTANT(STATUS_PROTOCOL_UNREACHABLE),
    WSKCONF_CONSTANT(STATUS_PORT_UNREACHABLE),
    WSKCONF_CONSTANT(STATUS_REQUEST_ABORTED),
    WSKCONF_CONSTANT(STATUS_CONNECTION_ABORTED),
    WSKCONF_CONSTANT(STATUS_CONNECTION_COUNT_LIMIT),
    WSKCONF_CONSTANT(STATUS_NO_MATCH),
    WSKCONF_CONSTANT(STATUS_NOINTERFACE),
    WSKCONF_FLAG(WSK_FLAG_NODELAY),
    WSKCONF_FLAG(WSK_FLAG_WAITALL),
    WSKCONF_FLAG(WSK_FLAG_DRAIN),
    WSKCONF_FLAG(WSK_FLAG_ABORTIVE),
    WSKCONF_FLAG(WSK_FLAG_RELEASE_ASAP),
    WSKCONF_FLAG(WSK_FLAG_ENTIRE_MESSAGE),
    WSKCONF_FLAG(WskInspectReject),
    WSKCONF_FLAG(WskInspectAccept),
    WSKCONF_FLAG(WskInspectPend),
    WSKCONF_FLAG(WskInspectMax),
    WSKCONF_FLAG(NI_NOFQDN),
    WSKCONF_FLAG(NI_NUMERICHOST),
    WSKCONF_FLAG(NI_NAMEREQD),
    WSKCONF_FLAG(NI_NUMERICSERV),
    WSKCONF_FLAG(NI_DGRAM),
    WSKCONF_FLAG(AF_INET),
    WSKCONF_FLAG(AF_INET6),
};

#undef WSKCONF_CONSTANT
#undef WSKCONF_FLAG

const NamedConstant* FindConstant(std::string_view name) {
  for (const NamedConstant& constant : kConstants) {
    if (constant.name == name) return &constant;
  }
  return nullptr;
}

// The spec's value attribute: "0xC0000184", "23", "0x00000002".
bool ParseValue(const char* text, long long* out) {
  if (text == nullptr || *text == '\0') return false;
  char* end = nullptr;
  *out = std::strtoll(text, &end, 0);
  return end != nullptr && *end == '\0';
}

// Checks one NTSTATUS beyond its number: the severity NT_SUCCESS and
// NT_ERROR read, and the runtime's name table printing it.
void CheckStatusSeverity(const char* name, NTSTATUS status) {
  const ULONG severity = static_cast<ULONG>(status) >> 30;
  EXPECT_EQ(NT_SUCCESS(status) != 0, severity <= 1)
      << name << ": NT_SUCCESS disagrees with severity " << severity;
  EXPECT_EQ(NT_ERROR(status) != 0, severity == 3) << name;
  EXPECT_EQ(NT_WARNING(status) != 0, severity == 2) << name;
  const char* printed = WskconfNtStatusName(status);
  ASSERT_NE(printed, nullptr) << name << " has no name in the runtime's table";
  // STATUS_WAIT_0 shares 0 with STATUS_SUCCESS, which the table prints.
  if (status != STATUS_SUCCESS) {
    EXPECT_STREQ(printed, name) << "the runtime prints " << name << " as "
                                << printed;
  }
}

}  // namespace

void ConstantValue(const CaseInfo& info) {
  CaseScope scope(info);
  long long expected = 0;
  ASSERT_TRUE(ParseValue(info.element_value, &expected))
      << "harness: element " << info.element << " has no numeric value ('"
      << info.element_value << "')";
  const NamedConstant* constant = FindConstant(info.element);
  ASSERT_NE(constant, nullptr)
      << "harness: " << info.element << " is not in the constant table of "
      << "value_checks.cc";
  RecordExpectedActual(fmt::format("{} = {:#x}", info.element, expected),
                       fmt::format("{} = {:#x}", info.element, constant->value));
  EXPECT_EQ(constant->value, expected)
      << info.element << " is " << fmt::format("{:#x}", constant->value)
      << " in the headers, the spec says " << info.element_value;
  if (constant->is_status) {
    CheckStatusSeverity(info.element,
                        static_cast<NTSTATUS>(static_cast<ULONG>(expected)));
  }
}

void InspectActionValues(const CaseInfo& info) {
  CaseScope scope(info);
  // The enumeration's order is its values: Reject 0, Accept 1, Pend 2, Max 3.
  EXPECT_EQ(static_cast<int>(WskInspectReject), 0);
  EXPECT_EQ(static_cast<int>(WskInspectAccept), 1);
  EXPECT_EQ(static_cast<int>(WskInspectPend), 2);
  EXPECT_EQ(static_cast<int>(WskInspectMax), 3);
  RecordExpectedActual("Reject 0, Accept 1, Pend 2, Max 3",
                       fmt::format("Reject {}, Accept {}, Pend {}, Max {}",
                                   static_cast<int>(WskInspectReject),
                                   static_cast<int>(WskInspectAccept),
                                   static_cast<int>(WskInspectPend),
                                   static_cast<int>(WskInspectMax)));
}

void WskVersionMacros(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  EXPECT_EQ(MAKE_WSK_VERSION(1, 0), 0x0100);
  EXPECT_EQ(MAKE_WSK_VERSION(2, 0x34), 0x0234);
  EXPECT_EQ(WSK_MAJOR_VERSION(0x0234), 2);
  EXPECT_EQ(WSK_MINOR_VERSION(0x0234), 0x34);
  EXPECT_EQ(sizeof(MAKE_WSK_VERSION(1, 0)), sizeof(USHORT));
  // The provider's range is made of such versions: each decodes to major
  // version 1 (every WSK version so far) and re-encodes to itself.
  WskClientSession session;
  ASSERT_TRUE(session.Register());
  WSK_PROVIDER_CHARACTERISTICS range{};
  const NTSTATUS status = session.entry().WskQueryProviderCharacteristics(
      session.registration(), &range);
  ASSERT_EQ(status, STATUS_SUCCESS)
      << "WskQueryProviderCharacteristics gave " << StatusText(status);
  RecordExpectedActual("versions 1.x",
                       fmt::format("lowest {:#06x}, highest {:#06x}",
                                   range.LowestVersion, range.HighestVersion));
  for (USHORT version : {range.LowestVersion, range.HighestVersion}) {
    EXPECT_EQ(WSK_MAJOR_VERSION(version), 1)
        << fmt::format("version {:#06x}", version);
    EXPECT_EQ(MAKE_WSK_VERSION(WSK_MAJOR_VERSION(version),
                               WSK_MINOR_VERSION(version)),
              version);
  }
}

void AddressFamilyWindowsValue(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  EXPECT_EQ(info.address_family, 23) << "AF_INET6 in the headers";
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, SocketCategory::kDatagram,
                                    info.address_family));
  SOCKADDR_STORAGE local{};
  const internal::CallOutcome got = internal::GetLocalAddress(socket, &local);
  ASSERT_TRUE(got.ok);
  ASSERT_EQ(got.status, STATUS_SUCCESS) << StatusText(got.status);
  RecordExpectedActual("ss_family 23", fmt::format("ss_family {}", local.ss_family));
  EXPECT_EQ(local.ss_family, 23)
      << "the provider reports the host's family number, not Windows'";
}

}  // namespace wskconf::conformance::checks
