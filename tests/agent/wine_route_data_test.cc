// The Wine route's data (label wine): stream bytes both ways, a large send
// in CHUNKs and the agent's bound on them, a large receive in CHUNKs back,
// datagrams, all through Wine's netio.sys to Linux peers.
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "protocol_test_util.h"
#include "wine_route_fixture.h"

namespace wskconf::agent {
namespace {

using ::testing::HasSubstr;

TEST_F(WineRoute, StreamBytesFlowBothWaysThroughNetio) {
  LoopbackSocket peer;
  StreamPair pair = ConnectTo(peer);
  ASSERT_GE(pair.accepted, 0);
  auto sent = Run("WskSend", MessageBuilder::Call(WSKA_FN_SEND)
                                 .Set(WSKA_TAG_SOCKET, pair.socket)
                                 .SetBlob(WSKA_TAG_DATA, "ping"));
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ((*sent)->information, 4u);
  char got[4] = {};
  EXPECT_EQ(recv(pair.accepted, got, sizeof(got), MSG_WAITALL), 4);
  EXPECT_EQ(std::string(got, 4), "ping");
  ASSERT_EQ(send(pair.accepted, "pong", 4, MSG_NOSIGNAL), 4);
  auto received = Run("WskReceive", MessageBuilder::Call(WSKA_FN_RECEIVE)
                                        .Set(WSKA_TAG_SOCKET, pair.socket)
                                        .Set(WSKA_TAG_LENGTH, 4)
                                        .Set(WSKA_TAG_FLAGS, 2 /*WAITALL*/));
  ASSERT_TRUE(received.has_value());
  Bytes data = received->Blob(WSKA_TAG_DATA);
  EXPECT_EQ(std::string(data.begin(), data.end()), "pong");
  close(pair.accepted);
  CloseSocket(pair.socket);
}

// Protocol version 3: a send larger than one message travels in CHUNKs and
// reaches Linux intact; chunks out of order are refused with the reason,
// for the call they belong to, and the agent goes on.
TEST_F(WineRoute, ALargeSendTravelsInChunksAndBadChunksAreRefused) {
  LoopbackSocket peer;
  StreamPair pair = ConnectTo(peer);
  ASSERT_GE(pair.accepted, 0);
  Bytes data(3u * WSKA_MAX_DATA + 17);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 31 + 7);
  Bytes got(data.size());
  ssize_t read_bytes = -1;
  std::thread reader([&] {
    read_bytes = recv(pair.accepted, got.data(), got.size(), MSG_WAITALL);
  });
  auto sent = Run("WskSend (chunked)", MessageBuilder::Call(WSKA_FN_SEND)
                                           .Set(WSKA_TAG_SOCKET, pair.socket)
                                           .SetData(data));
  reader.join();
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ((*sent)->irp_status, 0);
  EXPECT_EQ((*sent)->information, data.size());
  EXPECT_EQ(read_bytes, static_cast<ssize_t>(data.size()));
  EXPECT_TRUE(got == data) << "the bytes Linux received differ";
  // The second chunk left out: the call is refused, naming the position.
  const uint32_t id = session_->NextRequestId();
  auto stream = MessageBuilder::Call(WSKA_FN_SEND)
                    .Set(WSKA_TAG_SOCKET, pair.socket)
                    .SetData(data)
                    .Encode(id, session_->version());
  ASSERT_TRUE(stream.ok()) << stream.status().message();
  std::vector<Bytes> frames = SplitFrames(*stream);
  ASSERT_EQ(frames.size(), 5u);  // four chunks and the call
  Bytes skipping;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i != 1) skipping.insert(skipping.end(), frames[i].begin(),
                                frames[i].end());
  }
  auto refused = session_->SendRaw(skipping, id);
  ASSERT_TRUE(refused.ok()) << refused.status().message();
  EXPECT_EQ((*refused)->type, WSKA_MSG_ERROR);
  EXPECT_EQ((*refused)->error_code, WSKA_E_BAD_VALUE);
  EXPECT_THAT(TextOf(*refused), HasSubstr("out of order"));
  close(pair.accepted);
  CloseSocket(pair.socket);
}

// Protocol version 5: receives into a buffer larger than one message.
// A Linux peer sends 4 MiB; WskReceive calls of 4 MiB (WAITALL) through
// netio.sys collect them, and they must arrive intact. Wine 8.0 completes
// a receive with what the socket's receive buffer holds (it does not wait
// for all), so a completion carries more than one message, and travels in
// CHUNKs, only where that buffer is larger (net.ipv4.tcp_rmem, see
// agent/README.md); the largest completion is recorded.
TEST_F(WineRoute, LargeReceivesComeBackIntact) {
  LoopbackSocket peer;
  StreamPair pair = ConnectTo(peer);
  ASSERT_GE(pair.accepted, 0);
  ASSERT_EQ(session_->version(), 5u) << "precondition: the agent speaks 5";
  Bytes data(4u * 1024 * 1024);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 29 + i / 997);
  timeval limit{20, 0};  // kExpectCompletion: a peer netio never reads
  setsockopt(pair.accepted, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
  ssize_t sent_bytes = -1;
  std::thread writer([&] {
    sent_bytes = send(pair.accepted, data.data(), data.size(), MSG_NOSIGNAL);
  });
  Bytes got;
  size_t largest = 0;
  for (int i = 0; i < 1000 && got.size() < data.size(); ++i) {
    auto received = Run("WskReceive (4 MiB buffer)",
                        MessageBuilder::Call(WSKA_FN_RECEIVE)
                            .Set(WSKA_TAG_SOCKET, pair.socket)
                            .Set(WSKA_TAG_LENGTH, data.size() - got.size())
                            .Set(WSKA_TAG_FLAGS, 2 /*WSK_FLAG_WAITALL*/));
    if (!received.has_value() || (*received)->irp_status != 0) break;
    const Bytes part = received->Blob(WSKA_TAG_DATA);
    EXPECT_EQ((*received)->information, part.size());
    if (part.empty()) break;
    largest = std::max(largest, part.size());
    got.insert(got.end(), part.begin(), part.end());
  }
  writer.join();
  RecordProperty("largest_receive_completion", std::to_string(largest));
  RecordProperty("chunked", largest > WSKA_MAX_DATA ? "yes" : "no");
  std::printf("largest receive completion: %zu bytes (%s)\n", largest,
              largest > WSKA_MAX_DATA ? "in CHUNKs" : "in DATA");
  EXPECT_EQ(sent_bytes, static_cast<ssize_t>(data.size()));
  ASSERT_EQ(got.size(), data.size()) << "fewer bytes came back";
  EXPECT_TRUE(got == data) << "the bytes the runner received differ";
  close(pair.accepted);
  CloseSocket(pair.socket);
}

