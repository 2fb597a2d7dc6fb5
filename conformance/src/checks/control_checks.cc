// Check helpers for socket options and IOCTLs through WskControlSocket
// (spec/options.xml, spec/ioctls.xml). The option or IOCTL code comes from
// the spec element's `value`.
#include <cstdlib>
#include <cstring>

#include "checks/check_support.h"
#include "checks/control_ops.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;

namespace internal {

ULONG CodeOf(const CaseInfo& info) {
  return static_cast<ULONG>(std::strtoul(info.element_value, nullptr, 0));
}

CallOutcome ControlCall(const WskSocketOwner& socket, const Control& c,
                        SIZE_T* returned_size) {
  SIZE_T scratch = 0;
  SIZE_T* size_out = returned_size != nullptr ? returned_size : &scratch;
  const auto* basic = socket.basic();
  if (!c.with_irp) {
    CallOutcome outcome;
    outcome.returned = basic->WskControlSocket(
        socket.get(), c.type, c.code, c.level, c.input_size,
        const_cast<void*>(c.input), c.output_size, c.output, size_out, nullptr);
    outcome.status = outcome.returned;
    if (outcome.returned == STATUS_PENDING) {
      outcome.ok = ::testing::AssertionFailure()
                   << "WskControlSocket without an IRP returned STATUS_PENDING";
    }
    return outcome;
  }
  TrackedIrp irp("WskControlSocket");
  return internal::Finish(
      irp, basic->WskControlSocket(socket.get(), c.type, c.code, c.level,
                                   c.input_size, const_cast<void*>(c.input),
                                   c.output_size, c.output, size_out,
                                   irp.irp()));
}

CallOutcome SetUlong(const WskSocketOwner& socket, ULONG code, ULONG value) {
  Control c;
  c.type = WskSetOption;
  c.code = code;
  c.input = &value;
  c.input_size = sizeof value;
  return ControlCall(socket, c);
}

CallOutcome GetUlong(const WskSocketOwner& socket, ULONG code, ULONG* value) {
  Control c;
  c.type = WskGetOption;
  c.code = code;
  c.output = value;
  c.output_size = sizeof *value;
  return ControlCall(socket, c);
}

CallOutcome Ioctl(const WskSocketOwner& socket, ULONG code, const void* input,
                  SIZE_T input_size, void* output, SIZE_T output_size) {
  Control c;
  c.type = WskIoctl;
  c.code = code;
  c.level = 0;
  c.input = input;
  c.input_size = input_size;
  c.output = output;
  c.output_size = output_size;
  return ControlCall(socket, c);
}

}  // namespace internal

using internal::CodeOf;
using internal::Control;
using internal::ControlCall;
using internal::GetUlong;
using internal::SetUlong;

void OptionReadsZero(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  ULONG value = 0xA5A5A5A5;
  const CallOutcome got = GetUlong(socket, CodeOf(info), &value);
  ASSERT_TRUE(got.ok);
  if (!ExpectClauseStatus(info, got.status, "WskGetOption")) return;
  EXPECT_EQ(value, 0u) << "the option of a new socket is not 0 (off)";
  if (std::strcmp(info.expect.information, "4") == 0) {
    EXPECT_EQ(got.information, 4u) << "IoStatus.Information is not sizeof(ULONG)";
  }
}

void OptionReadsUlong(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  ULONG value = 0;
  const CallOutcome got = GetUlong(socket, CodeOf(info), &value);
  ASSERT_TRUE(got.ok);
  if (!ExpectClauseStatus(info, got.status, "WskGetOption")) return;
  EXPECT_EQ(got.information, sizeof(ULONG))
      << "IoStatus.Information is not sizeof(ULONG)";
}

namespace {

void SetThenGet(const CaseInfo& info, ULONG code) {
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  for (ULONG wanted : {1u, 0u}) {
    const CallOutcome set = SetUlong(socket, code, wanted);
    ASSERT_TRUE(set.ok);
    if (!ExpectClauseStatus(info, set.status, "WskSetOption")) return;
    ULONG value = 0xA5A5A5A5;
    const CallOutcome got = GetUlong(socket, code, &value);
    ASSERT_TRUE(got.ok);
    if (!ExpectClauseStatus(info, got.status, "WskGetOption")) return;
    EXPECT_EQ(value != 0, wanted != 0)
        << "after setting " << wanted << " the option reads " << value;
  }
}

}  // namespace

