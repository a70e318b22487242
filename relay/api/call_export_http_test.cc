// The CSV export through the real HttpServer, seen from a raw socket: backpressure
// (StreamSink::WaitForRoom), what happens to a client that stops reading, and a database
// error in the middle of an export (StreamSink::Abort).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "relay/api/pbxdata_handlers.h"
#include "relay/api/pbxdata_test_support.h"
#include "relay/http/chunked_body_test_support.h"
#include "relay/http/http_server.h"
#include "relay/store/store.h"

namespace ccc::relay::api {
namespace {

using namespace std::chrono_literals;
using http::testing::Dechunk;
using http::testing::Dechunked;
using testing::PbxDataEnv;

constexpr char kSerial[] = "PBX-HTTP-1";
constexpr uint64_t kCalls = 60'000;  // ~7 MB of CSV: more than the socket buffers hold

size_t CountLines(std::string_view csv) {
  size_t lines = 0;
  for (size_t at = 0; (at = csv.find("\r\n", at)) != std::string_view::npos; at += 2) ++lines;
  return lines;
}

// The real store, except that its call cursors fail after `good_reads` reads: a database
// that breaks in the middle of an export.
class FailingCursorStore : public store::Store {
 public:
  FailingCursorStore(store::Store* inner, int good_reads)
      : inner_(inner), good_reads_(good_reads) {}

  Result<store::IngestOutcome> IngestBatches(const std::vector<protocol::Batch>& batches,
                                             int64_t now_ms) override {
    return inner_->IngestBatches(batches, now_ms);
  }
  Status SetPresence(const std::string& device, bool online, int64_t now_ms) override {
    return inner_->SetPresence(device, online, now_ms);
  }
  Status RegisterDevice(const std::string& device, int64_t now_ms) override {
    return inner_->RegisterDevice(device, now_ms);
  }
  Status RemoveDevice(const std::string& device) override { return inner_->RemoveDevice(device); }
  Result<std::optional<store::Device>> FindDevice(const std::string& device) override {
    return inner_->FindDevice(device);
  }
  Result<std::vector<store::Device>> ListDevices() override { return inner_->ListDevices(); }
  Result<std::vector<store::RollupPoint>> Samples(const std::string& device, store::Resolution res,
                                                  int64_t from_ms, int64_t to_ms) override {
    return inner_->Samples(device, res, from_ms, to_ms);
  }
  Result<std::vector<store::StoredRecord>> Records(const std::string& device,
                                                   const std::string& stream, uint64_t after_seq,
                                                   size_t limit) override {
    return inner_->Records(device, stream, after_seq, limit);
  }
  Result<uint64_t> CountRecords(const std::string& device, const std::string& stream) override {
    return inner_->CountRecords(device, stream);
  }
  Result<uint64_t> CountSamples(const std::string& device) override {
    return inner_->CountSamples(device);
  }
  Result<uint64_t> ApplyRetention(const store::RetentionPolicy& policy, int64_t now_ms) override {
    return inner_->ApplyRetention(policy, now_ms);
  }
  bool Healthy() override { return inner_->Healthy(); }
  Result<store::TelephonePage> Telephones(const store::TelephoneQuery& query) override {
    return inner_->Telephones(query);
  }
  Result<store::AccountPage> Accounts(const store::AccountQuery& query) override {
    return inner_->Accounts(query);
  }
  Result<store::CallPage> Calls(const store::CallQuery& query) override {
    return inner_->Calls(query);
  }
  Result<uint64_t> DeleteCallsBefore(const std::string& device, int64_t cutoff_ms) override {
    return inner_->DeleteCallsBefore(device, cutoff_ms);
  }

  Result<std::unique_ptr<store::CallCursor>> OpenCallCursor(const store::CallFilter& filter,
                                                            bool descending,
                                                            size_t chunk_rows) override {
    auto cursor = inner_->OpenCallCursor(filter, descending, chunk_rows);
    if (!cursor.ok()) return cursor.status();
    return std::unique_ptr<store::CallCursor>(
        std::make_unique<Cursor>(std::move(*cursor), good_reads_, &failures_));
  }

  int failures() const { return failures_.load(); }

 private:
  class Cursor : public store::CallCursor {
   public:
    Cursor(std::unique_ptr<store::CallCursor> inner, int good_reads, std::atomic<int>* failures)
        : inner_(std::move(inner)), reads_left_(good_reads), failures_(failures) {}
    Result<bool> Next(std::vector<store::CallRow>* out) override {
      if (reads_left_-- <= 0) {
        ++*failures_;
        out->clear();
        return Internal("disk I/O error (injected by the test)");
      }
      return inner_->Next(out);
    }

   private:
    std::unique_ptr<store::CallCursor> inner_;
    int reads_left_;
    std::atomic<int>* failures_;
  };

  store::Store* const inner_;
  const int good_reads_;
  std::atomic<int> failures_{0};
};

// Sends one request and reads with deadlines.
class Client {
 public:
  Client(uint16_t port, int receive_buffer) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool Get(const std::string& target, const std::string& token) {
    const std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    return connected_ && send(fd_, request.data(), request.size(), MSG_NOSIGNAL) ==
                             static_cast<ssize_t>(request.size());
  }

