// Streaming responses (Response::stream) of the real HttpServer, seen from a raw socket.
#include <arpa/inet.h>
#include <errno.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "relay/http/chunked_body_test_support.h"
#include "relay/http/http_server.h"
#include "relay/http/router.h"

namespace ccc::relay::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using namespace std::chrono_literals;
using testing::Dechunk;
using testing::Dechunked;

constexpr auto kDeadline = 5s;

// A client socket that reads with deadlines.
class RawClient {
 public:
  // receive_buffer > 0: SO_RCVBUF before connecting (a small window for a stalled reader).
  explicit RawClient(uint16_t port, int receive_buffer = 0) {
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
  ~RawClient() { Disconnect(); }

  bool connected() const { return connected_; }

  void Send(const std::string& data) {
    ASSERT_EQ(send(fd_, data.data(), data.size(), MSG_NOSIGNAL), static_cast<ssize_t>(data.size()));
  }

  // Reads until `received` contains needle; false at the deadline or at end of file.
  bool ReadUntil(const std::string& needle) {
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while (received.find(needle) == std::string::npos) {
      if (!ReadSome(deadline)) return false;
    }
    return true;
  }

  // Reads until the server closes the connection; false at the deadline.
  bool ReadToEnd() {
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char chunk[4096];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n < 0 && errno == ECONNRESET) reset = true;
      if (n <= 0) return true;  // end of file or reset: closed either way
      received.append(chunk, static_cast<size_t>(n));
    }
  }

  void Disconnect() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  std::string received;
  bool reset = false;  // ReadToEnd saw the connection reset rather than closed

 private:
  bool ReadSome(std::chrono::steady_clock::time_point deadline) {
    pollfd p{fd_, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[4096];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    received.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
};

// The sinks the /stream handler was given, in order.
class Sinks {
 public:
  void Add(std::shared_ptr<StreamSink> sink) {
    std::lock_guard lock(mu_);
    sinks_.push_back(std::move(sink));
    added_.notify_all();
  }

  // The n-th sink (0-based) once it exists; null at the deadline.
  std::shared_ptr<StreamSink> Wait(size_t n = 0) {
    std::unique_lock lock(mu_);
    if (!added_.wait_for(lock, kDeadline, [&] { return sinks_.size() > n; })) return nullptr;
    return sinks_[n];
  }

  size_t count() {
    std::lock_guard lock(mu_);
    return sinks_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable added_;
  std::vector<std::shared_ptr<StreamSink>> sinks_;
};

bool WaitUntil(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// The body after the head of a received response.
std::string_view BodyOf(const std::string& response) {
  const size_t head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos) return {};
  return std::string_view(response).substr(head_end + 4);
}

constexpr char kStreamRequest[] = "GET /stream HTTP/1.1\r\nHost: test\r\n\r\n";

class HttpStreamTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options = {}) {
    router_.Add(Method::kGet, "/stream", [this](const Request&) {
      Response response;
      response.content_type = "text/event-stream";
      response.headers.emplace_back("X-Test", "yes");
      response.stream = [this](std::shared_ptr<StreamSink> sink) { sinks_.Add(std::move(sink)); };
      return response;
    });
    router_.Add(Method::kGet, "/plain", [](const Request&) { return JsonResponse(200, "{}"); });
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, router_);
    ASSERT_TRUE(server_->Start().ok());
  }

  // A client with an open stream and its sink.
  std::pair<std::unique_ptr<RawClient>, std::shared_ptr<StreamSink>> OpenStream(
      int receive_buffer = 0) {
    const size_t index = sinks_.count();  // before the request: the handler may be quick
    auto client = std::make_unique<RawClient>(server_->port(), receive_buffer);
    EXPECT_TRUE(client->connected());
    client->Send(kStreamRequest);
    auto sink = sinks_.Wait(index);
    EXPECT_NE(sink, nullptr);
    return {std::move(client), std::move(sink)};
  }

  Router router_;
  Sinks sinks_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpStreamTest, TheHeadHasTheEventStreamHeadersAndNoLength) {
  StartServer();
  auto [client, sink] = OpenStream();
  ASSERT_TRUE(client->ReadUntil("\r\n\r\n")) << client->received;
  const std::string& head = client->received;
  EXPECT_THAT(head, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(head, HasSubstr("Content-Type: text/event-stream\r\n"));
  EXPECT_THAT(head, HasSubstr("Cache-Control: no-store\r\n"));
  EXPECT_THAT(head, HasSubstr("X-Accel-Buffering: no\r\n"));
  EXPECT_THAT(head, HasSubstr("Connection: close\r\n"));
  EXPECT_THAT(head, HasSubstr("X-Test: yes\r\n"));
  EXPECT_THAT(head, HasSubstr("Transfer-Encoding: chunked\r\n"));
  EXPECT_THAT(head, Not(HasSubstr("Content-Length")));
}

TEST_F(HttpStreamTest, ChunksArriveInTheOrderTheyWereSent) {
  StartServer();
  auto [client, sink] = OpenStream();
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    std::string chunk = "data: " + std::to_string(i) + "\n\n";
    expected += chunk;
    ASSERT_TRUE(sink->Send(chunk));
  }
  sink->Close();
  ASSERT_TRUE(client->ReadToEnd());
  const Dechunked body = Dechunk(BodyOf(client->received));
  EXPECT_TRUE(body.complete);
  EXPECT_EQ(body.data, expected);
}

