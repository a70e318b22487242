#include "relay/api/pbxdata_test_support.h"

#include <gtest/gtest.h>

#include <memory>
#include <utility>

#include "relay/api/pbxdata_handlers.h"
#include "relay/store/pbx_test_bodies.h"

namespace ccc::relay::api::testing {

bool RecordingSink::Send(std::string chunk) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  chunks_.push_back(std::move(chunk));
  changed_.notify_all();
  return true;
}

void RecordingSink::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  changed_.notify_all();
}

bool RecordingSink::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

bool RecordingSink::WaitForRoom(size_t, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!stalled) return !closed_;
  changed_.wait_for(lock, timeout, [&] { return closed_; });
  return false;
}

bool RecordingSink::WaitClosed(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, deadline, [&] { return closed_; });
}

std::string RecordingSink::body() const {
  std::lock_guard lock(mu_);
  std::string all;
  for (const std::string& chunk : chunks_) all += chunk;
  return all;
}

size_t RecordingSink::chunks() const {
  std::lock_guard lock(mu_);
  return chunks_.size();
}

PbxDataEnv::PbxDataEnv(CallExportOptions exports) {
  AddPbxDataRoutes(env.router(), env.services(), exports);
  company = env.CreateCompany("Calls GmbH");
  other_company = env.CreateCompany("Other AG");
  owner = env.CreateUserWithToken(company, "owner");
  administrator = env.CreateUserWithToken(company, "administrator");
  monitoring = env.CreateUserWithToken(company, "monitoring");
  call_data = env.CreateUserWithToken(company, "call-data");
  no_role = env.CreateUserWithToken(company, "no-role");
  stranger = env.CreateUserWithToken(other_company, "stranger");
  stranger_system = env.CreateSystem(other_company, stranger, "STRANGER-1");
  Must(env.services().store->RegisterDevice("STRANGER-1", env.now_ms));
}

int64_t PbxDataEnv::MakeSystem(const std::string& serial, bool maintenance) {
  const int64_t id = env.CreateSystem(company, owner, serial);
  env.Grant(administrator, id, policy::RoleSet{policy::Role::kAdministrator}, owner);
  env.Grant(monitoring, id, policy::RoleSet{policy::Role::kMonitoring}, owner);
  env.Grant(call_data, id, policy::RoleSet{policy::Role::kCallData}, owner);
  if (maintenance) {
    // Authorize reads the real clock: far in the future of both clocks.
    Must(env.directory().SetMaintenanceUntil(id, int64_t{4'000'000'000'000}, OperatorActor()));
  }
  Must(env.services().store->RegisterDevice(serial, env.now_ms));
  return id;
}

void PbxDataEnv::Ingest(const std::string& serial, const std::string& stream, int64_t ts_ms,
                        std::vector<std::string> bodies) {
  uint64_t& seq = next_seq_[{serial, stream}];
  protocol::Batch batch;
  batch.device = serial;
  batch.stream = stream;
  batch.epoch = 1;
  batch.range_lo = seq + 1;
  batch.sent_ms = ts_ms;
  for (std::string& body : bodies) batch.records.push_back({++seq, ts_ms, std::move(body)});
  batch.range_hi = seq;
  auto outcome = env.services().store->IngestBatches({batch}, ts_ms);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  ASSERT_EQ(outcome->invalid_records, 0u);
  ASSERT_EQ(outcome->unknown_device, 0u);
}

void PbxDataEnv::IngestCalls(const std::string& serial, const std::vector<store::CallRow>& calls) {
  std::vector<std::string> bodies;
  for (const store::CallRow& call : calls) bodies.push_back(store::testing::CallBody(call));
  Ingest(serial, "calls", env.now_ms, std::move(bodies));
}

void PbxDataEnv::IngestRegistrations(const std::string& serial,
                                     const std::vector<store::TelephoneRow>& telephones,
                                     const std::vector<store::AccountRow>& accounts,
                                     int64_t ts_ms) {
  Ingest(serial, "registrations", ts_ms,
         {store::testing::RegistrationBody(true, telephones, accounts)});
}

void PbxDataEnv::IngestSysinfo(const std::string& serial, const std::string& body, int64_t ts_ms) {
  Ingest(serial, "sysinfo", ts_ms, {body});
}

store::CallRow PbxDataEnv::Call(uint64_t n, int64_t minutes_ago) const {
  store::CallRow c = store::testing::SampleCall(n, 0);
  c.start_ms = env.now_ms - minutes_ago * 60'000;
  return c;
}

http::Response PbxDataEnv::Get(std::optional<int64_t> user, const std::string& target) {
  return env.CallAs(user, http::Method::kGet, target);
}

std::string PbxDataEnv::Stream(const http::Response& response) {
  if (!response.stream) {
    ADD_FAILURE() << "not a streaming response: " << response.status << " " << response.body;
    return "";
  }
  auto sink = std::make_shared<RecordingSink>();
  response.stream(sink);
  EXPECT_TRUE(sink->WaitClosed(std::chrono::seconds(30))) << "the export did not end";
  return sink->body();
}

}  // namespace ccc::relay::api::testing
