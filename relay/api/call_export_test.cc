#include "relay/api/call_export.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "relay/api/pbxdata_test_support.h"

namespace ccc::relay::api {
namespace {

using testing::PbxDataEnv;
using testing::RecordingSink;

constexpr char kSerial[] = "PBX-EXPORT-1";
constexpr auto kDeadline = std::chrono::seconds(30);

// Tells an export that was cut short (Abort: the client must see an incomplete transfer)
// from one that ended (Close).
class EndRecordingSink : public RecordingSink {
 public:
  void Abort() override {
    aborted_ = true;
    RecordingSink::Close();
  }
  bool aborted() const { return aborted_; }

 private:
  std::atomic<bool> aborted_{false};
};

class CallExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pbx.MakeSystem(kSerial);
    std::vector<store::CallRow> calls;
    for (uint64_t n = 1; n <= kCalls; ++n) {
      calls.push_back(pbx.Call(n, static_cast<int64_t>(kCalls - n)));  // ascending in time
      if (calls.size() == 500) {
        pbx.IngestCalls(kSerial, calls);
        calls.clear();
      }
    }
    if (!calls.empty()) pbx.IngestCalls(kSerial, calls);
  }

  CallExportJob Job() const {
    CallExportJob job;
    job.filter.devices = {kSerial};
    job.descending = false;
    return job;
  }

  static CallExportOptions SmallChunks() {
    CallExportOptions options;
    options.rows_per_read = 97;
    options.chunk_bytes = 1024;
    options.stall_timeout = std::chrono::milliseconds(200);
    return options;
  }

  // The call ids of the CSV rows (first column), in order; the head is checked and skipped.
  static std::vector<uint64_t> RowIds(const std::string& csv) {
    std::vector<uint64_t> ids;
    std::istringstream lines(csv);
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line.rfind("\xEF\xBB\xBF"
                         "Call ID,",
                         0),
              0u)
        << line;
    while (std::getline(lines, line)) ids.push_back(std::stoull(line.substr(0, line.find(','))));
    return ids;
  }

  static constexpr uint64_t kCalls = 3000;
  PbxDataEnv pbx;
};

TEST_F(CallExportTest, StreamsEveryRowOnceInTimeOrderInBoundedChunks) {
  CallExporter exporter(pbx.env.services().store, SmallChunks());
  auto sink = std::make_shared<RecordingSink>();
  exporter.Start(exporter.TryReserve(), Job(), sink);
  ASSERT_TRUE(sink->WaitClosed(kDeadline));

  std::vector<uint64_t> ids = RowIds(sink->body());
  ASSERT_EQ(ids.size(), kCalls);
  for (uint64_t i = 0; i < kCalls; ++i) ASSERT_EQ(ids[i], i + 1) << "row " << i;
  // 3,000 rows of ~100 bytes in chunks of about 1 KiB.
  EXPECT_GT(sink->chunks(), 100u);
}

TEST_F(CallExportTest, NewestFirstWhenDescending) {
  CallExporter exporter(pbx.env.services().store, SmallChunks());
  auto sink = std::make_shared<RecordingSink>();
  CallExportJob job = Job();
  job.descending = true;
  exporter.Start(exporter.TryReserve(), job, sink);
  ASSERT_TRUE(sink->WaitClosed(kDeadline));
  std::vector<uint64_t> ids = RowIds(sink->body());
  ASSERT_EQ(ids.size(), kCalls);
  EXPECT_EQ(ids.front(), kCalls);
  EXPECT_EQ(ids.back(), 1u);
}

TEST_F(CallExportTest, NoMoreSlotsThanConcurrentExportsAndAFreedSlotIsReusable) {
  CallExportOptions options;
  options.max_concurrent = 2;
  CallExporter exporter(pbx.env.services().store, options);
  auto first = exporter.TryReserve();
  auto second = exporter.TryReserve();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(exporter.TryReserve(), nullptr);
  EXPECT_EQ(exporter.active(), 2u);
  first.reset();
  EXPECT_NE(exporter.TryReserve(), nullptr);
}

