// The cost of the accept path: a connection accepted by IRP while it is
// already waiting, then closed, never involves the event loop (no epoll
// registration, no loop wakeup), while one that makes the IRP wait does.
// The loop thread is found by its name ("wskconf-loop") and its wakeups are
// counted as its voluntary context switches (/proc/self/task/*/status).
#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

constexpr int kCycles = 200;

// The voluntary context switches of the provider's loop thread, or -1 when
// no thread of that name runs.
long LoopThreadSwitches() {
  DIR* tasks = opendir("/proc/self/task");
  if (tasks == nullptr) return -1;
  long switches = -1;
  while (dirent* entry = readdir(tasks)) {
    const std::string dir = std::string("/proc/self/task/") + entry->d_name;
    std::ifstream comm(dir + "/comm");
    std::string name;
    if (!std::getline(comm, name) || name != "wskconf-loop") continue;
    std::ifstream status(dir + "/status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0) {
        switches = std::stol(line.substr(line.find(':') + 1));
      }
    }
  }
  closedir(tasks);
  return switches;
}

// Inline policy for the test (so completions themselves need no loop), the
// binary's own policy restored after it.
class AcceptPathTest : public FamilyTest {
 protected:
  void SetUp() override {
    policy_ = WskconfReferenceGetPolicy(&seed_);
    ASSERT_EQ(WskconfReferenceSetPolicy(WskconfPolicyInline, 0), STATUS_SUCCESS);
    FamilyTest::SetUp();
  }
  void TearDown() override {
    FamilyTest::TearDown();
    WskconfReferenceSetPolicy(policy_, seed_);
  }

  PWSK_SOCKET Listener() {
    PWSK_SOCKET l = client()->Socket(family(), WSK_FLAG_LISTEN_SOCKET);
    EXPECT_EQ(Bind(l, Loopback(family())), STATUS_SUCCESS);
    SOCKADDR_STORAGE local{};
    IrpProbe probe;
    EXPECT_EQ(probe.Result(ListenTable(l)->WskGetLocalAddress(
                  l, reinterpret_cast<PSOCKADDR>(&local), probe.Start())),
              STATUS_SUCCESS);
    port_ = PortOf(local);
    return l;
  }

  // Accepts one connection by IRP and closes it; the IRP's returned status.
  NTSTATUS AcceptAndClose(PWSK_SOCKET l, bool connect_first) {
    int host = connect_first ? HostConnect(family(), port_) : -1;
    IrpProbe probe;
    NTSTATUS returned =
        ListenTable(l)->WskAccept(l, 0, nullptr, nullptr, nullptr, nullptr, probe.Start());
    if (!connect_first) host = HostConnect(family(), port_);
    EXPECT_EQ(probe.Result(returned), STATUS_SUCCESS);
    auto accepted = reinterpret_cast<PWSK_SOCKET>(probe.information());
    if (accepted != nullptr) {
      EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
    }
    close(host);
    return returned;
  }

  USHORT port_ = 0;

 private:
  WSKCONF_COMPLETION_POLICY policy_ = WskconfPolicyInline;
  ULONG seed_ = 0;
};

TEST_P(AcceptPathTest, WaitingConnectionAcceptedAndClosedLeavesTheLoopAsleep) {
  RecordClause("WskAccept.WaitingConnectionImmediate");
  PWSK_SOCKET l = Listener();
  const long before = LoopThreadSwitches();
  int pended = 0;
  for (int i = 0; i < kCycles; ++i) {
    if (AcceptAndClose(l, true) == STATUS_PENDING) ++pended;
  }
  const long woken = LoopThreadSwitches() - before;
  EXPECT_GE(before, 0) << "no thread named wskconf-loop";
  // A connection not yet queued when WskAccept ran (rare on loopback) makes
  // the IRP wait, and so the listener joins the loop: from then on each
  // connection may wake it once. Without any such wait the loop sleeps (the
  // one switch allowed is its first sleep, when the client's registration
  // has just started it). Before accepted sockets joined the loop lazily,
  // each cycle woke it two or three times.
  if (pended == 0) {
    EXPECT_LE(woken, 1) << kCycles << " accepts and closes woke the loop";
  } else {
    EXPECT_LE(woken, 2L * kCycles / 4) << pended << " of " << kCycles << " pended";
  }
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
}

// The measurement can see a wakeup: an accept IRP that waits is completed
// by the loop.
TEST_P(AcceptPathTest, PendedAcceptIsCompletedByTheLoop) {
  RecordClause("WskAccept.NoConnectionPends");
  PWSK_SOCKET l = Listener();
  const long before = LoopThreadSwitches();
  EXPECT_GE(before, 0) << "no thread named wskconf-loop";
  EXPECT_EQ(AcceptAndClose(l, false), STATUS_PENDING);
  EXPECT_GT(LoopThreadSwitches(), before);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
}

WSKCONF_FAMILY_TESTS(AcceptPathTest);

}  // namespace
}  // namespace wskconf::reference::testing
