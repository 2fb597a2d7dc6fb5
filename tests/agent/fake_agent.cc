// The scripted fake agent of fake_agent.h.
#include "fake_agent.h"

#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>

namespace wskconf::agent {

FakeAgent::FakeAgent(uint32_t version) : version_(version) {
  thread_ = std::thread([this] { Serve(); });
}

bool FakeAgent::WaitSetAnswer(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout,
                           [&] { return seen_.set_answer_calls > 0; });
}

bool FakeAgent::WaitForCall(uint32_t function,
                            std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] {
    return std::any_of(seen_.calls.begin(), seen_.calls.end(),
                       [&](const SeenCall& c) {
                         return c.function == function;
                       });
  });
}

Seen FakeAgent::seen() {
  std::lock_guard lock(mu_);
  return seen_;
}

void FakeAgent::Send(int fd, const MessageBuilder& m, uint32_t id) {
  SendMessage(fd, m, id, version_);
}

void FakeAgent::OnSocket(int fd, const Message& call) {
  std::lock_guard lock(mu_);
  const bool first = sockets_++ == 0;
  const bool has = call.Has(WSKA_TAG_ANSWERS);
  if (first) {
    seen_.first_socket_had_answers = has;
  } else {
    seen_.second_socket_had_answers = has;
    WSKA_ANSWER a;
    for (uint32_t i = 0; WskaAnswerAt(&call.raw().answers, i, &a); ++i) {
      seen_.second_socket_answers.push_back(a);
    }
  }
  MessageBuilder ret(WSKA_MSG_RETURN, 0);
  ret.Set(WSKA_TAG_STATUS, 0x103).Set(WSKA_TAG_FUNCTION, call->function);
  Send(fd, ret, call->request_id);
  MessageBuilder done(WSKA_MSG_COMPLETION, 0);
  done.Set(WSKA_TAG_IRP_STATUS, 0)
      .Set(WSKA_TAG_INFORMATION, 0)
      .Set(WSKA_TAG_ELAPSED, 1)
      .Set(WSKA_TAG_NEW_SOCKET, first ? kFakeSocketHandle : kFakeSecondSocketHandle);
  Send(fd, done, call->request_id);
  if (!first) return;
  MessageBuilder event(WSKA_MSG_EVENT, 0);
  event.Set(WSKA_TAG_EVENT, WSKA_EV_RECEIVE)
      .Set(WSKA_TAG_SOCKET, kFakeSocketHandle)
      .Set(WSKA_TAG_FLAGS, 0)
      .Set(WSKA_TAG_LENGTH, 3)
      .SetBlob(WSKA_TAG_DATA, std::string_view("abc"))
      .Set(WSKA_TAG_STATUS, 0);
  Send(fd, event, 0);
}

void FakeAgent::OnChunk(const Message& chunk) {
  std::lock_guard lock(mu_);
  int opened = 0;
  WSKA_RESULT r;
  if (WskaChunkAccept(&assembly_, &chunk.raw(), WSKA_MAX_CHUNKED, &opened,
                      &r) != WSKA_E_OK) {
    seen_.chunk_error = r.text;
    return;
  }
  if (opened) assembling_.assign(chunk->length, 0);
  const Bytes data = chunk.Blob(WSKA_TAG_DATA);
  std::copy(data.begin(), data.end(), assembling_.begin() + chunk->position);
}

void FakeAgent::OnSend(int fd, const Message& call) {
  uint64_t size = 0;
  {
    std::lock_guard lock(mu_);
    seen_.sent_chunked = call.Has(WSKA_TAG_CHUNKED);
    WSKA_RESULT r;
    if (seen_.sent_chunked &&
        WskaChunkFinish(&assembly_, &call.raw(), &r) != WSKA_E_OK) {
      seen_.chunk_error = r.text;
    }
    seen_.sent = seen_.sent_chunked ? assembling_ : call.Blob(WSKA_TAG_DATA);
    size = seen_.sent.size();
  }
  MessageBuilder ret(WSKA_MSG_RETURN, 0);
  ret.Set(WSKA_TAG_STATUS, 0x103).Set(WSKA_TAG_FUNCTION, call->function);
  Send(fd, ret, call->request_id);
  MessageBuilder done(WSKA_MSG_COMPLETION, 0);
  done.Set(WSKA_TAG_IRP_STATUS, 0)
      .Set(WSKA_TAG_INFORMATION, size)
      .Set(WSKA_TAG_ELAPSED, 1);
  Send(fd, done, call->request_id);
}

Bytes ReceivedPattern(size_t length) {
  Bytes bytes(length);
  for (size_t i = 0; i < length; ++i) bytes[i] = uint8_t(i * 13 + i / 4093);
  return bytes;
}