TEST_F(HttpStreamTest, ChunksSentFromManyThreadsAllArrive) {
  StartServer();
  auto [client, sink] = OpenStream();
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([sink = sink, t] {
      for (int i = 0; i < 50; ++i) sink->Send("<" + std::to_string(t * 100 + i) + ">");
    });
  }
  for (auto& sender : senders) sender.join();
  sink->Close();
  ASSERT_TRUE(client->ReadToEnd());
  for (int t = 0; t < 4; ++t) {
    for (int i = 0; i < 50; ++i) {
      EXPECT_THAT(client->received, HasSubstr("<" + std::to_string(t * 100 + i) + ">"));
    }
  }
}

TEST_F(HttpStreamTest, CloseSendsWhatIsQueuedAndThenEndsTheConnection) {
  StartServer();
  auto [client, sink] = OpenStream();
  ASSERT_TRUE(sink->Send("last words\n"));
  sink->Close();
  EXPECT_FALSE(sink->Send("too late\n"));
  ASSERT_TRUE(client->ReadToEnd());
  const Dechunked body = Dechunk(BodyOf(client->received));
  EXPECT_FALSE(body.malformed) << client->received;
  EXPECT_TRUE(body.complete) << "Close() must end the body with the last chunk";
  EXPECT_EQ(body.data, "last words\n");
}

TEST_F(HttpStreamTest, AnEmptyChunkDoesNotEndTheBody) {
  StartServer();
  auto [client, sink] = OpenStream();
  ASSERT_TRUE(sink->Send(""));
  ASSERT_TRUE(sink->Send("after nothing\n"));
  sink->Close();
  ASSERT_TRUE(client->ReadToEnd());
  const Dechunked body = Dechunk(BodyOf(client->received));
  EXPECT_TRUE(body.complete);
  EXPECT_EQ(body.data, "after nothing\n");
}

TEST_F(HttpStreamTest, AbortSendsWhatIsQueuedButLeavesTheBodyIncomplete) {
  StartServer();
  auto [client, sink] = OpenStream();
  ASSERT_TRUE(sink->Send("half of it\n"));
  sink->Abort();
  EXPECT_TRUE(sink->closed());
  EXPECT_FALSE(sink->Send("the rest\n"));
  ASSERT_TRUE(client->ReadToEnd());
  const Dechunked body = Dechunk(BodyOf(client->received));
  EXPECT_FALSE(body.malformed) << client->received;
  EXPECT_FALSE(body.complete) << "an aborted body must lack the last chunk";
  EXPECT_EQ(body.data, "half of it\n");
}

TEST_F(HttpStreamTest, AbortAfterCloseChangesNothing) {
  StartServer();
  auto [client, sink] = OpenStream();
  ASSERT_TRUE(sink->Send("all of it\n"));
  sink->Close();
  sink->Abort();
  ASSERT_TRUE(client->ReadToEnd());
  const Dechunked body = Dechunk(BodyOf(client->received));
  EXPECT_TRUE(body.complete);
  EXPECT_EQ(body.data, "all of it\n");
}

