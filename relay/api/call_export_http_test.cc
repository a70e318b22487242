// The CSV export through the real HttpServer, seen from a raw socket: backpressure
// (StreamSink::WaitForRoom) and what happens to a client that stops reading.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "relay/api/pbxdata_test_support.h"
#include "relay/http/http_server.h"

namespace ccc::relay::api {
namespace {

using namespace std::chrono_literals;
using testing::PbxDataEnv;

constexpr char kSerial[] = "PBX-HTTP-1";
constexpr uint64_t kCalls = 60'000;  // ~7 MB of CSV: more than the socket buffers hold

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
  size_t rows = 0;
  for (size_t at = body + 4; (at = client.received.find("\r\n", at)) != std::string::npos;
       at += 2) {
    ++rows;
  }
  EXPECT_EQ(rows, kCalls + 1);  // the header row and every call
  EXPECT_NE(client.received.find("\r\n60000,"), std::string::npos);
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
