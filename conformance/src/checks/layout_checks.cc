// Check helpers for documented layouts (checks_core.h): structure sizes and
// field offsets of the WDK-shaped headers, and the provider's dispatch
// tables read at the documented byte offsets.
#include <cstddef>
#include <cstring>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks_core.h"

namespace wskconf::conformance::checks {

using internal::CaseScope;
using internal::CallOutcome;

namespace {

struct Field {
  std::string_view name;
  size_t documented;  // x64 offset the documentation gives
  size_t actual;      // offsetof in the headers
};

struct Layout {
  std::string_view name;
  size_t documented_size;
  size_t actual_size;
  std::vector<Field> fields;
};

#define WSKCONF_FIELD(type, field, offset) \
  Field { #field, offset, offsetof(type, field) }

// The documented x64 layouts (VALUES.md and the syntax snapshots), as the
// spec's clauses state them.
const std::vector<Layout>& Layouts() {
  static const std::vector<Layout> layouts = {
      {"WSK_BUF", 24, sizeof(WSK_BUF),
       {WSKCONF_FIELD(WSK_BUF, Mdl, 0), WSKCONF_FIELD(WSK_BUF, Offset, 8),
        WSKCONF_FIELD(WSK_BUF, Length, 16)}},
      {"WSK_BUF_LIST", 32, sizeof(WSK_BUF_LIST),
       {WSKCONF_FIELD(WSK_BUF_LIST, Next, 0),
        WSKCONF_FIELD(WSK_BUF_LIST, Buffer, 8)}},
      {"WSK_DATA_INDICATION", 32, sizeof(WSK_DATA_INDICATION),
       {WSKCONF_FIELD(WSK_DATA_INDICATION, Next, 0),
        WSKCONF_FIELD(WSK_DATA_INDICATION, Buffer, 8)}},
      {"WSK_DATAGRAM_INDICATION", 56, sizeof(WSK_DATAGRAM_INDICATION),
       {WSKCONF_FIELD(WSK_DATAGRAM_INDICATION, Next, 0),
        WSKCONF_FIELD(WSK_DATAGRAM_INDICATION, Buffer, 8),
        WSKCONF_FIELD(WSK_DATAGRAM_INDICATION, ControlInfo, 32),
        WSKCONF_FIELD(WSK_DATAGRAM_INDICATION, ControlInfoLength, 40),
        WSKCONF_FIELD(WSK_DATAGRAM_INDICATION, RemoteAddress, 48)}},
      {"WSK_EVENT_CALLBACK_CONTROL", 16, sizeof(WSK_EVENT_CALLBACK_CONTROL),
       {WSKCONF_FIELD(WSK_EVENT_CALLBACK_CONTROL, NpiId, 0),
        WSKCONF_FIELD(WSK_EVENT_CALLBACK_CONTROL, EventMask, 8)}},
      {"WSK_EXTENSION_CONTROL_IN", 24, sizeof(WSK_EXTENSION_CONTROL_IN),
       {WSKCONF_FIELD(WSK_EXTENSION_CONTROL_IN, NpiId, 0),
        WSKCONF_FIELD(WSK_EXTENSION_CONTROL_IN, ClientContext, 8),
        WSKCONF_FIELD(WSK_EXTENSION_CONTROL_IN, ClientDispatch, 16)}},
      {"WSK_EXTENSION_CONTROL_OUT", 16, sizeof(WSK_EXTENSION_CONTROL_OUT),
       {WSKCONF_FIELD(WSK_EXTENSION_CONTROL_OUT, ProviderContext, 0),
        WSKCONF_FIELD(WSK_EXTENSION_CONTROL_OUT, ProviderDispatch, 8)}},
      {"WSK_CLIENT_STREAM_DISPATCH", 16, sizeof(WSK_CLIENT_STREAM_DISPATCH),
       {WSKCONF_FIELD(WSK_CLIENT_STREAM_DISPATCH, Listen, 0),
        WSKCONF_FIELD(WSK_CLIENT_STREAM_DISPATCH, Connect, 8)}},
      {"WSK_INSPECT_ID", 16, sizeof(WSK_INSPECT_ID),
       {WSKCONF_FIELD(WSK_INSPECT_ID, Key, 0),
        WSKCONF_FIELD(WSK_INSPECT_ID, SerialNumber, 8)}},
      {"WSK_REGISTRATION", 24, sizeof(WSK_REGISTRATION),
       {WSKCONF_FIELD(WSK_REGISTRATION, ReservedRegistrationState, 0),
        WSKCONF_FIELD(WSK_REGISTRATION, ReservedRegistrationContext, 8),
        WSKCONF_FIELD(WSK_REGISTRATION, ReservedRegistrationLock, 16)}},
      {"WSK_TRANSPORT", 28, sizeof(WSK_TRANSPORT),
       {WSKCONF_FIELD(WSK_TRANSPORT, Version, 0),
        WSKCONF_FIELD(WSK_TRANSPORT, SocketType, 2),
        WSKCONF_FIELD(WSK_TRANSPORT, Protocol, 4),
        WSKCONF_FIELD(WSK_TRANSPORT, AddressFamily, 8),
        WSKCONF_FIELD(WSK_TRANSPORT, ProviderId, 12)}},
      {"WSK_PROVIDER_BASIC_DISPATCH", 16, sizeof(WSK_PROVIDER_BASIC_DISPATCH),
       {WSKCONF_FIELD(WSK_PROVIDER_BASIC_DISPATCH, WskControlSocket, 0),
        WSKCONF_FIELD(WSK_PROVIDER_BASIC_DISPATCH, WskCloseSocket, 8)}},
      {"WSK_PROVIDER_LISTEN_DISPATCH", 48, sizeof(WSK_PROVIDER_LISTEN_DISPATCH),
       {WSKCONF_FIELD(WSK_PROVIDER_LISTEN_DISPATCH, Basic, 0),
        WSKCONF_FIELD(WSK_PROVIDER_LISTEN_DISPATCH, WskBind, 16),
        WSKCONF_FIELD(WSK_PROVIDER_LISTEN_DISPATCH, WskAccept, 24),
        WSKCONF_FIELD(WSK_PROVIDER_LISTEN_DISPATCH, WskInspectComplete, 32),
        WSKCONF_FIELD(WSK_PROVIDER_LISTEN_DISPATCH, WskGetLocalAddress, 40)}},
      {"WSK_PROVIDER_DATAGRAM_DISPATCH", 64,
       sizeof(WSK_PROVIDER_DATAGRAM_DISPATCH),
       {WSKCONF_FIELD(WSK_PROVIDER_DATAGRAM_DISPATCH, Basic, 0),
        WSKCONF_FIELD(WSK_PROVIDER_DATAGRAM_DISPATCH, WskBind, 16),
        WSKCONF_FIELD(WSK_PROVIDER_DATAGRAM_DISPATCH, WskSendTo, 24),
        WSKCONF_FIELD(WSK_PROVIDER_DATAGRAM_DISPATCH, WskReceiveFrom, 32),
        WSKCONF_FIELD(WSK_PROVIDER_DATAGRAM_DISPATCH, WskRelease, 40),
        WSKCONF_FIELD(WSK_PROVIDER_DATAGRAM_DISPATCH, WskGetLocalAddress, 48),
        WSKCONF_FIELD(WSK_PROVIDER_DATAGRAM_DISPATCH, WskSendMessages, 56)}},
      {"WSK_PROVIDER_CONNECTION_DISPATCH", 104,
       sizeof(WSK_PROVIDER_CONNECTION_DISPATCH),
       {WSKCONF_FIELD(WSK_PROVIDER_CONNECTION_DISPATCH, Basic, 0),
        WSKCONF_FIELD(WSK_PROVIDER_CONNECTION_DISPATCH, WskBind, 16),
        WSKCONF_FIELD(WSK_PROVIDER_CONNECTION_DISPATCH, WskConnect, 24),
        WSKCONF_FIELD(WSK_PROVIDER_CONNECTION_DISPATCH, WskGetLocalAddress, 32),
        WSKCONF_FIELD(WSK_PROVIDER_CONNECTION_DISPATCH, WskGetRemoteAddress, 40),
        WSKCONF_FIELD(WSK_PROVIDER_CONNECTION_DISPATCH, WskSend, 48),
        WSKCONF_FIELD(WSK_PROVIDER_CONNECTION_DISPATCH, WskReceive, 56),
        WSKCONF_FIELD(WSK_PROVIDER_CONNECTION_DISPATCH, WskDisconnect, 64),
        WSKCONF_FIELD(WSK_PROVIDER_CONNECTION_DISPATCH, WskRelease, 72),
        WSKCONF_FIELD(WSK_PROVIDER_CONNECTION_DISPATCH, WskConnectEx, 80),
        WSKCONF_FIELD(WSK_PROVIDER_CONNECTION_DISPATCH, WskSendEx, 88),
        WSKCONF_FIELD(WSK_PROVIDER_CONNECTION_DISPATCH, WskReceiveEx, 96)}},
      {"WSK_PROVIDER_STREAM_DISPATCH", 120, sizeof(WSK_PROVIDER_STREAM_DISPATCH),
       {WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, Basic, 0),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskBind, 16),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskAccept, 24),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskConnect, 32),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskListen, 40),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskSend, 48),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskReceive, 56),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskDisconnect, 64),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskRelease, 72),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskGetLocalAddress, 80),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskGetRemoteAddress, 88),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskConnectEx, 96),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskSendEx, 104),
        WSKCONF_FIELD(WSK_PROVIDER_STREAM_DISPATCH, WskReceiveEx, 112)}},
  };
  return layouts;
}