void OptionSetThenGet(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  SetThenGet(info, CodeOf(info));
}

void BroadcastSetThenGet(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  SetThenGet(info, SO_BROADCAST);
}

namespace {

// Two sockets of the case, each with the given options set before binding;
// the first binds `first_address` (port 0), the second the first's port on
// `second_address`. Returns the second bind's outcome.
struct Sharing {
  ULONG first_option = 0;   // 0: none
  ULONG second_option = 0;  // 0: none
  bool first_wildcard = true;
  bool second_wildcard = true;
};

void CheckSharing(const CaseInfo& info, const Sharing& sharing) {
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner first(session);
  WskSocketOwner second(session);
  ASSERT_TRUE(first.Create(info.category, info.address_family));
  ASSERT_TRUE(second.Create(info.category, info.address_family));
  if (sharing.first_option != 0) {
    const CallOutcome set = SetUlong(first, sharing.first_option, 1);
    ASSERT_TRUE(set.ok);
    ASSERT_EQ(set.status, STATUS_SUCCESS)
        << "precondition: setting the first socket's option gave "
        << StatusText(set.status);
  }
  if (sharing.second_option != 0) {
    const CallOutcome set = SetUlong(second, sharing.second_option, 1);
    ASSERT_TRUE(set.ok);
    ASSERT_EQ(set.status, STATUS_SUCCESS)
        << "precondition: setting the second socket's option gave "
        << StatusText(set.status);
  }
  const ADDRESS_FAMILY family = info.address_family;
  const CallOutcome bound = internal::BindTo(
      first, sharing.first_wildcard ? WildcardAddress(family)
                                    : LoopbackAddress(family));
  ASSERT_TRUE(bound.ok);
  ASSERT_EQ(bound.status, STATUS_SUCCESS)
      << "precondition: the first bind gave " << StatusText(bound.status);
  SOCKADDR_STORAGE local;
  ASSERT_TRUE(internal::GetLocalAddress(first, &local).ok);
  const USHORT port = PortOf(reinterpret_cast<SOCKADDR*>(&local));
  ASSERT_NE(port, 0);
  const CallOutcome again = internal::BindTo(
      second, sharing.second_wildcard ? WildcardAddress(family, port)
                                      : LoopbackAddress(family, port));
  ASSERT_TRUE(again.ok);
  ExpectClauseStatus(info, again.status, "the second WskBind to the same port");
}

}  // namespace

void BindSameWildcardNoOptions(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  CheckSharing(info, Sharing{});
}

void BindSameWildcardBothReuse(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  CheckSharing(info, Sharing{SO_REUSEADDR, SO_REUSEADDR, true, true});
}

void BindSameSpecificBothReuse(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  CheckSharing(info, Sharing{SO_REUSEADDR, SO_REUSEADDR, false, false});
}

void BindAfterExclusiveWildcard(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  CheckSharing(info, Sharing{static_cast<ULONG>(SO_EXCLUSIVEADDRUSE),
                             SO_REUSEADDR, true, false});
}

void WildcardAfterExclusiveWildcard(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  CheckSharing(info, Sharing{static_cast<ULONG>(SO_EXCLUSIVEADDRUSE), 0, true,
                             true});
}

void ExclusiveAfterReuseWildcard(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  CheckSharing(info, Sharing{SO_REUSEADDR,
                             static_cast<ULONG>(SO_EXCLUSIVEADDRUSE), true, true});
}

void BindSpecificAfterDefaultWildcard(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  // The table's "CHECK" cell: an access check against the first socket's
  // default descriptor, which allows no sharing.
  CheckSharing(info, Sharing{0, 0, true, false});
}

void DisableIdleEventCallback(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  ULONG event = WSK_EVENT_RECEIVE;
  if (info.category == SocketCategory::kListen) event = WSK_EVENT_ACCEPT;
  if (info.category == SocketCategory::kDatagram) event = WSK_EVENT_RECEIVE_FROM;
  WSK_EVENT_CALLBACK_CONTROL control{&NPI_WSK_INTERFACE_ID,
                                     event | WSK_EVENT_DISABLE};
  Control c;
  c.type = WskSetOption;
  c.code = SO_WSK_EVENT_CALLBACK;
  c.input = &control;
  c.input_size = sizeof control;
  const CallOutcome set = ControlCall(socket, c);
  ASSERT_TRUE(set.ok);
  ExpectClauseStatus(info, set.status, "SO_WSK_EVENT_CALLBACK disable");
}

