// The client's callback tables belong to the client again once WskCloseSocket
// completes: the provider must not read them after that
// (Close.WaitsForEventCallbacks: nothing for the socket after the close).
// The tables live on a page of their own that the close completion routine
// makes unreadable; a SIGSEGV handler records any read and lets it proceed.
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <new>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

// The guarded page, and whether the provider touched it after the close.
std::atomic<char*> g_page{nullptr};
std::atomic<size_t> g_page_size{0};
std::atomic<int> g_late_reads{0};

void OnFault(int, siginfo_t* info, void*) {
  char* page = g_page.load();
  auto* address = static_cast<char*>(info->si_addr);
  if (page == nullptr || address < page || address >= page + g_page_size.load()) {
    signal(SIGSEGV, SIG_DFL);  // not ours: crash as usual when it re-runs
    return;
  }
  g_late_reads.fetch_add(1);
  mprotect(page, g_page_size.load(), PROT_READ);  // let the read proceed
}

// The client's tables for a stream socket, placed on the guarded page.
struct Tables {
  WSK_CLIENT_CONNECTION_DISPATCH connection;
  WSK_CLIENT_STREAM_DISPATCH stream;
};

// The client of one stream socket: a receive callback that closes the
// socket, so the close completes on the event loop thread while that thread
// is still working on the socket.
struct ClosingClient {
  PWSK_SOCKET socket = nullptr;
  PIRP close_irp = nullptr;
  std::atomic<int> receive_calls{0};
  NTSTATUS close_status = STATUS_PENDING;
  KEVENT closed;

  static NTSTATUS WSKAPI Receive(PVOID context, ULONG, PWSK_DATA_INDICATION, SIZE_T,
                                 SIZE_T*) {
    auto* self = static_cast<ClosingClient*>(context);
    if (self->receive_calls.fetch_add(1) == 0) {
      IoSetCompletionRoutine(self->close_irp, &Closed, self, TRUE, TRUE, TRUE);
      auto basic = static_cast<const WSK_PROVIDER_BASIC_DISPATCH*>(self->socket->Dispatch);
      basic->WskCloseSocket(self->socket, self->close_irp);
    }
    return STATUS_SUCCESS;
  }

  // The client frees (here: hides) its tables as soon as the close is done.
  static NTSTATUS Closed(PDEVICE_OBJECT, PIRP irp, PVOID context) {
    auto* self = static_cast<ClosingClient*>(context);
    self->close_status = irp->IoStatus.Status;
    mprotect(g_page.load(), g_page_size.load(), PROT_NONE);
    KeSetEvent(&self->closed, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
  }
};

class DispatchLifetimeTest : public FamilyTest {
 protected:
  void SetUp() override {
    FamilyTest::SetUp();
    size_t size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    void* page = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(page, MAP_FAILED);
    g_page_size = size;
    g_page = static_cast<char*>(page);
    g_late_reads = 0;
    struct sigaction action {};
    action.sa_sigaction = &OnFault;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    ASSERT_EQ(sigaction(SIGSEGV, &action, &previous_), 0);
  }
  void TearDown() override {
    FamilyTest::TearDown();
    sigaction(SIGSEGV, &previous_, nullptr);
    char* page = g_page.exchange(nullptr);
    if (page != nullptr) munmap(page, g_page_size.load());
  }
  struct sigaction previous_ {};
};

TEST_P(DispatchLifetimeTest, TablesUnreadAfterCloseCompletes) {
  RecordClause("Close.WaitsForEventCallbacks");
  auto* tables = new (g_page.load()) Tables{};
  tables->connection = {&ClosingClient::Receive, nullptr, nullptr};
  tables->stream = {nullptr, &tables->connection};
  auto client_state = std::make_unique<ClosingClient>();
  ClosingClient* c = client_state.get();
  c->close_irp = IoAllocateIrp(1, FALSE);
  ASSERT_NE(c->close_irp, nullptr);
  KeInitializeEvent(&c->closed, NotificationEvent, FALSE);
  c->socket = client()->Socket(family(), WSK_FLAG_STREAM_SOCKET, c, &tables->stream);
  ASSERT_NE(c->socket, nullptr);
  ASSERT_EQ(Bind(c->socket, Loopback(family())), STATUS_SUCCESS);
  USHORT port;
  int listener = HostListener(family(), &port);
  IrpProbe probe;
  SOCKADDR_STORAGE remote = Loopback(family(), port);
  ASSERT_EQ(probe.Result(StreamTable(c->socket)->WskConnect(
                c->socket, reinterpret_cast<PSOCKADDR>(&remote), 0, probe.Start())),
            STATUS_SUCCESS);
  int host = HostAccept(listener);
  close(listener);
  ASSERT_EQ(EnableEvents(c->socket, WSK_EVENT_RECEIVE), STATUS_SUCCESS);
  HostWriteAll(host, "closes the socket");
  LARGE_INTEGER timeout;
  timeout.QuadPart = -static_cast<LONGLONG>(kExpectCompletion) * 10000;
  ASSERT_EQ(KeWaitForSingleObject(&c->closed, Executive, KernelMode, FALSE, &timeout),
            STATUS_SUCCESS);
  // WskDeregister returns once the provider has let go of the socket, so
  // every read it was going to make has been made.
  Deregister();
  EXPECT_EQ(c->close_status, STATUS_SUCCESS);
  EXPECT_EQ(c->receive_calls.load(), 1);
  EXPECT_EQ(g_late_reads.load(), 0)
      << "the provider read the client's dispatch table after the close completed";
  IoFreeIrp(c->close_irp);
  close(host);
}

WSKCONF_FAMILY_TESTS(DispatchLifetimeTest);

}  // namespace
}  // namespace wskconf::reference::testing