TEST_F(CallExportTest, AClientThatReadsNothingEndsTheExportAndFreesItsSlot) {
  CallExporter exporter(pbx.env.services().store, SmallChunks());
  auto sink = std::make_shared<RecordingSink>();
  sink->stalled = true;
  exporter.Start(exporter.TryReserve(), Job(), sink);
  ASSERT_TRUE(sink->WaitClosed(kDeadline));
  EXPECT_EQ(sink->chunks(), 0u);
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (exporter.active() != 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(exporter.active(), 0u);
}

TEST_F(CallExportTest, AFinishedExportEndsTheBodyNormally) {
  CallExporter exporter(pbx.env.services().store, SmallChunks());
  auto sink = std::make_shared<EndRecordingSink>();
  exporter.Start(exporter.TryReserve(), Job(), sink);
  ASSERT_TRUE(sink->WaitClosed(kDeadline));
  EXPECT_FALSE(sink->aborted());
  EXPECT_EQ(RowIds(sink->body()).size(), kCalls);
}

TEST_F(CallExportTest, AnExportWithoutRowsStillEndsNormally) {
  CallExporter exporter(pbx.env.services().store, SmallChunks());
  auto sink = std::make_shared<EndRecordingSink>();
  CallExportJob job = Job();
  job.filter.from_ms = pbx.env.now_ms + 1;  // after every call
  exporter.Start(exporter.TryReserve(), job, sink);
  ASSERT_TRUE(sink->WaitClosed(kDeadline));
  EXPECT_FALSE(sink->aborted());
  EXPECT_TRUE(RowIds(sink->body()).empty());
}

// Backpressure gave up (stall_timeout): the rows not sent must not look like the end.
TEST_F(CallExportTest, AnExportAClientStalledIsAbortedNotEnded) {
  CallExporter exporter(pbx.env.services().store, SmallChunks());
  auto sink = std::make_shared<EndRecordingSink>();
  sink->stalled = true;
  exporter.Start(exporter.TryReserve(), Job(), sink);
  ASSERT_TRUE(sink->WaitClosed(kDeadline));
  EXPECT_TRUE(sink->aborted());
}

TEST_F(CallExportTest, AClosedStreamStopsTheExport) {
  CallExporter exporter(pbx.env.services().store, SmallChunks());
  auto sink = std::make_shared<RecordingSink>();
  sink->Close();
  exporter.Start(exporter.TryReserve(), Job(), sink);
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (exporter.active() != 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(exporter.active(), 0u);
  EXPECT_EQ(sink->chunks(), 0u);
}

TEST_F(CallExportTest, FleetRowsStartWithTheSystemsNameAndSerial) {
  CallExporter exporter(pbx.env.services().store, SmallChunks());
  auto sink = std::make_shared<RecordingSink>();
  CallExportJob job = Job();
  job.with_system = true;
  job.system_names[kSerial] = "Head office";
  exporter.Start(exporter.TryReserve(), job, sink);
  ASSERT_TRUE(sink->WaitClosed(kDeadline));
  const std::string body = sink->body();
  const size_t second_line = body.find("\r\n") + 2;
  EXPECT_EQ(body.substr(second_line, 30), "Head office,PBX-EXPORT-1,1,202");
}

TEST_F(CallExportTest, DestroyingTheExporterAbortsAStalledExport) {
  auto sink = std::make_shared<EndRecordingSink>();
  sink->stalled = true;
  {
    CallExportOptions options = SmallChunks();
    options.stall_timeout = std::chrono::milliseconds(100);
    CallExporter exporter(pbx.env.services().store, options);
    exporter.Start(exporter.TryReserve(), Job(), sink);
  }
  EXPECT_TRUE(sink->closed());
  EXPECT_TRUE(sink->aborted());
}

}  // namespace
}  // namespace ccc::relay::api