#undef WSKCONF_FIELD

const Layout* FindLayout(std::string_view name) {
  for (const Layout& layout : Layouts()) {
    if (layout.name == name) return &layout;
  }
  return nullptr;
}

void CheckHeaderLayout(const Layout& layout) {
  RecordExpectedActual(fmt::format("{} bytes", layout.documented_size),
                       fmt::format("{} bytes", layout.actual_size));
  EXPECT_EQ(layout.actual_size, layout.documented_size)
      << "sizeof(" << layout.name << ")";
  for (const Field& field : layout.fields) {
    EXPECT_EQ(field.actual, field.documented)
        << "offset of " << layout.name << "." << field.name;
  }
}

// The function pointer a provider's table holds at byte `offset`.
template <typename Pfn>
Pfn At(const void* table, size_t offset) {
  Pfn pfn;
  std::memcpy(&pfn, static_cast<const char*>(table) + offset, sizeof(pfn));
  return pfn;
}

// Byte offsets of the members every socket of the category must offer
// (bind and get-local-address; 0 where the category has none).
struct RawOffsets {
  size_t bind = 0;
  size_t get_local = 0;
  std::vector<size_t> required;  // offsets that must hold a function
};

RawOffsets OffsetsOf(SocketCategory category) {
  switch (category) {
    case SocketCategory::kListen:
      return {16, 40, {0, 8, 16, 24, 40}};
    case SocketCategory::kDatagram:
      return {16, 48, {0, 8, 16, 24, 32, 40, 48}};
    case SocketCategory::kConnection:
      return {16, 32, {0, 8, 16, 24, 32, 40, 48, 56, 64, 72}};
    case SocketCategory::kStream:
      return {16, 80, {0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88}};
    case SocketCategory::kBasic:
    case SocketCategory::kNone:
      break;
  }
  return {0, 0, {0, 8}};
}