// HTTP/1.0 has no chunks: the close ends the body, so only a reset can say it is cut short.
TEST_F(HttpStreamTest, AnHttp10StreamEndsWithTheCloseAndAbortResetsIt) {
  StartServer();
  RawClient closed_client(server_->port());
  RawClient aborted_client(server_->port());
  closed_client.Send("GET /stream HTTP/1.0\r\n\r\n");
  auto closed_sink = sinks_.Wait(0);
  ASSERT_NE(closed_sink, nullptr);
  aborted_client.Send("GET /stream HTTP/1.0\r\n\r\n");
  auto aborted_sink = sinks_.Wait(1);
  ASSERT_NE(aborted_sink, nullptr);

  ASSERT_TRUE(closed_sink->Send("plain\n"));
  closed_sink->Close();
  ASSERT_TRUE(closed_client.ReadToEnd());
  EXPECT_THAT(closed_client.received, Not(HasSubstr("Transfer-Encoding")));
  EXPECT_EQ(BodyOf(closed_client.received), "plain\n");
  EXPECT_FALSE(closed_client.reset);

  ASSERT_TRUE(aborted_client.ReadUntil("\r\n\r\n"));
  aborted_sink->Abort();
  ASSERT_TRUE(aborted_client.ReadToEnd());
  EXPECT_TRUE(aborted_client.reset) << "the client must not see an orderly end of file";
}

TEST_F(HttpStreamTest, ThePeerLeavingClosesTheSink) {
  StartServer();
  auto [client, sink] = OpenStream();
  ASSERT_TRUE(client->ReadUntil("\r\n\r\n"));
  client->Disconnect();
  EXPECT_TRUE(WaitUntil([&] { return sink->closed(); }));
  EXPECT_FALSE(sink->Send("anyone?"));
}

TEST_F(HttpStreamTest, AStalledReaderIsDroppedAfterTheWriteTimeout) {
  HttpServerOptions options;
  options.stream_write_timeout = 200ms;
  options.stream_queue_limit = 64 * 1024 * 1024;  // so the timeout, not the queue, decides
  StartServer(options);
  auto [client, sink] = OpenStream(/*receive_buffer=*/4096);
  const std::string chunk(64 * 1024, 'x');
  // More than the socket buffers on both sides hold: the writes stop making progress.
  for (int i = 0; i < 256 && sink->Send(chunk); ++i) {
  }
  EXPECT_TRUE(WaitUntil([&] { return sink->closed(); }));
}

TEST_F(HttpStreamTest, AFullQueueClosesTheStream) {
  HttpServerOptions options;
  options.stream_queue_limit = 64 * 1024;
  StartServer(options);
  auto [client, sink] = OpenStream(/*receive_buffer=*/4096);
  const std::string chunk(16 * 1024, 'x');
  bool refused = false;
  for (int i = 0; i < 4096 && !refused; ++i) refused = !sink->Send(chunk);
  EXPECT_TRUE(refused);
  EXPECT_TRUE(sink->closed());
}

TEST_F(HttpStreamTest, TheIdleTimeoutDoesNotEndAStream) {
  HttpServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  StartServer(options);
  auto [client, sink] = OpenStream();
  ASSERT_TRUE(client->ReadUntil("\r\n\r\n"));
  // Longer than the idle timeout without any traffic: only time can show it.
  std::this_thread::sleep_for(1500ms);
  EXPECT_FALSE(sink->closed());
  ASSERT_TRUE(sink->Send("still here\n"));
  EXPECT_TRUE(client->ReadUntil("still here\n"));
}

TEST_F(HttpStreamTest, AStreamHoldsNoHandlerThread) {
  HttpServerOptions options;
  options.threads = 1;
  StartServer(options);
  auto first = OpenStream();
  auto second = OpenStream();
  RawClient plain(server_->port());
  plain.Send("GET /plain HTTP/1.1\r\nHost: test\r\n\r\n");
  EXPECT_TRUE(plain.ReadUntil("{}"));
}

TEST_F(HttpStreamTest, AHeadRequestGetsTheHeadOnly) {
  StartServer();
  RawClient client(server_->port());
  client.Send("HEAD /stream HTTP/1.1\r\nHost: test\r\n\r\n");
  ASSERT_TRUE(client.ReadToEnd());
  EXPECT_THAT(client.received, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(client.received, HasSubstr("Content-Type: text/event-stream\r\n"));
  EXPECT_EQ(sinks_.count(), 0u) << "the stream must not start";
}

TEST_F(HttpStreamTest, StopEndsOpenStreamsAndTheirSinksOutliveTheServer) {
  StartServer();
  auto [first, first_sink] = OpenStream();
  auto [second, second_sink] = OpenStream();
  ASSERT_TRUE(first_sink->Send("before stop\n"));
  ASSERT_TRUE(first->ReadUntil("before stop\n"));
  server_->Stop();
  EXPECT_TRUE(first->ReadToEnd());
  EXPECT_TRUE(second->ReadToEnd());
  EXPECT_TRUE(first_sink->closed());
  server_.reset();
  EXPECT_FALSE(first_sink->Send("after the server is gone\n"));
  second_sink->Close();
}

}  // namespace
}  // namespace ccc::relay::http