void RegisterUnknownExtension(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  // An NPI identifier nobody defines.
  static const NPIID kUnknownNpi = {
      0x7a11beef, 0x1234, 0x5678, {0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4}};
  WSK_EXTENSION_CONTROL_IN in{&kUnknownNpi, nullptr, nullptr};
  WSK_EXTENSION_CONTROL_OUT out{};
  Control c;
  c.type = WskIoctl;
  c.code = SIO_WSK_REGISTER_EXTENSION;
  c.level = 0;
  c.input = &in;
  c.input_size = sizeof in;
  c.output = &out;
  c.output_size = sizeof out;
  c.with_irp = false;
  const CallOutcome registered = ControlCall(socket, c);
  ASSERT_TRUE(registered.ok);
  ExpectClauseStatus(info, registered.status,
                     "SIO_WSK_REGISTER_EXTENSION of an unknown NPI");
}

void QueryInspectIdOnPlainSocket(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  WSK_INSPECT_ID id{};
  Control c;
  c.type = WskIoctl;
  c.code = SIO_WSK_QUERY_INSPECT_ID;
  c.level = 0;
  c.output = &id;
  c.output_size = sizeof id;
  c.with_irp = false;
  const CallOutcome queried = ControlCall(socket, c);
  ASSERT_TRUE(queried.ok);
  ExpectClauseStatus(info, queried.status,
                     "SIO_WSK_QUERY_INSPECT_ID on a socket not accepted");
}

void QueryIdealSendBacklog(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, &pair));
  SIZE_T backlog = 0;
  Control c;
  c.type = WskIoctl;
  c.code = SIO_WSK_QUERY_IDEAL_SEND_BACKLOG;
  c.level = 0;
  c.output = &backlog;
  c.output_size = sizeof backlog;
  const CallOutcome queried = ControlCall(socket, c);
  ASSERT_TRUE(queried.ok);
  if (!ExpectClauseStatus(info, queried.status,
                          "SIO_WSK_QUERY_IDEAL_SEND_BACKLOG")) {
    return;
  }
  EXPECT_EQ(queried.information, sizeof(SIZE_T))
      << "IoStatus.Information is not sizeof(SIZE_T)";
}

void AddressListTooSmall(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  Control c;
  c.type = WskIoctl;
  c.code = SIO_ADDRESS_LIST_QUERY;
  c.level = 0;
  c.with_irp = false;
  SIZE_T needed = 0;
  const CallOutcome queried = ControlCall(socket, c, &needed);
  ASSERT_TRUE(queried.ok);
  if (!ExpectClauseStatus(info, queried.status,
                          "SIO_ADDRESS_LIST_QUERY with no output buffer")) {
    return;
  }
  EXPECT_GE(needed, sizeof(SOCKET_ADDRESS_LIST))
      << "*OutputSizeReturned does not hold the size the list needs";
}

void AddressListQuery(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  alignas(8) unsigned char buffer[8192];
  std::memset(buffer, 0, sizeof buffer);
  Control c;
  c.type = WskIoctl;
  c.code = SIO_ADDRESS_LIST_QUERY;
  c.level = 0;
  c.output = buffer;
  c.output_size = sizeof buffer;
  c.with_irp = false;
  SIZE_T written = 0;
  const CallOutcome queried = ControlCall(socket, c, &written);
  ASSERT_TRUE(queried.ok);
  if (!ExpectClauseStatus(info, queried.status, "SIO_ADDRESS_LIST_QUERY")) {
    return;
  }
  const auto* list = reinterpret_cast<const SOCKET_ADDRESS_LIST*>(buffer);
  ASSERT_LE(written, sizeof buffer);
  ASSERT_LE(static_cast<SIZE_T>(SIZEOF_SOCKET_ADDRESS_LIST(list->iAddressCount)),
            written)
      << "the list claims more entries than the bytes written hold";
  for (INT i = 0; i < list->iAddressCount; ++i) {
    const auto* address =
        reinterpret_cast<const unsigned char*>(list->Address[i].lpSockaddr);
    ASSERT_TRUE(address >= buffer && address < buffer + written)
        << "entry " << i << " points outside the output buffer";
    EXPECT_EQ(list->Address[i].lpSockaddr->sa_family, info.address_family)
        << "entry " << i << " is not of the socket's family";
  }
}

}  // namespace wskconf::conformance::checks