// Binds through the pointer at the documented bind offset and reads the
// address back through the one at the get-local-address offset.
void BindThroughRawOffsets(const WskSocketOwner& socket, const RawOffsets& raw,
                           ADDRESS_FAMILY family) {
  const void* table = socket.get()->Dispatch;
  auto bind = At<PFN_WSK_BIND>(table, raw.bind);
  auto get_local = At<PFN_WSK_GET_LOCAL_ADDRESS>(table, raw.get_local);
  ASSERT_NE(bind, nullptr);
  ASSERT_NE(get_local, nullptr);
  SOCKADDR_STORAGE address = LoopbackAddress(family);
  TrackedIrp bind_irp("WskBind at offset " + std::to_string(raw.bind));
  CallOutcome bound = internal::Finish(
      bind_irp, bind(socket.get(), reinterpret_cast<PSOCKADDR>(&address), 0,
                     bind_irp.irp()));
  ASSERT_TRUE(bound.ok);
  ASSERT_EQ(bound.status, STATUS_SUCCESS)
      << "the function at offset " << raw.bind << " does not bind: "
      << StatusText(bound.status);
  SOCKADDR_STORAGE local{};
  TrackedIrp local_irp("WskGetLocalAddress at offset " +
                       std::to_string(raw.get_local));
  CallOutcome got = internal::Finish(
      local_irp, get_local(socket.get(), reinterpret_cast<PSOCKADDR>(&local),
                           local_irp.irp()));
  ASSERT_TRUE(got.ok);
  ASSERT_EQ(got.status, STATUS_SUCCESS)
      << "the function at offset " << raw.get_local
      << " does not report the local address: " << StatusText(got.status);
  EXPECT_TRUE(IsLoopback(reinterpret_cast<PSOCKADDR>(&local), family));
  EXPECT_NE(PortOf(reinterpret_cast<PSOCKADDR>(&local)), 0);
}

}  // namespace

void StructureLayout(const CaseInfo& info) {
  CaseScope scope(info);
  const Layout* layout = FindLayout(info.element);
  ASSERT_NE(layout, nullptr) << "harness: no documented layout of "
                             << info.element << " in layout_checks.cc";
  CheckHeaderLayout(*layout);
}

void DispatchTableLayout(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  const Layout* layout = FindLayout(info.element);
  ASSERT_NE(layout, nullptr) << "harness: no documented layout of "
                             << info.element << " in layout_checks.cc";
  CheckHeaderLayout(*layout);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  const RawOffsets raw = OffsetsOf(info.category);
  for (size_t offset : raw.required) {
    EXPECT_NE(At<void*>(socket.get()->Dispatch, offset), nullptr)
        << info.element << " of the provider has no function at offset "
        << offset;
  }
  if (raw.bind != 0) BindThroughRawOffsets(socket, raw, info.address_family);
  // WskCloseSocket, offset 8 (checked above), closes the socket.
  EXPECT_TRUE(socket.Close());
}

}  // namespace wskconf::conformance::checks
