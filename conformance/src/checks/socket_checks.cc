// Check helpers for socket creation, dispatch tables, WskControlSocket and
// WskCloseSocket (spec/client-level.xml, dispatch.xml, socket-basic.xml,
// irp.xml).
#include <cstring>

#include "checks/check_support.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CaseScope;
using internal::ExpectClauseStatus;

namespace {

// The members of a provider table, as raw pointers, for NULL checks. Reserved
// members (WskSendEx, WskReceiveEx) are listed apart: only the SHOULD clause
// asks for them.
struct TableMembers {
  std::vector<std::pair<const char*, const void*>> required;
  std::vector<std::pair<const char*, const void*>> reserved;
};

#define WSKCONF_MEMBER(table, name) \
  std::pair<const char*, const void*> { #name, reinterpret_cast<const void*>(table->name) }

TableMembers MembersOf(PWSK_SOCKET socket, SocketCategory category) {
  TableMembers members;
  const auto* basic =
      static_cast<const WSK_PROVIDER_BASIC_DISPATCH*>(socket->Dispatch);
  members.required = {WSKCONF_MEMBER(basic, WskControlSocket),
                      WSKCONF_MEMBER(basic, WskCloseSocket)};
  switch (category) {
    case SocketCategory::kListen: {
      const auto* t =
          static_cast<const WSK_PROVIDER_LISTEN_DISPATCH*>(socket->Dispatch);
      members.required.insert(members.required.end(),
                              {WSKCONF_MEMBER(t, WskBind), WSKCONF_MEMBER(t, WskAccept),
                               WSKCONF_MEMBER(t, WskInspectComplete),
                               WSKCONF_MEMBER(t, WskGetLocalAddress)});
      break;
    }
    case SocketCategory::kDatagram: {
      const auto* t =
          static_cast<const WSK_PROVIDER_DATAGRAM_DISPATCH*>(socket->Dispatch);
      members.required.insert(
          members.required.end(),
          {WSKCONF_MEMBER(t, WskBind), WSKCONF_MEMBER(t, WskSendTo),
           WSKCONF_MEMBER(t, WskReceiveFrom), WSKCONF_MEMBER(t, WskRelease),
           WSKCONF_MEMBER(t, WskGetLocalAddress), WSKCONF_MEMBER(t, WskSendMessages)});
      break;
    }
    case SocketCategory::kConnection: {
      const auto* t = static_cast<const WSK_PROVIDER_CONNECTION_DISPATCH*>(
          socket->Dispatch);
      members.required.insert(
          members.required.end(),
          {WSKCONF_MEMBER(t, WskBind), WSKCONF_MEMBER(t, WskConnect),
           WSKCONF_MEMBER(t, WskGetLocalAddress), WSKCONF_MEMBER(t, WskGetRemoteAddress),
           WSKCONF_MEMBER(t, WskSend), WSKCONF_MEMBER(t, WskReceive),
           WSKCONF_MEMBER(t, WskDisconnect), WSKCONF_MEMBER(t, WskRelease),
           WSKCONF_MEMBER(t, WskConnectEx)});
      members.reserved = {WSKCONF_MEMBER(t, WskSendEx), WSKCONF_MEMBER(t, WskReceiveEx)};
      break;
    }
    case SocketCategory::kStream: {
      const auto* t =
          static_cast<const WSK_PROVIDER_STREAM_DISPATCH*>(socket->Dispatch);
      members.required.insert(
          members.required.end(),
          {WSKCONF_MEMBER(t, WskBind), WSKCONF_MEMBER(t, WskAccept),
           WSKCONF_MEMBER(t, WskConnect), WSKCONF_MEMBER(t, WskListen),
           WSKCONF_MEMBER(t, WskSend), WSKCONF_MEMBER(t, WskReceive),
           WSKCONF_MEMBER(t, WskDisconnect), WSKCONF_MEMBER(t, WskRelease),
           WSKCONF_MEMBER(t, WskGetLocalAddress), WSKCONF_MEMBER(t, WskGetRemoteAddress),
           WSKCONF_MEMBER(t, WskConnectEx)});
      members.reserved = {WSKCONF_MEMBER(t, WskSendEx), WSKCONF_MEMBER(t, WskReceiveEx)};
      break;
    }
    case SocketCategory::kBasic:
    case SocketCategory::kNone:
      break;
  }
  return members;
}

#undef WSKCONF_MEMBER

void ExpectSet(const std::vector<std::pair<const char*, const void*>>& members,
               SocketCategory category) {
  for (const auto& [name, pointer] : members) {
    EXPECT_NE(pointer, nullptr)
        << name << " of the " << SocketCategoryName(category)
        << " socket's dispatch table is NULL";
  }
}

void CreateAndInspect(const CaseInfo& info, bool reserved_too) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  auto created = socket.Create(info.category, info.address_family);
  if (socket.create_status() != STATUS_PENDING) {
    ExpectClauseStatus(info, socket.create_status(), "WskSocket");
  }
  ASSERT_TRUE(created);
  const TableMembers members = MembersOf(socket.get(), info.category);
  ExpectSet(members.required, info.category);
  if (reserved_too) ExpectSet(members.reserved, info.category);
}

}  // namespace

