// The echo sample driver (examples/echo) loaded as the I/O manager would:
// many host TCP clients at once, every byte must come back, and unload must
// close what is open and leave no IRP, MDL or pool block and no verifier
// report behind (ReferenceTest's TearDown checks).
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "../reference/reference_test_util.h"
#include "echo.h"

namespace wskconf::reference::testing {
namespace {

constexpr int kClients = 64;
// Message sizes: below, at and above the driver's 4 KiB buffer, and one
// that needs many receives and sends.
constexpr size_t kSizes[] = {1, 63, 4096, 4097, 1000, 70001, 17, 12345};

class EchoTest : public ReferenceTest {
 protected:
  void SetUp() override {
    ReferenceTest::SetUp();
    RtlInitUnicodeString(&registry_path_, L"\\Registry\\Machine\\System\\Echo");
    ASSERT_EQ(EchoDriverEntry(&driver_, &registry_path_), STATUS_SUCCESS);
    loaded_ = true;
    ASSERT_NE(driver_.DriverUnload, nullptr);
    SOCKADDR_STORAGE address{};
    ASSERT_EQ(EchoQueryListenAddress(&address), STATUS_SUCCESS);
    port_ = PortOf(address);
  }
  void TearDown() override {
    if (loaded_) Unload();
    ReferenceTest::TearDown();
  }
  void Unload() {
    driver_.DriverUnload(&driver_);
    loaded_ = false;
    EXPECT_EQ(EchoOpenConnections(), 0);
  }
  USHORT port_ = 0;

 private:
  DRIVER_OBJECT driver_{};
  UNICODE_STRING registry_path_{};
  bool loaded_ = false;
};

// One client: every message of kSizes, each read back whole before the next.
void EchoSession(USHORT port, int seed) {
  int fd = HostConnect(WS_AF_INET, port);
  ASSERT_GE(fd, 0);
  for (size_t i = 0; i < sizeof(kSizes) / sizeof(kSizes[0]); ++i) {
    std::string message = Pattern(kSizes[i], seed * 31 + static_cast<int>(i));
    HostWriteAll(fd, message);
    std::string echoed = HostReadAll(fd, message.size());
    EXPECT_TRUE(echoed == message)
        << "client " << seed << ", message " << i << " (" << message.size()
        << " bytes): got " << echoed.size() << " bytes back, or different ones";
  }
  // A graceful end: the server closes its side in turn.
  shutdown(fd, SHUT_WR);
  EXPECT_TRUE(HostReadsEof(fd)) << "client " << seed;
  close(fd);
}

TEST_F(EchoTest, ServesManyConcurrentClients) {
  RecordClause("WskAcceptEvent.OutputsUsedForAcceptedSocket");
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) clients.emplace_back(EchoSession, port_, i);
  for (auto& client : clients) client.join();
}

TEST_F(EchoTest, SecondRoundAfterFirstClientsLeft) {
  RecordClause("WskReceive.InformationIsBytesReceived");
  for (int round = 0; round < 2; ++round) {
    std::vector<std::thread> clients;
    for (int i = 0; i < 8; ++i) clients.emplace_back(EchoSession, port_, round * 8 + i);
    for (auto& client : clients) client.join();
  }
}

TEST_F(EchoTest, UnloadClosesOpenConnections) {
  RecordClause("WskReceive.CancelCompletesIrp");
  std::vector<int> fds;
  for (int i = 0; i < 8; ++i) {
    int fd = HostConnect(WS_AF_INET, port_);
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
    // One exchange: the connection is accepted and its receive pends.
    HostWriteAll(fd, "ping");
    EXPECT_EQ(HostReadAll(fd, 4), "ping");
  }
  EXPECT_EQ(EchoOpenConnections(), 8);
  Unload();
  for (int fd : fds) {
    std::string rest;
    HostReadsEof(fd, &rest);  // graceful or reset: either ends the stream
    EXPECT_EQ(rest, "");
    close(fd);
  }
}

}  // namespace
}  // namespace wskconf::reference::testing
