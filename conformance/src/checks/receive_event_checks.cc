// Check helpers for the flow of WskReceiveEvent indications (spec/events.xml,
// socket-connection.xml): what the callback's return does to later
// indications, retained lists and WskRelease, a queued WskReceive taking
// precedence, and disabling. GMock mocks play the client.
#include <atomic>
#include <mutex>

#include "checks/check_support.h"
#include "checks/event_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ConnectWithMock;
using internal::EnableEvents;
using internal::ExpectClauseStatus;
using internal::IndicationBytes;
using internal::MdlBuffer;
using internal::MockedSocket;
using internal::Payload;
using internal::Signal;
using ::testing::_;
using ::testing::AnyNumber;

namespace {

// Collects indicated bytes; signals once `want` bytes have been taken.
class Collector {
 public:
  void Take(PWSK_DATA_INDICATION list, size_t skip = 0) {
    std::lock_guard<std::mutex> lock(mu_);
    bytes_ += IndicationBytes(list).substr(skip);
    if (bytes_.size() >= want_) done_.Set();
  }
  void Expect(size_t want) {
    std::lock_guard<std::mutex> lock(mu_);
    want_ = want;
    if (bytes_.size() >= want_) {
      done_.Set();
    } else {
      done_.Reset();
    }
  }
  bool Wait() { return done_.Wait(kExpectCompletion); }
  std::string bytes() {
    std::lock_guard<std::mutex> lock(mu_);
    return bytes_;
  }

 private:
  std::mutex mu_;
  std::string bytes_;
  size_t want_ = SIZE_MAX;
  Signal done_;
};

::testing::AssertionResult EnableReceive(const WskSocketOwner& socket) {
  const CallOutcome enabled = EnableEvents(socket, WSK_EVENT_RECEIVE);
  if (!enabled.ok) return enabled.ok;
  if (!NT_SUCCESS(enabled.status)) {
    return ::testing::AssertionFailure()
           << "precondition: enabling WSK_EVENT_RECEIVE gave "
           << StatusText(enabled.status);
  }
  return ::testing::AssertionSuccess();
}

CallOutcome Receive(const WskSocketOwner& socket, MdlBuffer& buffer,
                    size_t length) {
  WSK_BUF buf = buffer.Buf(0, length);
  TrackedIrp irp("WskReceive");
  return internal::Finish(irp, internal::FunctionsOf(socket).Receive(
                                   socket.get(), &buf, 0, irp.irp()));
}

PFN_WSK_RELEASE_DATA_INDICATION_LIST ReleaseOf(const WskSocketOwner& socket) {
  if (socket.category() == SocketCategory::kStream) {
    return socket.table<WSK_PROVIDER_STREAM_DISPATCH>()->WskRelease;
  }
  return socket.table<WSK_PROVIDER_CONNECTION_DISPATCH>()->WskRelease;
}

}  // namespace

