#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "relay/oidc/http_fetcher.h"

namespace ccc::relay::oidc {
namespace {

// A listening socket on 127.0.0.1 with a free port; closed on destruction.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t length = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { ::close(fd_); }
  int fd() const { return fd_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Serves one connection with a canned reply and keeps the request it received.
class OneShotServer {
 public:
  explicit OneShotServer(std::string reply) : reply_(std::move(reply)) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotServer() {
    ::shutdown(listener_.fd(), SHUT_RDWR);
    thread_.join();
  }
  std::string url(const std::string& path) const { return listener_.url(path); }
  std::string request() {
    std::lock_guard lock(mutex_);
    return request_;
  }

 private:
  void Serve() {
    int client = ::accept(listener_.fd(), nullptr, nullptr);
    if (client < 0) return;
    std::string received;
    char buffer[4096];
    for (;;) {
      size_t header_end = received.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        size_t length_at = received.find("Content-Length: ");
        size_t body_length =
            length_at == std::string::npos ? 0 : std::stoul(received.substr(length_at + 16));
        if (received.size() >= header_end + 4 + body_length) break;
      }
      ssize_t n = ::recv(client, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      received.append(buffer, static_cast<size_t>(n));
    }
    {
      std::lock_guard lock(mutex_);
      request_ = received;
    }
    size_t sent = 0;
    while (sent < reply_.size()) {
      ssize_t n = ::send(client, reply_.data() + sent, reply_.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    ::close(client);
  }

  Listener listener_;
  std::string reply_;
  std::mutex mutex_;
  std::string request_;
  std::thread thread_;
};

std::string HttpReplyText(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

TEST(CurlFetcher, ReturnsStatusContentTypeAndBody) {
  OneShotServer server(HttpReplyText(200, R"({"ok":true})"));
  auto reply = NewCurlFetcher({})->Get(server.url("/.well-known/openid-configuration"));
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->content_type, "application/json");
  EXPECT_EQ(reply->body, R"({"ok":true})");
  EXPECT_NE(server.request().find("GET /.well-known/openid-configuration HTTP/1.1"),
            std::string::npos);
}

TEST(CurlFetcher, ReturnsErrorStatusesAsReplies) {
  OneShotServer server(HttpReplyText(400, R"({"error":"invalid_grant"})"));
  auto reply = NewCurlFetcher({})->Get(server.url("/token"));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->status, 400);
}

TEST(CurlFetcher, PostsAFormWithBasicClientAuthentication) {
  OneShotServer server(HttpReplyText(200, "{}"));
  FormPost post;
  post.url = server.url("/token");
  post.fields = {{"grant_type", "authorization_code"}, {"code", "a b&c"}};
  post.basic_user = "client";
  post.basic_password = "secret";
  ASSERT_TRUE(NewCurlFetcher({})->PostForm(post).ok());
  std::string request = server.request();
  EXPECT_NE(request.find("POST /token HTTP/1.1"), std::string::npos);
  EXPECT_NE(request.find("Content-Type: application/x-www-form-urlencoded"), std::string::npos);
  EXPECT_NE(request.find("Authorization: Basic Y2xpZW50OnNlY3JldA=="), std::string::npos);
  EXPECT_NE(request.find("grant_type=authorization_code&code=a%20b%26c"), std::string::npos);
}

TEST(CurlFetcher, RefusesBodiesAboveTheLimit) {
  OneShotServer server(HttpReplyText(200, std::string(2000, 'x')));
  auto reply =
      NewCurlFetcher({.ca_file = "", .timeout = std::chrono::seconds(10), .max_body_bytes = 1000})
          ->Get(server.url("/big"));
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kTooLarge);
}

TEST(CurlFetcher, ReportsARefusedConnectionAsUnavailable) {
  std::string url;
  {
    Listener closed;
    url = closed.url("/x");
  }
  auto reply = NewCurlFetcher({})->Get(url);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
}

TEST(CurlFetcher, GivesUpOnASilentServerAfterTheTimeout) {
  Listener silent;  // accepts into the backlog but never answers
  auto started = std::chrono::steady_clock::now();
  auto reply =
      NewCurlFetcher(
          {.ca_file = "", .timeout = std::chrono::milliseconds(300), .max_body_bytes = 1024})
          ->Get(silent.url("/x"));
  auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

}  // namespace
}  // namespace ccc::relay::oidc