  // Reads until end of file (true) or the deadline (false); at most max_bytes when given;
  // with `pause`, at most 16 KiB per read and a pause after each (a slow reader).
  bool Read(std::chrono::steady_clock::duration within, size_t max_bytes = SIZE_MAX,
            std::chrono::milliseconds pause = 0ms) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    char buffer[65536];
    while (received.size() < max_bytes) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      const size_t chunk = pause.count() > 0 ? 16384 : sizeof buffer;
      const size_t want = std::min(chunk, max_bytes - received.size());
      const ssize_t n = recv(fd_, buffer, want, 0);
      if (n <= 0) return true;
      received.append(buffer, static_cast<size_t>(n));
      if (pause.count() > 0) std::this_thread::sleep_for(pause);
    }
    return false;
  }

  std::string received;

 private:
  int fd_ = -1;
  bool connected_ = false;
};

class CallExportHttpTest : public ::testing::Test {
 protected:
  static CallExportOptions OneExport() {
    CallExportOptions options;
    options.max_concurrent = 1;
    return options;
  }

  void SetUp() override {
    const int64_t system = pbx.MakeSystem(kSerial);
    target_ = "/api/v1/systems/" + std::to_string(system) +
              "/calls.csv?from=2000-01-01T00:00:00Z&order=asc";
    token_ = pbx.env.CreateApiToken(pbx.call_data);
    std::vector<store::CallRow> calls;
    for (uint64_t n = 1; n <= kCalls; ++n) {
      calls.push_back(pbx.Call(n, static_cast<int64_t>(kCalls - n)));
      if (calls.size() == 5000) {
        pbx.IngestCalls(kSerial, calls);
        calls.clear();
      }
    }
    http::HttpServerOptions options;
    options.port = 0;
    options.stream_write_timeout = 2s;
    server_ = std::make_unique<http::HttpServer>(options, pbx.env.router());
    ASSERT_TRUE(server_->Start().ok());
  }

  void TearDown() override { server_->Stop(); }

  PbxDataEnv pbx{OneExport()};
  std::string target_;
  std::string token_;
  std::unique_ptr<http::HttpServer> server_;
};

// Without backpressure the export would outrun this reader, overflow the stream's queue
// (HttpServerOptions::stream_queue_limit) and be cut off.
TEST_F(CallExportHttpTest, ASlowReaderStillGetsEveryRowOnce) {
  Client client(server_->port(), 65536);
  ASSERT_TRUE(client.Get(target_, token_));
  ASSERT_TRUE(client.Read(60s, SIZE_MAX, 1ms)) << "no end of file";
  const size_t body = client.received.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(client.received.rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_NE(client.received.find("gespr_dat.csv"), std::string::npos);
  const Dechunked csv = Dechunk(std::string_view(client.received).substr(body + 4));
  EXPECT_FALSE(csv.malformed);
  EXPECT_TRUE(csv.complete) << "a finished export ends with the last chunk";
  EXPECT_EQ(CountLines(csv.data), kCalls + 1);  // the header row and every call
  EXPECT_NE(csv.data.find("\r\n60000,"), std::string::npos);
}

// The status line said 200 long before the error, so the body must not end as if it were
// all: the client has to see an incomplete transfer, not a clean but truncated file.
TEST_F(CallExportHttpTest, ADatabaseErrorMidwayLeavesTheDownloadVisiblyIncomplete) {
  // Three reads of 2000 rows succeed (several 64 KiB chunks are sent), the fourth fails.
  FailingCursorStore failing(pbx.env.services().store, /*good_reads=*/3);
  ApiServices services = pbx.env.services();
  services.store = &failing;
  http::Router router;
  AddPbxDataRoutes(router, services, OneExport());
  http::HttpServerOptions options;
  options.port = 0;
  http::HttpServer server(options, router);
  ASSERT_TRUE(server.Start().ok());

  Client client(server.port(), 0);
  ASSERT_TRUE(client.Get(target_, token_));
  ASSERT_TRUE(client.Read(60s)) << "no end of file";
  server.Stop();

  EXPECT_EQ(failing.failures(), 1);
  const size_t body = client.received.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(client.received.rfind("HTTP/1.1 200", 0), 0u);
  const Dechunked csv = Dechunk(std::string_view(client.received).substr(body + 4));
  EXPECT_FALSE(csv.malformed);
  EXPECT_FALSE(csv.complete) << "the truncated export ended like a complete one";
  const size_t lines = CountLines(csv.data);
  EXPECT_GT(lines, 1u) << "rows before the error are still delivered";
  EXPECT_LE(lines, 1u + 3 * 2000);
}

TEST_F(CallExportHttpTest, AClientThatStopsReadingIsDroppedAndFreesTheExport) {
  Client stalled(server_->port(), 4096);
  ASSERT_TRUE(stalled.Get(target_, token_));
  ASSERT_FALSE(stalled.Read(2s, 1024));  // the start, then nothing more is read
  ASSERT_EQ(stalled.received.rfind("HTTP/1.1 200", 0), 0u);

  // The only export slot is taken until the server drops the stalled peer and the export
  // ends; then a new export starts.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  int status = 503;
  while (status == 503 && std::chrono::steady_clock::now() < deadline) {
    Client next(server_->port(), 0);
    ASSERT_TRUE(next.Get(target_, token_));
    next.Read(60s, 12);
    status = std::stoi(next.received.substr(9, 3));
    if (status == 503) std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace ccc::relay::api
