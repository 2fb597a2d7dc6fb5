// Check helpers for forwarded IRPs, IRQL, socket ownership and client MDLs
// (spec/irp.xml; checks_core.h).
#include <wskconf/verifier.h>
#include <wskconf/wdm_mdl.h>

#include <atomic>
#include <memory>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks_core.h"

namespace wskconf::conformance::checks {

using internal::AtDispatch;
using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::Payload;

namespace {

// ---- A forwarded IRP: a "higher driver" sends an IRP to the client's
// device; the client passes it on to WskSocket with
// IoSkipCurrentIrpStackLocation and no completion routine of its own.
struct ForwardContext {
  const WskClientSession* session = nullptr;
  SocketCategory category = SocketCategory::kNone;
  ADDRESS_FAMILY family = 0;
  std::atomic<int> calls{0};
  NTSTATUS status = kPoisonStatus;
  ULONG_PTR information = 0;
  KEVENT done;
};

ForwardContext* g_forward = nullptr;  // the one forwarding case running

NTSTATUS ClientDispatch(PDEVICE_OBJECT, PIRP irp) {
  ForwardContext& c = *g_forward;
  IoSkipCurrentIrpStackLocation(irp);
  return c.session->dispatch()->WskSocket(
      c.session->client(), c.family, SocketTypeFor(c.category),
      ProtocolFor(c.category), SocketCategoryFlags(c.category), nullptr,
      nullptr, nullptr, nullptr, nullptr, irp);
}

NTSTATUS HigherDriverDone(PDEVICE_OBJECT, PIRP irp, PVOID context) {
  auto* c = static_cast<ForwardContext*>(context);
  if (c->calls++ == 0) {
    c->status = irp->IoStatus.Status;
    c->information = irp->IoStatus.Information;
  }
  KeSetEvent(&c->done, IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;  // the higher driver owns it
}

void CloseDelivered(WskClientSession& session, ULONG_PTR information,
                    SocketCategory category) {
  if (information == 0) return;
  WskSocketOwner owner(session);
  owner.Adopt(reinterpret_cast<PWSK_SOCKET>(information), category);
  EXPECT_TRUE(owner.Close());
}

}  // namespace

void ForwardedIrpCompletes(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  auto context = std::make_unique<ForwardContext>();
  context->session = &session;
  context->category = info.category;
  context->family = info.address_family;
  KeInitializeEvent(&context->done, NotificationEvent, FALSE);
  g_forward = context.get();
  DRIVER_OBJECT driver{};
  driver.MajorFunction[IRP_MJ_INTERNAL_DEVICE_CONTROL] = &ClientDispatch;
  DEVICE_OBJECT device{};
  device.DriverObject = &driver;
  device.StackSize = 1;
  PIRP irp = IoAllocateIrp(2, FALSE);
  ASSERT_NE(irp, nullptr);
  irp->IoStatus.Status = kPoisonStatus;
  IoSetCompletionRoutine(irp, &HigherDriverDone, context.get(), TRUE, TRUE,
                         TRUE);
  IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
  const NTSTATUS returned = IoCallDriver(&device, irp);
  const bool done = WaitForEvent(&context->done, kExpectCompletion);
  g_forward = nullptr;
  if (!done) {
    NoteLeak("a forwarded IRP the provider never completed");
    (void)context.release();
    FAIL() << "the higher driver's completion routine never ran: the "
              "forwarded IRP did not complete upward";
  }
  RecordExpectedActual("the higher driver's routine runs once",
                       fmt::format("{} call(s), {}", context->calls.load(),
                                   StatusText(context->status)));
  ExpectClauseStatus(info, context->status, "WskSocket (forwarded IRP)");
  EXPECT_EQ(context->calls.load(), 1);
  EXPECT_TRUE(returned == STATUS_PENDING || returned == context->status)
      << "returned " << StatusText(returned) << ", completed with "
      << StatusText(context->status);
  IoFreeIrp(irp);
  CloseDelivered(session, context->information, info.category);
}

void CallsAtDispatchLevel(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  const ULONG violations = WskconfGetViolationCount();
  WskSocketOwner socket(session);
  TrackedIrp create("WskSocket at DISPATCH_LEVEL");
  NTSTATUS returned = STATUS_PENDING;
  AtDispatch([&] {
    returned = session.dispatch()->WskSocket(
        session.client(), info.address_family, SocketTypeFor(info.category),
        ProtocolFor(info.category), SocketCategoryFlags(info.category),
        nullptr, nullptr, nullptr, nullptr, nullptr, create.irp());
  });
  ExpectClauseStatus(info, returned, "WskSocket at DISPATCH_LEVEL");
  ASSERT_TRUE(create.Finish(returned));
  ASSERT_EQ(create.completion().status, STATUS_SUCCESS);
  socket.Adopt(reinterpret_cast<PWSK_SOCKET>(create.completion().information),
               info.category);
  // Bind and query the local address at DISPATCH_LEVEL too.
  SOCKADDR_STORAGE address = LoopbackAddress(info.address_family);
  TrackedIrp bind("WskBind at DISPATCH_LEVEL");
  const auto f = internal::FunctionsOf(socket);
  ASSERT_NE(f.Bind, nullptr);
  AtDispatch([&] {
    returned = f.Bind(socket.get(), reinterpret_cast<PSOCKADDR>(&address), 0,
                      bind.irp());
  });
  ExpectClauseStatus(info, returned, "WskBind at DISPATCH_LEVEL");
  ASSERT_TRUE(bind.Finish(returned));
  EXPECT_EQ(bind.completion().status, STATUS_SUCCESS);
  const std::string findings = [&] {
    std::string out;
    for (ULONG i = violations; i < WskconfGetViolationCount(); ++i) {
      WSKCONF_VIOLATION v;
      if (WskconfGetViolation(i, &v)) out += std::string(v.RuleId) + " ";
    }
    return out;
  }();
  EXPECT_EQ(findings, "") << "the runtime's verifier reported, while the "
                             "provider ran at DISPATCH_LEVEL: " << findings;
}

void CompletionIrqlAtMostDispatch(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family,
                                &pair));
  MdlBuffer buffer(64);
  WSK_BUF buf = buffer.Buf();
  TrackedIrp receive("WskReceive");
  const NTSTATUS returned = internal::FunctionsOf(socket).Receive(
      socket.get(), &buf, 0, receive.irp());
  ASSERT_TRUE(pair.peer.SendAll(Payload(20, 1)));
  ASSERT_TRUE(receive.Finish(returned));
  const KIRQL irql = receive.completion().irql;
  RecordExpectedActual("IRQL <= DISPATCH_LEVEL",
                       fmt::format("IRQL {}", static_cast<int>(irql)));
  ExpectClauseStatus(info, receive.completion().status, "WskReceive");
  EXPECT_LE(irql, DISPATCH_LEVEL)
      << "the completion routine ran above DISPATCH_LEVEL";
}

