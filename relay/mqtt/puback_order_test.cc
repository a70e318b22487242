#include "relay/mqtt/puback_order.h"

#include <gtest/gtest.h>

#include <vector>

namespace ccc::relay::mqtt {
namespace {

using Ids = std::vector<uint16_t>;

TEST(PubackOrder, ReleasesInOrderAcksImmediately) {
  PubackOrder order;
  ASSERT_TRUE(order.Received(1));
  ASSERT_TRUE(order.Received(2));
  Ids release;
  EXPECT_TRUE(order.Ack(1, release));
  EXPECT_EQ(release, Ids{1});
  EXPECT_EQ(order.size(), 1u);
}

TEST(PubackOrder, HoldsLaterAcksUntilTheEarliestMessageIsAcked) {
  PubackOrder order;
  for (uint16_t id : Ids{5, 6, 7}) ASSERT_TRUE(order.Received(id));
  Ids release;
  EXPECT_TRUE(order.Ack(7, release));
  EXPECT_TRUE(order.Ack(6, release));
  EXPECT_TRUE(release.empty());
  EXPECT_TRUE(order.Ack(5, release));
  EXPECT_EQ(release, (Ids{5, 6, 7}));
  EXPECT_EQ(order.size(), 0u);
}

TEST(PubackOrder, RefusesAPacketIdThatHasNotHadItsPuback) {
  PubackOrder order;
  ASSERT_TRUE(order.Received(1));
  ASSERT_TRUE(order.Received(2));
  Ids release;
  ASSERT_TRUE(order.Ack(2, release));  // acked but held behind 1
  EXPECT_FALSE(order.Received(2));
  EXPECT_FALSE(order.Received(1));
}

TEST(PubackOrder, AcceptsAPacketIdAgainAfterItsPuback) {
  PubackOrder order;
  ASSERT_TRUE(order.Received(1));
  Ids release;
  ASSERT_TRUE(order.Ack(1, release));
  EXPECT_TRUE(order.Received(1));
}

TEST(PubackOrder, ReportsAnAckOfAnUnknownOrAlreadyAckedId) {
  PubackOrder order;
  ASSERT_TRUE(order.Received(1));
  ASSERT_TRUE(order.Received(2));
  Ids release;
  EXPECT_FALSE(order.Ack(9, release));
  ASSERT_TRUE(order.Ack(2, release));
  EXPECT_FALSE(order.Ack(2, release));
  EXPECT_TRUE(release.empty());
}

}  // namespace
}  // namespace ccc::relay::mqtt
