#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/outbox/outbox.h"

// Test helper for the collectors' tests: a real outbox in a fresh folder per test.
namespace ccc::agent::collect::testing {

class TestOutbox {
 public:
  explicit TestOutbox(uint64_t max_bytes = 64ull * 1024 * 1024, uint64_t reserve = 16 * 1024)
      : dir_(std::filesystem::temp_directory_path() /
             ("collect_test_" +
              std::string(
                  ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name()) +
              "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    options_.path = (dir_ / "outbox.db").string();
    options_.max_bytes = max_bytes;
    options_.alert_reserve_bytes = reserve;
    options_.synchronous_full = false;
    Reopen();
  }
  ~TestOutbox() {
    outbox_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Closes and opens the file again, as a restarted agent does.
  void Reopen() {
    outbox_.reset();
    auto opened = outbox::Outbox::Open(options_);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (opened.ok()) outbox_ = std::move(*opened);
  }
  void Close() { outbox_.reset(); }

  outbox::Outbox& operator*() { return *outbox_; }
  outbox::Outbox* operator->() { return outbox_.get(); }
  const outbox::OutboxOptions& options() const { return options_; }

  // Every stored, unacknowledged record of `stream` in seq order (leaves nothing handed out).
  std::vector<protocol::Record> Records(std::string_view stream) {
    std::vector<protocol::Record> out;
    outbox_->Rewind();
    for (;;) {
      auto batch = outbox_->NextBatch(stream, 10'000, 64ull * 1024 * 1024);
      EXPECT_TRUE(batch.ok());
      if (!batch.ok() || !batch->has_value()) break;
      for (auto& r : (*batch)->records) out.push_back(std::move(r));
    }
    outbox_->Rewind();
    return out;
  }

  // Acknowledges every stored record of `stream`, as if the broker had taken them.
  void AcknowledgeAll(std::string_view stream) {
    outbox_->Rewind();
    uint64_t hi = 0;
    for (;;) {
      auto batch = outbox_->NextBatch(stream, 10'000, 64ull * 1024 * 1024);
      ASSERT_TRUE(batch.ok());
      if (!batch->has_value()) break;
      hi = (*batch)->range_hi;
    }
    if (hi > 0) {
      ASSERT_TRUE(outbox_->Acknowledge(stream, hi, 0).ok());
    }
    outbox_->Rewind();
  }

 private:
  std::filesystem::path dir_;
  outbox::OutboxOptions options_;
  std::unique_ptr<outbox::Outbox> outbox_;
};

}  // namespace ccc::agent::collect::testing