void ReceiveEventsKeepComing(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  Collector got;
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  MockedSocket s(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  EXPECT_CALL(*s.mock, Receive(_, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATA_INDICATION list, SIZE_T indicated,
                          SIZE_T* accepted) {
        if (inside.fetch_add(1) != 0) overlapped = true;
        if (list != nullptr) {
          got.Take(list);
          *accepted = indicated;
        }
        inside.fetch_sub(1);
        return STATUS_SUCCESS;
      });
  ASSERT_TRUE(EnableReceive(s.socket));
  std::string sent;
  for (int chunk = 0; chunk < 4; ++chunk) {
    const std::string data = Payload(300 + 100 * chunk, 50 + chunk);
    sent += data;
    got.Expect(sent.size());
    ASSERT_TRUE(pair.peer.SendAll(data));
    ASSERT_TRUE(got.Wait()) << "chunk " << chunk
                            << " was not indicated though every earlier one "
                               "was taken whole";
  }
  ExpectClauseStatus(info, STATUS_SUCCESS, "WskReceiveEvent");
  EXPECT_EQ(got.bytes(), sent);
  EXPECT_FALSE(overlapped.load()) << "two WskReceiveEvent calls overlapped";
}

void ReceiveEventRetainedList(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  std::atomic<PWSK_DATA_INDICATION> retained{nullptr};
  Collector later;
  Signal first_seen;
  MockedSocket s(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  const std::string first = Payload(400, 60);
  const std::string second = Payload(250, 61);
  EXPECT_CALL(*s.mock, Receive(_, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATA_INDICATION list, SIZE_T indicated,
                          SIZE_T* accepted) {
        if (list == nullptr) return STATUS_SUCCESS;
        if (retained.load() == nullptr) {
          retained = list;  // keep it: STATUS_PENDING
          first_seen.Set();
          return STATUS_PENDING;
        }
        later.Take(list);
        *accepted = indicated;
        return STATUS_SUCCESS;
      });
  ASSERT_TRUE(EnableReceive(s.socket));
  ASSERT_TRUE(pair.peer.SendAll(first));
  ASSERT_TRUE(first_seen.Wait(kExpectCompletion)) << "no indication came";
  const std::string held = IndicationBytes(retained.load());
  ASSERT_EQ(first.substr(0, held.size()), held);
  later.Expect(first.size() - held.size() + second.size());
  ASSERT_TRUE(pair.peer.SendAll(second));
  ASSERT_TRUE(later.Wait())
      << "indications stopped after the client retained a list";
  EXPECT_EQ(IndicationBytes(retained.load()), held)
      << "the provider changed a list the client still holds";
  const NTSTATUS released = ReleaseOf(s.socket)(s.socket.get(), retained.load());
  internal::ExpectAnswerOrStatus(info, STATUS_PENDING, released,
                                 "WskRelease of the retained list");
}

namespace {

enum class Pause { kPartial, kNotAccepted, kNotAcceptedZeroLength };

// The client of PauseAndResume: its first answer pauses indications (a
// partial accept or STATUS_DATA_NOT_ACCEPTED); a call while paused
// (stage 1) is noted; later ones (stage 2) are collected.
struct PausingClient {
  static constexpr size_t kTaken = 300;  // kPartial: bytes the first call takes
  explicit PausingClient(Pause p) : pause(p) {}
  void Install(ClientEventMock* mock) {
    EXPECT_CALL(*mock, Receive(_, _, _, _))
        .Times(AnyNumber())
        .WillRepeatedly([this](ULONG, PWSK_DATA_INDICATION list, SIZE_T indicated,
                               SIZE_T* accepted) {
          if (list == nullptr) return STATUS_SUCCESS;
          if (stage.load() == 0) {
            stage = 1;
            paused.Set();
            if (pause == Pause::kPartial) {
              *accepted = std::min<SIZE_T>(kTaken, indicated);
              return STATUS_SUCCESS;
            }
            *accepted = indicated;  // must be disregarded
            return STATUS_DATA_NOT_ACCEPTED;
          }
          if (stage.load() == 1) early.Set();
          resumed.Take(list);
          *accepted = indicated;
          return STATUS_SUCCESS;
        });
  }
  Pause pause;
  std::atomic<int> stage{0};
  Signal paused;
  Signal early;
  Collector resumed;
};

// Pauses indications with the callback's answer, checks no call comes while
// paused, resumes them with a WskReceive, then checks what is indicated.
void PauseAndResume(const CaseInfo& info, Pause pause) {
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  PausingClient client(pause);
  MockedSocket s(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  const std::string first = Payload(1000, 62);
  const std::string second = Payload(300, 63);
  client.Install(s.mock);
  ASSERT_TRUE(EnableReceive(s.socket));
  ASSERT_TRUE(pair.peer.SendAll(first));
  ASSERT_TRUE(client.paused.Wait(kExpectCompletion)) << "no indication came";
  ASSERT_TRUE(pair.peer.SendAll(second));
  EXPECT_FALSE(client.early.Wait(kExpectNoCompletion))
      << "WskReceiveEvent was called again before any WskReceive";
  // What is left: all of `first` (not accepted) or what follows kTaken.
  std::string left = first + second;
  if (pause == Pause::kPartial) left = left.substr(PausingClient::kTaken);
  const size_t receive_size = pause == Pause::kNotAcceptedZeroLength ? 0 : 100;
  MdlBuffer buffer(256);
  client.stage = 2;
  const CallOutcome received = Receive(s.socket, buffer, receive_size);
  ASSERT_TRUE(received.ok);
  ASSERT_EQ(received.status, STATUS_SUCCESS);
  EXPECT_EQ(buffer.Contents(received.information), left.substr(0, receive_size))
      << "WskReceive did not get the oldest data the callback left";
  left = left.substr(received.information);
  client.resumed.Expect(left.size());
  EXPECT_TRUE(client.resumed.Wait()) << "indications did not resume after WskReceive";
  EXPECT_EQ(client.resumed.bytes(), left)
      << "the resumed indications are not the buffered data, oldest first";
  internal::ExpectAnswerOrStatus(
      info, pause == Pause::kPartial ? STATUS_SUCCESS : STATUS_DATA_NOT_ACCEPTED,
      STATUS_SUCCESS, "WskReceiveEvent after WskReceive");
}

}  // namespace

void ReceiveEventPartialAccept(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  PauseAndResume(info, Pause::kPartial);
}

void ReceiveEventNotAccepted(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  PauseAndResume(info, Pause::kNotAccepted);
}

void ReceiveEventZeroLengthResume(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  PauseAndResume(info, Pause::kNotAcceptedZeroLength);
}

void QueuedReceiveBeforeReceiveEvent(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  MockedSocket s(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  EXPECT_CALL(*s.mock, Receive(_, _, _, _)).Times(0);
  ASSERT_TRUE(EnableReceive(s.socket));
  MdlBuffer buffer(512);
  WSK_BUF buf = buffer.Buf();
  TrackedIrp irp("WskReceive");
  const NTSTATUS returned = internal::FunctionsOf(s.socket).Receive(
      s.socket.get(), &buf, 0, irp.irp());
  ASSERT_TRUE(irp.ExpectStillPending(returned));
  const std::string data = Payload(120, 64);
  ASSERT_TRUE(pair.peer.SendAll(data));
  const CallOutcome received = internal::Finish(irp, returned);
  ASSERT_TRUE(received.ok);
  if (!ExpectClauseStatus(info, received.status, "the queued WskReceive")) return;
  EXPECT_EQ(buffer.Contents(received.information), data.substr(0, received.information));
  EXPECT_GT(received.information, 0u);
}

void ReceiveEventEntireMessage(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  Signal seen;
  std::atomic<ULONG> flags{0};
  MockedSocket s(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  EXPECT_CALL(*s.mock, Receive(_, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG f, PWSK_DATA_INDICATION list, SIZE_T indicated,
                          SIZE_T* accepted) {
        if (list == nullptr) return STATUS_SUCCESS;
        flags = flags.load() | f;
        *accepted = indicated;
        seen.Set();
        return STATUS_SUCCESS;
      });
  ASSERT_TRUE(EnableReceive(s.socket));
  // One small send: a single segment, which the host sends with PSH.
  ASSERT_TRUE(pair.peer.SendAll(Payload(100, 65)));
  ASSERT_TRUE(seen.Wait(kExpectCompletion)) << "no indication came";
  ExpectClauseStatus(info, STATUS_SUCCESS, "WskReceiveEvent");
  EXPECT_NE(flags.load() & WSK_FLAG_ENTIRE_MESSAGE, 0u)
      << "Flags 0x" << std::hex << flags.load()
      << " lack WSK_FLAG_ENTIRE_MESSAGE for a pushed segment";
}

void NoReceiveEventAfterDisable(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  Collector got;
  std::atomic<bool> disabled{false};
  MockedSocket s(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  EXPECT_CALL(*s.mock, Receive(_, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATA_INDICATION list, SIZE_T indicated,
                          SIZE_T* accepted) {
        if (disabled.load()) ADD_FAILURE() << "WskReceiveEvent after disable";
        if (list != nullptr) {
          got.Take(list);
          *accepted = indicated;
        }
        return STATUS_SUCCESS;
      });
  ASSERT_TRUE(EnableReceive(s.socket));
  const std::string before = Payload(100, 66);
  got.Expect(before.size());
  ASSERT_TRUE(pair.peer.SendAll(before));
  ASSERT_TRUE(got.Wait()) << "precondition: the enabled callback saw no data";
  const CallOutcome off = EnableEvents(s.socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISABLE);
  ASSERT_TRUE(off.ok);
  if (!ExpectClauseStatus(info, off.status,
                          "SO_WSK_EVENT_CALLBACK WSK_EVENT_RECEIVE | "
                          "WSK_EVENT_DISABLE")) {
    return;
  }
  disabled = true;
  const std::string after = Payload(80, 67);
  ASSERT_TRUE(pair.peer.SendAll(after));
  MdlBuffer buffer(256);
  const CallOutcome received = Receive(s.socket, buffer, 256);
  ASSERT_TRUE(received.ok);
  EXPECT_EQ(received.status, STATUS_SUCCESS);
  // The data sent after the disable went to WskReceive, not the callback.
  const std::string got_bytes = buffer.Contents(received.information);
  EXPECT_TRUE(got_bytes.size() >= after.size() &&
              got_bytes.substr(got_bytes.size() - after.size()) == after)
      << "WskReceive did not get the data sent after the disable";
}

void EnableReceiveAndDisconnect(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Declared before the socket: its callbacks may use them until it closes.
  Signal received;
  Signal disconnected;
  MockedSocket s(session);
  internal::ConnectedPair pair;
  ASSERT_TRUE(ConnectWithMock(s, info, &pair));
  EXPECT_CALL(*s.mock, Receive(_, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([&](ULONG, PWSK_DATA_INDICATION list, SIZE_T indicated,
                          SIZE_T* accepted) {
        if (list != nullptr) *accepted = indicated;
        received.Set();
        return STATUS_SUCCESS;
      });
  EXPECT_CALL(*s.mock, Disconnect(_)).Times(AnyNumber()).WillRepeatedly([&](ULONG) {
    disconnected.Set();
    return STATUS_SUCCESS;
  });
  const CallOutcome enabled =
      EnableEvents(s.socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT);
  ASSERT_TRUE(enabled.ok);
  if (!ExpectClauseStatus(info, enabled.status,
                          "SO_WSK_EVENT_CALLBACK WSK_EVENT_RECEIVE | "
                          "WSK_EVENT_DISCONNECT")) {
    return;
  }
  ASSERT_TRUE(pair.peer.SendAll(Payload(60, 68)));
  EXPECT_TRUE(received.Wait(kExpectCompletion)) << "WskReceiveEvent not called";
  pair.peer.ShutdownSend();
  EXPECT_TRUE(disconnected.Wait(kExpectCompletion))
      << "WskDisconnectEvent not called";
}

}  // namespace wskconf::conformance::checks
