// Check helpers for socket IOCTLs through WskControlSocket beyond one query
// (spec/ioctls.xml, socket-basic.xml): address-list change notification,
// loopback fast path and WFP redirect statuses, the receive backlog, and
// Level being ignored for IOCTLs. TCP silent mode: silent_mode_checks.cc.
#include <cstring>
#include <string>

#include "checks/check_support.h"
#include "checks/control_ops.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::Payload;

namespace {

// How long a case polls a figure the provider updates as data arrives.
constexpr std::chrono::milliseconds kExpectFigure = kExpectCompletion;

bool OneOf(NTSTATUS status, std::initializer_list<NTSTATUS> allowed) {
  for (NTSTATUS s : allowed) {
    if (s == status) return true;
  }
  return false;
}

void AddressListChange(const CaseInfo& info, bool close) {
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  TrackedIrp irp("WskControlSocket(SIO_ADDRESS_LIST_CHANGE)");
  const NTSTATUS returned = socket.basic()->WskControlSocket(
      socket.get(), WskIoctl, SIO_ADDRESS_LIST_CHANGE, 0, 0, nullptr, 0, nullptr,
      nullptr, irp.irp());
  if (!close) {
    ExpectClauseStatus(info, returned, "SIO_ADDRESS_LIST_CHANGE");
    EXPECT_TRUE(irp.ExpectStillPending(returned))
        << "the notification completed with no address change";
    return;
  }
  ASSERT_TRUE(irp.ExpectStillPending(returned))
      << "precondition: the notification did not stay queued";
  ASSERT_TRUE(socket.Close());
  EXPECT_TRUE(irp.completed())
      << "the queued notification was still pending when the close completed";
  const CallOutcome done = internal::Finish(irp, returned);
  ASSERT_TRUE(done.ok);
  ExpectClauseStatus(info, done.status, "the notification pending at close");
}

}  // namespace

void AddressListChangePends(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  AddressListChange(info, false);
}

void AddressListChangeClosed(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  AddressListChange(info, true);
}

void LoopbackFastPathStatuses(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  ULONG on = 1;
  const CallOutcome enabled =
      internal::Ioctl(socket, SIO_LOOPBACK_FAST_PATH, &on, sizeof on);
  ASSERT_TRUE(enabled.ok);
  EXPECT_TRUE(OneOf(enabled.status, {STATUS_SUCCESS, STATUS_INVALID_BUFFER_SIZE,
                                     STATUS_NOT_SUPPORTED}))
      << "SIO_LOOPBACK_FAST_PATH gave " << StatusText(enabled.status);
  // An input of the wrong size cannot succeed.
  const CallOutcome wrong =
      internal::Ioctl(socket, SIO_LOOPBACK_FAST_PATH, &on, sizeof on - 1);
  ASSERT_TRUE(wrong.ok);
  if (!ExpectClauseStatus(info, wrong.status,
                          "SIO_LOOPBACK_FAST_PATH with a 3-byte input")) {
    return;
  }
  EXPECT_TRUE(OneOf(wrong.status, {STATUS_INVALID_BUFFER_SIZE, STATUS_NOT_SUPPORTED}))
      << "the failure status " << StatusText(wrong.status)
      << " is neither STATUS_INVALID_BUFFER_SIZE nor STATUS_NOT_SUPPORTED";
}

void SetRedirectRecordsStatuses(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, &pair));
  // Records no WFP callout produced: whatever the provider makes of them,
  // it answers with one of the statuses the page names.
  unsigned char records[32];
  std::memset(records, 0x5A, sizeof records);
  const CallOutcome set = internal::Ioctl(
      socket, SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS, records, sizeof records);
  ASSERT_TRUE(set.ok);
  RecordExpectedActual(
      "STATUS_SUCCESS, STATUS_INTEGER_OVERFLOW or STATUS_ACCESS_DENIED",
      StatusText(set.status));
  EXPECT_TRUE(OneOf(set.status, {STATUS_SUCCESS, STATUS_INTEGER_OVERFLOW,
                                 STATUS_ACCESS_DENIED}))
      << "SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS gave " << StatusText(set.status);
}

void RedirectQueriesFailUnredirected(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, &pair));
  // A connection to the host's listener: no WFP callout redirected it.
  for (const ULONG code : {static_cast<ULONG>(SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS),
                           static_cast<ULONG>(SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT)}) {
    const char* name = code == SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS
                           ? "SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS"
                           : "SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT";
    unsigned char output[256];
    const CallOutcome query =
        internal::Ioctl(socket, code, nullptr, 0, output, sizeof output);
    ASSERT_TRUE(query.ok) << name;
    ExpectClauseStatus(info, query.status,
                       std::string(name) + " on a connection nothing redirected");
  }
}

void ReceiveBacklogCounts(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family, &pair));
  SIZE_T backlog = 0xA5A5;
  CallOutcome query = internal::Ioctl(socket, SIO_WSK_QUERY_RECEIVE_BACKLOG, nullptr,
                                      0, &backlog, sizeof backlog);
  ASSERT_TRUE(query.ok);
  if (!ExpectClauseStatus(info, query.status, "SIO_WSK_QUERY_RECEIVE_BACKLOG")) {
    return;
  }
  EXPECT_EQ(query.information, sizeof(SIZE_T));
  EXPECT_EQ(backlog, 0u) << "bytes reported before the peer sent any";
  constexpr size_t kSent = 777;
  ASSERT_TRUE(pair.peer.SendAll(Payload(kSent, 90)));
  // The bytes reach the socket asynchronously: query until they show, within
  // a named limit (each query is a real request, not a sleep).
  const auto deadline = std::chrono::steady_clock::now() + kExpectFigure;
  do {
    query = internal::Ioctl(socket, SIO_WSK_QUERY_RECEIVE_BACKLOG, nullptr, 0,
                            &backlog, sizeof backlog);
    ASSERT_TRUE(query.ok);
    ASSERT_EQ(query.status, STATUS_SUCCESS);
  } while (backlog < kSent && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(backlog, kSent) << "the query does not report the unread bytes";
}

void LevelIgnoredForIoctl(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  // SIO_ADDRESS_LIST_QUERY at three Level values: the status and the size
  // written must not depend on Level.
  NTSTATUS first = STATUS_PENDING;
  SIZE_T first_size = 0;
  for (ULONG level : {ULONG{0}, ULONG{SOL_SOCKET}, ULONG{0x7A5A}}) {
    internal::Control c;
    c.type = WskIoctl;
    c.code = SIO_ADDRESS_LIST_QUERY;
    c.level = level;
    alignas(8) unsigned char list[4096];
    c.output = list;
    c.output_size = sizeof list;
    c.with_irp = false;
    SIZE_T size = 0;
    const CallOutcome done = internal::ControlCall(socket, c, &size);
    ASSERT_TRUE(done.ok);
    if (level == 0) {
      first = done.status;
      first_size = size;
      if (!ExpectClauseStatus(info, done.status, "SIO_ADDRESS_LIST_QUERY")) {
        return;
      }
      continue;
    }
    EXPECT_EQ(done.status, first) << "Level 0x" << std::hex << level
                                  << " changed the IOCTL's status";
    EXPECT_EQ(size, first_size) << "Level changed the size reported";
  }
}

}  // namespace wskconf::conformance::checks