void FakeAgent::OnReceive(int fd, const Message& call) {
  MessageBuilder ret(WSKA_MSG_RETURN, 0);
  ret.Set(WSKA_TAG_STATUS, 0x103).Set(WSKA_TAG_FUNCTION, call->function);
  Send(fd, ret, call->request_id);
  MessageBuilder done(WSKA_MSG_COMPLETION, 0);
  done.Set(WSKA_TAG_IRP_STATUS, 0)
      .Set(WSKA_TAG_INFORMATION, call->length)
      .Set(WSKA_TAG_ELAPSED, 1)
      .SetData(ReceivedPattern(call->length));
  Send(fd, done, call->request_id);
}

bool FakeAgent::OnRegistration(int fd, const Message& call,
                               MessageBuilder& ret) {
  std::lock_guard lock(mu_);
  const uint32_t id = call->request_id, handle = call->registration;
  const bool gone = std::find(deregistered_.begin(), deregistered_.end(),
                              handle) != deregistered_.end();
  switch (call->function) {
    case WSKA_FN_REGISTER:
      ret.Set(WSKA_TAG_HANDLE, ++registrations_);
      return true;
    case WSKA_FN_CAPTURE_PROVIDER_NPI:
      if (gone) {
        ret.Set(WSKA_TAG_STATUS, 0xC00000A3u);  // STATUS_DEVICE_NOT_READY
      } else {
        ret.Set(WSKA_TAG_VERSION, 0x100);
      }
      return true;
    case WSKA_FN_SHUTDOWN:
      deregistered_.clear();
      return true;
    case WSKA_FN_DEREGISTER:
      deregistered_.push_back(handle);
      if (deregister_ == FakeDeregister::kAnswer) return true;
      held_deregister_ = deregister_ == FakeDeregister::kNever ? 0 : id;
      return false;
    case WSKA_FN_RELEASE_PROVIDER_NPI:
      if (held_deregister_ != 0) {  // the capture went: both return
        Send(fd, ret, id);
        MessageBuilder held(WSKA_MSG_RETURN, 0);
        held.Set(WSKA_TAG_STATUS, 0)
            .Set(WSKA_TAG_FUNCTION, WSKA_FN_DEREGISTER);
        Send(fd, held, held_deregister_);
        held_deregister_ = 0;
        return false;
      }
      return true;
    default:
      return true;
  }
}

void FakeAgent::Serve() {
  int fd = accept(listener_.fd(), nullptr, nullptr);
  if (fd < 0) return;
  for (Bytes frame = ReadFrame(fd); !frame.empty(); frame = ReadFrame(fd)) {
    auto m = Message::Decode(frame);
    ASSERT_TRUE(m.ok()) << m.status().message();
    if ((*m)->type == WSKA_MSG_HELLO) {
      MessageBuilder reply(WSKA_MSG_HELLO_REPLY, 0);
      reply.Set(WSKA_TAG_VERSION, version_)
          .Set(WSKA_TAG_MAX_PAYLOAD, WSKA_MAX_PAYLOAD);
      Send(fd, reply, (*m)->request_id);
      continue;
    }
    if ((*m)->type == WSKA_MSG_CHUNK) {
      OnChunk(*m);
      continue;
    }
    {
      std::lock_guard lock(mu_);
      seen_.calls.push_back({(*m)->function, (*m)->registration, (*m)->socket,
                             (*m)->indication,
                             m->Has(WSKA_TAG_INDICATION)});
      changed_.notify_all();
    }
    if ((*m)->function == WSKA_FN_SEND) {
      OnSend(fd, *m);
      continue;
    }
    if ((*m)->function == WSKA_FN_SOCKET) {
      OnSocket(fd, *m);
      continue;
    }
    if ((*m)->function == WSKA_FN_RECEIVE) {
      OnReceive(fd, *m);
      continue;
    }
    if ((*m)->function == WSKA_FN_SET_ANSWER) {
      std::lock_guard lock(mu_);
      ++seen_.set_answer_calls;
      seen_.set_answer = {(*m)->event, (*m)->answer, 0, 0};
      changed_.notify_all();
    }
    MessageBuilder ret(WSKA_MSG_RETURN, 0);
    ret.Set(WSKA_TAG_STATUS, 0).Set(WSKA_TAG_FUNCTION, (*m)->function);
    if ((*m)->function == WSKA_FN_GET_NAME_INFO) {
      std::lock_guard lock(mu_);
      ++seen_.name_info_calls;
      seen_.name_info_had_outputs = m->Has(WSKA_TAG_OUTPUTS);
      seen_.name_info_outputs = (*m)->outputs;
      ret.Set(WSKA_TAG_STATUS, 0xC0000002u);
    }
    if ((*m)->function == WSKA_FN_RELEASE && (*m)->indication == 0) {
      ret.Set(WSKA_TAG_STATUS, 0xC000000Du);  // STATUS_INVALID_PARAMETER
    }
    if ((*m)->function <= WSKA_FN_QUERY_PROVIDER_CHARACTERISTICS ||
        (*m)->function == WSKA_FN_SHUTDOWN) {
      if (!OnRegistration(fd, *m, ret)) continue;
    }
    Send(fd, ret, (*m)->request_id);
  }
  close(fd);
}

}  // namespace wskconf::agent
