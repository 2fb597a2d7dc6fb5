// Check helpers for binding and local/remote addresses
// (spec/socket-address.xml).
#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;

void BindLoopback(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  const CallOutcome bound =
      internal::BindTo(socket, LoopbackAddress(info.address_family));
  ASSERT_TRUE(bound.ok);
  if (!ExpectClauseStatus(info, bound.status, "WskBind")) return;
  // Bound from then on: the local address is the loopback address.
  SOCKADDR_STORAGE local;
  const CallOutcome query = internal::GetLocalAddress(socket, &local);
  ASSERT_TRUE(query.ok);
  EXPECT_EQ(query.status, STATUS_SUCCESS)
      << "WskGetLocalAddress after the bind gave " << StatusText(query.status);
  EXPECT_TRUE(IsLoopback(reinterpret_cast<SOCKADDR*>(&local),
                         info.address_family))
      << "the local address is not the bound loopback address";
}

void BindWildcard(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  const CallOutcome bound =
      internal::BindTo(socket, WildcardAddress(info.address_family));
  ASSERT_TRUE(bound.ok);
  ExpectClauseStatus(info, bound.status, "WskBind to the wildcard address");
}

void BindPortZeroAssignsPort(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, info.category, info.address_family));
  SOCKADDR_STORAGE local;
  const CallOutcome query = internal::GetLocalAddress(socket, &local);
  ASSERT_TRUE(query.ok);
  if (!ExpectClauseStatus(info, query.status, "WskGetLocalAddress")) return;
  EXPECT_EQ(local.ss_family, info.address_family);
  EXPECT_NE(PortOf(reinterpret_cast<SOCKADDR*>(&local)), 0)
      << "no port was assigned by the bind to port 0";
}

void BindTwiceFails(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, info.category, info.address_family));
  SOCKADDR_STORAGE first;
  ASSERT_TRUE(internal::GetLocalAddress(socket, &first).ok);
  const CallOutcome again =
      internal::BindTo(socket, LoopbackAddress(info.address_family));
  ASSERT_TRUE(again.ok);
  ExpectClauseStatus(info, again.status, "second WskBind");
  SOCKADDR_STORAGE after;
  ASSERT_TRUE(internal::GetLocalAddress(socket, &after).ok);
  EXPECT_EQ(PortOf(reinterpret_cast<SOCKADDR*>(&after)),
            PortOf(reinterpret_cast<SOCKADDR*>(&first)))
      << "the socket did not keep its first local address";
}

void BindAddressInUseFails(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner first(session);
  ASSERT_TRUE(internal::CreateBound(first, info.category, info.address_family));
  SOCKADDR_STORAGE taken;
  ASSERT_TRUE(internal::GetLocalAddress(first, &taken).ok);
  WskSocketOwner second(session);
  ASSERT_TRUE(second.Create(info.category, info.address_family));
  const CallOutcome bound = internal::BindTo(second, taken);
  ASSERT_TRUE(bound.ok);
  ExpectClauseStatus(info, bound.status, "WskBind to an address in use");
}

void LocalAddressUnbound(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  SOCKADDR_STORAGE local;
  const CallOutcome query = internal::GetLocalAddress(socket, &local);
  ASSERT_TRUE(query.ok);
  ExpectClauseStatus(info, query.status, "WskGetLocalAddress on an unbound socket");
}

void RemoteAddressUnconnected(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, info.category, info.address_family));
  SOCKADDR_STORAGE remote;
  const CallOutcome query = internal::GetRemoteAddress(socket, &remote);
  ASSERT_TRUE(query.ok);
  ExpectClauseStatus(info, query.status,
                     "WskGetRemoteAddress on an unconnected socket");
}

void RemoteAddressIsPeer(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, &pair));
  SOCKADDR_STORAGE remote;
  const CallOutcome query = internal::GetRemoteAddress(socket, &remote);
  ASSERT_TRUE(query.ok);
  if (!ExpectClauseStatus(info, query.status, "WskGetRemoteAddress")) return;
  EXPECT_TRUE(IsLoopback(reinterpret_cast<SOCKADDR*>(&remote),
                         info.address_family));
  EXPECT_EQ(PortOf(reinterpret_cast<SOCKADDR*>(&remote)), pair.listener->port());
}

void LocalAddressAfterWildcardConnect(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  HostTcpListener listener(internal::IsIpv6(info.address_family));
  ASSERT_TRUE(listener.ok());
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  const CallOutcome bound =
      internal::BindTo(socket, WildcardAddress(info.address_family));
  ASSERT_TRUE(bound.ok);
  if (!ExpectClauseStatus(info, bound.status, "WskBind to the wildcard")) return;
  const CallOutcome connected = internal::ConnectTo(
      socket, LoopbackAddress(info.address_family, listener.port()));
  ASSERT_TRUE(connected.ok);
  ASSERT_EQ(connected.status, STATUS_SUCCESS)
      << "WskConnect gave " << StatusText(connected.status);
  SOCKADDR_STORAGE local;
  ASSERT_TRUE(internal::GetLocalAddress(socket, &local).ok);
  EXPECT_TRUE(IsLoopback(reinterpret_cast<SOCKADDR*>(&local),
                         info.address_family))
      << "after connecting to loopback the local address is not specific";
}

}  // namespace wskconf::conformance::checks
