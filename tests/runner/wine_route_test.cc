// The Wine route's decision to restart Wine's side before one of the
// agent's tables runs out (runner/wine_route.h).
#include "runner/wine_route.h"

#include <gtest/gtest.h>

namespace wskconf::conformance::internal {
namespace {

agent::AgentLeftovers Tables(int registrations, int sockets, int handles,
                             int workers) {
  agent::AgentLeftovers l;
  l.known = true;
  l.registrations = registrations;
  l.max_registrations = 64;
  l.sockets = sockets;
  l.max_sockets = 256;
  l.handles = handles;
  l.max_handles = 64;
  l.workers = workers;
  l.max_workers = 16;
  return l;
}

TEST(WineRouteTest, NoRestartBelowTheFraction) {
  EXPECT_EQ(TableToReclaim(Tables(0, 0, 0, 0)), "");
  // One below half of each table.
  EXPECT_EQ(TableToReclaim(Tables(31, 127, 31, 7)), "");
}

TEST(WineRouteTest, RestartsWhenAnyTableReachesTheFraction) {
  static_assert(kLeftoverRestartPercent == 50, "the cases below use half");
  EXPECT_EQ(TableToReclaim(Tables(32, 0, 0, 0)), "registrations 32/64");
  EXPECT_EQ(TableToReclaim(Tables(0, 128, 0, 0)), "sockets 128/256");
  EXPECT_EQ(TableToReclaim(Tables(0, 0, 40, 0)), "handles 40/64");
  EXPECT_EQ(TableToReclaim(Tables(0, 0, 0, 8)), "workers 8/16");
  EXPECT_EQ(TableToReclaim(Tables(64, 256, 64, 16)), "registrations 64/64");
}

TEST(WineRouteTest, UnknownLeftoversNeverRestart) {
  agent::AgentLeftovers l = Tables(64, 256, 64, 16);
  l.known = false;  // the relay could not ask the agent
  EXPECT_EQ(TableToReclaim(l), "");
}

TEST(WineRouteTest, ATableOfNoSlotsIsIgnored) {
  agent::AgentLeftovers l = Tables(0, 0, 0, 0);
  l.max_workers = 0;
  EXPECT_EQ(TableToReclaim(l), "");
}

TEST(WineRouteTest, SummaryKeepsOnlyNotableRelayLines) {
  const std::string said =
      "relay: agent started\n"
      "relay: agent leftovers: registrations 0/64, sockets 0/256, handles "
      "0/64, workers 0/16\n"
      "relay: waiting for the runner on TCP\n"
      "relay: runner connected\n"
      "relay: runner's side ended; cancelling the receive from the agent\n"
      "relay: receive from the agent ended\n"
      "relay: runner closed the connection\n"
      "relay: receiving from the agent failed (error 6)\n"
      "wskconf: the relay ended (exit 4); restarting Wine's side\n"
      "relay: waiting for the runner on TCP";  // no newline at the end
  EXPECT_EQ(NotableRelayLines(said),
            "relay: agent started\n"
            "relay: receiving from the agent failed (error 6)\n"
            "wskconf: the relay ended (exit 4); restarting Wine's side\n");
  EXPECT_EQ(NotableRelayLines(""), "");
}

}  // namespace
}  // namespace wskconf::conformance::internal