void CreateSocket(const CaseInfo& info) { CreateAndInspect(info, false); }

void CreateSocketNoNullMembers(const CaseInfo& info) {
  CreateAndInspect(info, true);
}

void CloseFreshSocket(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  PWSK_SOCKET raw = socket.get();
  const auto* basic = socket.basic();
  socket.Adopt(nullptr, info.category);  // the case closes it itself
  TrackedIrp irp("WskCloseSocket");
  const NTSTATUS returned = basic->WskCloseSocket(raw, irp.irp());
  ASSERT_TRUE(irp.Finish(returned));
  ExpectClauseStatus(info, irp.completion().status, "WskCloseSocket");
}

void SocketsAreDistinct(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner first(session);
  WskSocketOwner second(session);
  ASSERT_TRUE(first.Create(info.category, info.address_family));
  ASSERT_TRUE(second.Create(info.category, info.address_family));
  EXPECT_NE(first.get(), second.get())
      << "two WskSocket calls delivered the same socket object";
}

void CreateUnsupportedCombination(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // The category with the other transport: listen/connection/stream with
  // SOCK_DGRAM+UDP, datagram with SOCK_STREAM+TCP.
  const bool datagram = info.category == SocketCategory::kDatagram;
  const USHORT type = datagram ? SOCK_STREAM : SOCK_DGRAM;
  const ULONG protocol = datagram ? IPPROTO_TCP : IPPROTO_UDP;
  TrackedIrp irp("WskSocket");
  const NTSTATUS returned = session.dispatch()->WskSocket(
      session.client(), info.address_family, type, protocol,
      SocketCategoryFlags(info.category), nullptr, nullptr, nullptr, nullptr,
      nullptr, irp.irp());
  ASSERT_TRUE(irp.Finish(returned));
  const IrpCompletion done = irp.completion();
  if (!ExpectClauseStatus(info, done.status, "WskSocket")) {
    // It made a socket after all: close it so the run stays clean.
    WskSocketOwner stray(session);
    if (NT_SUCCESS(done.status) && done.information != 0) {
      stray.Adopt(reinterpret_cast<PWSK_SOCKET>(done.information),
                  info.category);
    }
    return;
  }
  if (info.expect.information[0] != '\0') {
    EXPECT_EQ(done.information, 0u)
        << "a failed WskSocket left IoStatus.Information non-zero";
  }
}

namespace {

// An option code no transport defines.
constexpr ULONG kUnknownOption = 0x7A11BEEF;

}  // namespace

void ControlUnknownOption(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  ULONG value = 1;
  TrackedIrp irp("WskControlSocket(WskSetOption, unknown option)");
  const NTSTATUS returned = socket.basic()->WskControlSocket(
      socket.get(), WskSetOption, kUnknownOption, SOL_SOCKET, sizeof value,
      &value, 0, nullptr, nullptr, irp.irp());
  ASSERT_TRUE(irp.Finish(returned));
  ExpectClauseStatus(info, irp.completion().status, "WskControlSocket");
  if (std::strcmp(info.expect.information, "0") == 0) {
    EXPECT_EQ(irp.completion().information, 0u)
        << "a failed request left IoStatus.Information non-zero";
  }
}

void ControlUnknownRequestType(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  ULONG value = 1;
  TrackedIrp irp("WskControlSocket(WskControlMax)");
  const NTSTATUS returned = socket.basic()->WskControlSocket(
      socket.get(), WskControlMax, SO_REUSEADDR, SOL_SOCKET, sizeof value,
      &value, 0, nullptr, nullptr, irp.irp());
  ASSERT_TRUE(irp.Finish(returned));
  ExpectClauseStatus(info, irp.completion().status, "WskControlSocket");
}

}  // namespace wskconf::conformance::checks