// The agent bounds the pool its chunked buffers take together
// (AGENT_CHUNKED_LIMIT, 128 MiB): two 64 MiB sends a peer that reads
// nothing keeps pending hold all of it, and a third is refused with the
// limit named, without reaching the provider.
TEST_F(WineRoute, ChunkedBuffersBeyondTheAgentsLimitAreRefused) {
  LoopbackSocket peer;
  StreamPair pair = ConnectTo(peer);
  ASSERT_GE(pair.accepted, 0);  // and never read from
  const Bytes full(WSKA_MAX_CHUNKED, 0x42);
  for (int i = 0; i < 2; ++i) {
    Message ret = Call(MessageBuilder::Call(WSKA_FN_SEND)
                           .Set(WSKA_TAG_SOCKET, pair.socket)
                           .SetData(full));
    ASSERT_EQ(static_cast<uint32_t>(ret->status), kStatusPending)
        << "precondition: a 64 MiB send to a peer that reads nothing pends";
  }
  auto refused = session_->Call(MessageBuilder::Call(WSKA_FN_SEND)
                                    .Set(WSKA_TAG_SOCKET, pair.socket)
                                    .SetData(Bytes(2 * WSKA_MAX_DATA, 1)));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("NO_RESOURCES"));
  EXPECT_THAT(refused.status().message(), HasSubstr("limit of 128 MiB"));
  close(pair.accepted);
}

// Receive buffers over one message come from the same bounded pool
// (version 5): two pending 64 MiB receives on a connection nothing is
// sent on hold all of it, and a third is refused with the limit named,
// without reaching the provider.
TEST_F(WineRoute, LargeReceiveBuffersBeyondTheAgentsLimitAreRefused) {
  LoopbackSocket peer;
  StreamPair pair = ConnectTo(peer);
  ASSERT_GE(pair.accepted, 0);  // and never written to
  auto receive = [&] {
    return MessageBuilder::Call(WSKA_FN_RECEIVE)
        .Set(WSKA_TAG_SOCKET, pair.socket)
        .Set(WSKA_TAG_LENGTH, WSKA_MAX_CHUNKED);
  };
  for (int i = 0; i < 2; ++i) {
    Message ret = Call(receive());
    ASSERT_EQ(static_cast<uint32_t>(ret->status), kStatusPending)
        << "precondition: a receive with nothing sent pends";
  }
  auto refused = session_->Call(receive());
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("NO_RESOURCES"));
  EXPECT_THAT(refused.status().message(), HasSubstr("limit of 128 MiB"));
  close(pair.accepted);
}

TEST_F(WineRoute, DatagramsLeaveThroughNetioWithTheirBytes) {
  LoopbackSocket peer(LoopbackSocket::kDatagram);
  timeval limit{20, 0};  // kExpectCompletion: a datagram that never comes
  setsockopt(peer.fd(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  uint32_t registration = Attach();
  Message ret = Call(SocketCall(registration, 4 /*WSK_FLAG_DATAGRAM_SOCKET*/,
                                2 /*SOCK_DGRAM*/, 17 /*IPPROTO_UDP*/));
  auto created = Completion(ret, kExpectCompletion);
  Record("WskSocket(datagram)", ret, created);
  if (!created || !created->Has(WSKA_TAG_NEW_SOCKET)) {
    GTEST_SKIP() << "netio.sys refused a datagram socket: "
                 << Hex(ret->status);
  }
  const uint32_t socket = (*created)->new_socket;
  Run("WskBind(datagram)", MessageBuilder::Call(WSKA_FN_BIND)
                               .Set(WSKA_TAG_SOCKET, socket)
                               .SetBlob(WSKA_TAG_LOCAL_ADDRESS, Loopback(0)));
  auto sent = Run("WskSendTo", MessageBuilder::Call(WSKA_FN_SEND_TO)
                                   .Set(WSKA_TAG_SOCKET, socket)
                                   .Set(WSKA_TAG_OFFSET, 3)
                                   .SetBlob(WSKA_TAG_DATA, "datagram")
                                   .SetBlob(WSKA_TAG_REMOTE_ADDRESS,
                                            Loopback(peer.port())));
  if (sent && (*sent)->irp_status == 0) {  // what was sent must arrive
    char got[16] = {};
    EXPECT_EQ(recv(peer.fd(), got, sizeof(got), 0), 8);
    EXPECT_EQ(std::string(got, 8), "datagram");
  }
  Run("WskGetLocalAddress(datagram)",
      MessageBuilder::Call(WSKA_FN_GET_LOCAL_ADDRESS)
          .Set(WSKA_TAG_SOCKET, socket),
      kExpectNoCompletion);
  CloseSocket(socket);
}

}  // namespace
}  // namespace wskconf::agent
