// The cost of the accept path: a socket joins the provider's epoll set
// only once something waits on it, so a connection accepted by IRP while
// it is already waiting, used without waiting and closed costs no epoll
// registration (nor, with it, a loop wakeup and a hand-off of its free);
// a listener leaves the set again once no accept waits.
// The set is read from /proc/self/fdinfo of the process's epoll descriptor
// (one "tfd:" line per watched descriptor).
#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <fstream>
#include <string>
#include <thread>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

// Descriptors watched by every epoll instance of this process (the
// provider's loop is the only one here), or -1 when /proc cannot tell.
int EpollRegistrations() {
  DIR* fds = opendir("/proc/self/fd");
  if (fds == nullptr) return -1;
  int watched = 0;
  bool found = false;
  while (dirent* entry = readdir(fds)) {
    char target[PATH_MAX];
    const std::string link = std::string("/proc/self/fd/") + entry->d_name;
    ssize_t n = readlink(link.c_str(), target, sizeof(target) - 1);
    if (n <= 0) continue;
    target[n] = '\0';
    if (std::string(target) != "anon_inode:[eventpoll]") continue;
    found = true;
    std::ifstream info(std::string("/proc/self/fdinfo/") + entry->d_name);
    for (std::string line; std::getline(info, line);) {
      if (line.rfind("tfd:", 0) == 0) ++watched;
    }
  }
  closedir(fds);
  return found ? watched : -1;
}

// Waits (kExpectCompletion) until the epoll set holds `count` descriptors:
// the loop thread leaves it after completing what waited, so the test's
// thread, woken by that completion, may look first.
bool RegistrationsReach(int count) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kExpectCompletion);
  while (EpollRegistrations() != count) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
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

  USHORT port_ = 0;

 private:
  WSKCONF_COMPLETION_POLICY policy_ = WskconfPolicyInline;
  ULONG seed_ = 0;
};

TEST_P(AcceptPathTest, AcceptedSocketJoinsTheLoopOnlyWhenAReceiveWaits) {
  RecordClause("WskAccept.WaitingConnectionImmediate");
  PWSK_SOCKET l = Listener();
  int base = EpollRegistrations();
  EXPECT_GE(base, 0) << "no epoll descriptor in /proc/self/fd";
  int host = HostConnect(family(), port_);
  IrpProbe accept;
  NTSTATUS returned =
      ListenTable(l)->WskAccept(l, 0, nullptr, nullptr, nullptr, nullptr, accept.Start());
  // Rare on loopback: the connection was not queued yet, the IRP waited and
  // so the listener joined the loop.
  if (returned == STATUS_PENDING) ++base;
  EXPECT_EQ(accept.Result(returned), STATUS_SUCCESS);
  auto accepted = reinterpret_cast<PWSK_SOCKET>(accept.information());
  if (accepted != nullptr) {
    EXPECT_EQ(EpollRegistrations(), base) << "the accepted socket joined the loop at once";
    EXPECT_EQ(Send(accepted, "hi"), STATUS_SUCCESS);  // completes in the call
    EXPECT_EQ(EpollRegistrations(), base);
    MdlBuffer buffer(8);
    WSK_BUF buf = buffer.Buf();
    IrpProbe receive;
    NTSTATUS waiting = ConnectionTable(accepted)->WskReceive(accepted, &buf, 0, receive.Start());
    EXPECT_EQ(waiting, STATUS_PENDING);
    EXPECT_EQ(EpollRegistrations(), base + 1) << "a waiting receive needs the loop";
    HostWriteAll(host, "ping");
    EXPECT_EQ(receive.Result(waiting), STATUS_SUCCESS);
    EXPECT_EQ(buffer.Read(0, receive.information()), "ping");
    EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
    EXPECT_EQ(EpollRegistrations(), base);
  }
  EXPECT_EQ(HostReadAll(host, 2), "hi");
  close(host);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
}

TEST_P(AcceptPathTest, WaitingAcceptWatchesTheListener) {
  RecordClause("WskAccept.NoConnectionPends");
  PWSK_SOCKET l = Listener();
  const int base = EpollRegistrations();
  EXPECT_GE(base, 0) << "no epoll descriptor in /proc/self/fd";
  IrpProbe accept;
  NTSTATUS returned =
      ListenTable(l)->WskAccept(l, 0, nullptr, nullptr, nullptr, nullptr, accept.Start());
  EXPECT_EQ(returned, STATUS_PENDING);
  EXPECT_EQ(EpollRegistrations(), base + 1);
  int host = HostConnect(family(), port_);
  EXPECT_EQ(accept.Result(returned), STATUS_SUCCESS);
  auto accepted = reinterpret_cast<PWSK_SOCKET>(accept.information());
  if (accepted != nullptr) {
    EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
  }
  close(host);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  EXPECT_EQ(EpollRegistrations(), base);
}

TEST_P(AcceptPathTest, ListenerLeavesTheLoopWhenNoAcceptWaits) {
  RecordClause("WskAccept.NoConnectionPends");
  PWSK_SOCKET l = Listener();
  const int base = EpollRegistrations();
  EXPECT_GE(base, 0) << "no epoll descriptor in /proc/self/fd";
  const auto* table = ListenTable(l);
  for (int round = 0; round < 2; ++round) {
    // An accept that waits puts the listener in the set (again, in round 1)
    // and a connection arriving completes it.
    IrpProbe accept;
    NTSTATUS returned = table->WskAccept(l, 0, nullptr, nullptr, nullptr, nullptr, accept.Start());
    EXPECT_EQ(returned, STATUS_PENDING);
    EXPECT_EQ(EpollRegistrations(), base + 1) << "round " << round;
    int host = HostConnect(family(), port_);
    EXPECT_EQ(accept.Result(returned), STATUS_SUCCESS);
    auto accepted = reinterpret_cast<PWSK_SOCKET>(accept.information());
    if (accepted != nullptr) {
      EXPECT_EQ(CloseSocket(accepted), STATUS_SUCCESS);
    }
    close(host);
    // Nothing waits now: a connection arriving must not wake the loop.
    EXPECT_TRUE(RegistrationsReach(base)) << "the idle listener stayed in the epoll set";
  }
  int queued = HostConnect(family(), port_);
  EXPECT_EQ(EpollRegistrations(), base);
  PWSK_SOCKET taken = Accept(l);  // waits only if the host had not queued it yet
  if (taken != nullptr) {
    EXPECT_EQ(CloseSocket(taken), STATUS_SUCCESS);
  }
  close(queued);
  EXPECT_EQ(CloseSocket(l), STATUS_SUCCESS);
  EXPECT_TRUE(RegistrationsReach(base));
}

WSKCONF_FAMILY_TESTS(AcceptPathTest);

}  // namespace
}  // namespace wskconf::reference::testing
