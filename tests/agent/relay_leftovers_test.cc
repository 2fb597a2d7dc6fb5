// ParseLeftoversLine: the relay's report of what the agent's tables hold
// after a connection's reset, which the runner's Wine route acts on.
#include <gtest/gtest.h>

#include "wskconf/agent/relay_server.h"

namespace wskconf::agent {
namespace {

TEST(ParseLeftoversLineTest, ReadsEveryTable) {
  auto l = ParseLeftoversLine(
      "relay: agent leftovers: registrations 3/64, sockets 2/256, "
      "handles 1/64, workers 4/16");
  ASSERT_TRUE(l.has_value());
  EXPECT_TRUE(l->known);
  EXPECT_EQ(l->registrations, 3);
  EXPECT_EQ(l->max_registrations, 64);
  EXPECT_EQ(l->sockets, 2);
  EXPECT_EQ(l->max_sockets, 256);
  EXPECT_EQ(l->handles, 1);
  EXPECT_EQ(l->max_handles, 64);
  EXPECT_EQ(l->workers, 4);
  EXPECT_EQ(l->max_workers, 16);
}

TEST(ParseLeftoversLineTest, UnknownIsAReportWithoutFigures) {
  auto l = ParseLeftoversLine("relay: agent leftovers: unknown (error 1)");
  ASSERT_TRUE(l.has_value());
  EXPECT_FALSE(l->known);
}

TEST(ParseLeftoversLineTest, RefusesOtherAndMalformedLines) {
  EXPECT_FALSE(ParseLeftoversLine("relay: waiting for the runner on TCP"));
  EXPECT_FALSE(ParseLeftoversLine("relay: agent leftovers: registrations 3"));
  EXPECT_FALSE(ParseLeftoversLine(
      "relay: agent leftovers: registrations 65/64, sockets 0/256, "
      "handles 0/64, workers 0/16"));  // more than the table holds
  EXPECT_FALSE(ParseLeftoversLine(
      "relay: agent leftovers: registrations 0/0, sockets 0/256, "
      "handles 0/64, workers 0/16"));  // a table of no slots
  EXPECT_FALSE(ParseLeftoversLine(
      "relay: agent leftovers: registrations -1/64, sockets 0/256, "
      "handles 0/64, workers 0/16"));
}

}  // namespace
}  // namespace wskconf::agent