void ReturnsAtCallerIrql(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family,
                                &pair));
  const auto f = internal::FunctionsOf(socket);
  // A receive that pends and a send that may complete inline, each called
  // at PASSIVE_LEVEL and at DISPATCH_LEVEL.
  for (KIRQL level : {static_cast<KIRQL>(PASSIVE_LEVEL),
                      static_cast<KIRQL>(DISPATCH_LEVEL)}) {
    MdlBuffer in(32);
    WSK_BUF in_buf = in.Buf();
    MdlBuffer out(Payload(32, level));
    WSK_BUF out_buf = out.Buf();
    TrackedIrp receive("WskReceive");
    TrackedIrp send("WskSend");
    NTSTATUS receive_returned, send_returned;
    KIRQL after_receive, after_send, old_irql = PASSIVE_LEVEL;
    if (level == DISPATCH_LEVEL) KeRaiseIrql(DISPATCH_LEVEL, &old_irql);
    receive_returned = f.Receive(socket.get(), &in_buf, 0, receive.irp());
    after_receive = KeGetCurrentIrql();
    send_returned = f.Send(socket.get(), &out_buf, 0, send.irp());
    after_send = KeGetCurrentIrql();
    if (level == DISPATCH_LEVEL) KeLowerIrql(old_irql);
    RecordExpectedActual(
        fmt::format("IRQL {} after each call", static_cast<int>(level)),
        fmt::format("after WskReceive {}, after WskSend {}",
                    static_cast<int>(after_receive), static_cast<int>(after_send)));
    EXPECT_EQ(after_receive, level) << "WskReceive changed the caller's IRQL";
    EXPECT_EQ(after_send, level) << "WskSend changed the caller's IRQL";
    ASSERT_TRUE(send.Finish(send_returned));
    ExpectClauseStatus(info, send.completion().status, "WskSend");
    ASSERT_TRUE(pair.peer.SendAll(Payload(8, 9)));
    ASSERT_TRUE(receive.Finish(receive_returned));
    EXPECT_EQ(pair.peer.Receive(32, kExpectCompletion).size(), 32u);
  }
}

