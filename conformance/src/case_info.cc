// Case properties for the runner and reports (case_info.h).
#include "wskconf/conformance/case_info.h"

#include <gtest/gtest.h>

namespace wskconf::conformance {

std::string_view SocketCategoryName(SocketCategory category) {
  switch (category) {
    case SocketCategory::kNone:
      return "none";
    case SocketCategory::kBasic:
      return "basic";
    case SocketCategory::kListen:
      return "listen";
    case SocketCategory::kDatagram:
      return "datagram";
    case SocketCategory::kConnection:
      return "connection";
    case SocketCategory::kStream:
      return "stream";
  }
  return "?";
}

ULONG SocketCategoryFlags(SocketCategory category) {
  switch (category) {
    case SocketCategory::kListen:
      return WSK_FLAG_LISTEN_SOCKET;
    case SocketCategory::kDatagram:
      return WSK_FLAG_DATAGRAM_SOCKET;
    case SocketCategory::kConnection:
      return WSK_FLAG_CONNECTION_SOCKET;
    case SocketCategory::kStream:
      return WSK_FLAG_STREAM_SOCKET;
    case SocketCategory::kBasic:
    case SocketCategory::kNone:
      return WSK_FLAG_BASIC_SOCKET;
  }
  return WSK_FLAG_BASIC_SOCKET;
}

void RecordClause(const CaseInfo& info) {
  ::testing::Test::RecordProperty("clause", info.clause_id);
  ::testing::Test::RecordProperty("strength", info.strength);
  ::testing::Test::RecordProperty("spec_file", info.spec_file);
  ::testing::Test::RecordProperty("spec_line", info.spec_line);
  ::testing::Test::RecordProperty("family", info.element);
}

void RecordExpectedActual(std::string_view expected, std::string_view actual) {
  ::testing::Test::RecordProperty("expected", std::string(expected));
  ::testing::Test::RecordProperty("actual", std::string(actual));
}

std::string_view AddressFamilyName(ADDRESS_FAMILY family) {
  if (family == AF_INET) return "Inet";
  if (family == AF_INET6) return "Inet6";
  return "AnyFamily";
}

}  // namespace wskconf::conformance
