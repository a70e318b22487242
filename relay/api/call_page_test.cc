#include "relay/api/call_page.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "relay/api/pbxdata_test_support.h"

namespace ccc::relay::api {
namespace {

using testing::PbxDataEnv;

constexpr char kSerial[] = "PBX-PAGE-1";

class CallPageTest : public ::testing::Test {
 protected:
  // Calls 1..count, one a minute back from now; every `every`-th named "Needle".
  void Seed(uint64_t count, uint64_t every) {
    pbx.MakeSystem(kSerial);
    std::vector<store::CallRow> calls;
    for (uint64_t n = 1; n <= count; ++n) {
      store::CallRow c = pbx.Call(n, static_cast<int64_t>(n));
      c.external_name = n % every == 0 ? "Needle" : "Hay";
      calls.push_back(c);
      if (calls.size() == 2000 || n == count) {
        pbx.IngestCalls(kSerial, calls);
        calls.clear();
      }
    }
  }

  store::CallPage Read(const std::string& q, size_t limit = 50, size_t offset = 0) {
    store::CallQuery query;
    query.filter.devices = {kSerial};
    query.filter.q = q;
    query.limit = limit;
    query.offset = offset;
    Result<store::CallPage> page = ReadCallPage(*pbx.env.services().store, query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? *page : store::CallPage{};
  }

  PbxDataEnv pbx;
};

TEST_F(CallPageTest, TheTotalIsExactWhenTheMatchesFitThePage) {
  Seed(300, 10);
  store::CallPage page = Read("needle");
  EXPECT_EQ(page.items.size(), 30u);
  EXPECT_EQ(page.total, 30u);
  EXPECT_FALSE(page.total_capped);
}

TEST_F(CallPageTest, TheTotalIsExactBeyondThePageWhileTheRangeIsSmall) {
  Seed(300, 1);
  store::CallPage page = Read("", 50, 100);
  EXPECT_EQ(page.items.size(), 50u);
  EXPECT_EQ(page.items.front().call_id, 101u);
  EXPECT_EQ(page.total, 300u);
  EXPECT_FALSE(page.total_capped);
}

TEST_F(CallPageTest, ManyMatchesAreCountedUpToTheLimit) {
  Seed(kCallTotalLimit + 10, 1);
  store::CallPage page = Read("needle", 10);
  EXPECT_EQ(page.items.size(), 10u);
  EXPECT_EQ(page.total, kCallTotalLimit);
  EXPECT_TRUE(page.total_capped);
}

TEST_F(CallPageTest, BeyondTheCountWindowTheTotalIsALowerBound) {
  // 100 needles, one every 250 calls: the newest 20,000 calls hold 80 of them. "dl" (only
  // in "Needle") is shorter than a trigram, so the store scans and the window applies.
  Seed(kCountWindowCalls + 5000, 250);
  store::CallPage page = Read("dl", 50);
  EXPECT_EQ(page.items.size(), 50u);
  EXPECT_TRUE(page.total_capped);
  EXPECT_GE(page.total, 79u);
  EXPECT_LE(page.total, 100u);
}

TEST_F(CallPageTest, RareMatchesFoundByTheTrigramIndexAreCountedExactlyBeyondTheWindow) {
  Seed(kCountWindowCalls + 5000, 250);
  store::CallPage page = Read("needle", 50);
  EXPECT_EQ(page.items.size(), 50u);
  EXPECT_EQ(page.items.front().call_id, 250u);
  EXPECT_EQ(page.total, 100u);
  EXPECT_FALSE(page.total_capped);
}

}  // namespace
}  // namespace ccc::relay::api