void ProviderOwnsSocketObjects(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  constexpr int kSockets = 16;
  const ULONG pool_before = WskconfPoolLiveCount(0);
  const ULONG irps_before = WskconfLiveIrpCount();
  std::set<PWSK_SOCKET> seen;
  {
    std::vector<std::unique_ptr<WskSocketOwner>> sockets;
    for (int i = 0; i < kSockets; ++i) {
      sockets.push_back(std::make_unique<WskSocketOwner>(session));
      ASSERT_TRUE(sockets.back()->Create(info.category, info.address_family));
      seen.insert(sockets.back()->get());
    }
    for (auto& socket : sockets) EXPECT_TRUE(socket->Close());
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kSockets))
      << "the provider handed out one WSK_SOCKET twice";
  EXPECT_EQ(seen.count(nullptr), 0u);
  const ULONG pool_after = WskconfPoolLiveCount(0);
  RecordExpectedActual(fmt::format("{} live pool blocks after closing", pool_before),
                       fmt::format("{}", pool_after));
  EXPECT_LE(pool_after, pool_before)
      << "closing the sockets left the provider's pool allocations behind";
  EXPECT_EQ(WskconfLiveIrpCount(), irps_before);
}

namespace {

struct MdlSnapshot {
  PMDL next;
  CSHORT size;
  PVOID start_va;
  ULONG byte_count;
  ULONG byte_offset;
  CSHORT locked_flags;
};

constexpr CSHORT kOwnershipFlags = MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL;

MdlSnapshot Snapshot(PMDL mdl) {
  return {mdl->Next,      mdl->Size,       mdl->StartVa,
          mdl->ByteCount, mdl->ByteOffset,
          static_cast<CSHORT>(mdl->MdlFlags & kOwnershipFlags)};
}

bool Same(const MdlSnapshot& a, const MdlSnapshot& b) {
  return a.next == b.next && a.size == b.size && a.start_va == b.start_va &&
         a.byte_count == b.byte_count && a.byte_offset == b.byte_offset &&
         a.locked_flags == b.locked_flags;
}

}  // namespace

void MdlChainUntouched(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family,
                                &pair));
  const auto f = internal::FunctionsOf(socket);
  const ULONG mdls_before = WskconfLiveMdlCount();
  MdlBuffer first(Payload(100, 1));
  MdlBuffer second(Payload(60, 2));
  first.mdl()->Next = second.mdl();
  const MdlSnapshot a = Snapshot(first.mdl());
  const MdlSnapshot b = Snapshot(second.mdl());
  WSK_BUF buf = first.Buf(10, 150);
  TrackedIrp send("WskSend over two MDLs");
  ASSERT_TRUE(send.Finish(f.Send(socket.get(), &buf, 0, send.irp())));
  ExpectClauseStatus(info, send.completion().status, "WskSend");
  EXPECT_EQ(pair.peer.Receive(150, kExpectCompletion).size(), 150u);
  const bool intact = Same(Snapshot(first.mdl()), a) &&
                      Same(Snapshot(second.mdl()), b) &&
                      WskconfLiveMdlCount() == mdls_before + 2;
  RecordExpectedActual("the MDL chain as the client built it",
                       intact ? "unchanged" : "changed");
  EXPECT_TRUE(intact) << "the provider changed, unlocked, relinked or freed "
                         "an MDL of the client's WSK_BUF";
  first.mdl()->Next = nullptr;  // each MdlBuffer frees its own MDL
}

void UnmappableMdlFails(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(internal::Connect(socket, info.category, info.address_family,
                                &pair));
  // An MDL neither locked nor built for nonpaged pool: the runtime cannot
  // map it (MmGetSystemAddressForMdlSafe returns NULL).
  std::string data = Payload(64, 3);
  PMDL mdl = IoAllocateMdl(data.data(), static_cast<ULONG>(data.size()), FALSE,
                           FALSE, nullptr);
  ASSERT_NE(mdl, nullptr);
  const ULONG violations = WskconfGetViolationCount();
  WSK_BUF buf{mdl, 0, data.size()};
  TrackedIrp send("WskSend with an unmappable MDL");
  const CallOutcome sent = internal::Finish(
      send, internal::FunctionsOf(socket).Send(socket.get(), &buf, 0,
                                               send.irp()));
  // The runtime reports the unmappable MDL (a client fault, made on purpose
  // here); it is not this case's finding.
  for (ULONG i = WskconfGetViolationCount(); i > violations; --i) {
    WskconfConsumeViolation(i - 1);
  }
  ASSERT_TRUE(sent.ok);
  if (ExpectClauseStatus(info, sent.status, "WskSend")) {
    EXPECT_EQ(sent.information, 0u);
  }
  if (!send.leaked()) IoFreeMdl(mdl);
}

}  // namespace wskconf::conformance::checks
