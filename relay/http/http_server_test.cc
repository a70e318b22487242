#include "relay/http/http_server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>

namespace ccc::relay::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A blocking HTTP/1.1 client over one TCP connection, just enough for these tests.
class Connection {
 public:
  explicit Connection(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Connection() { close(fd_); }

  bool connected() const { return connected_; }

  void Send(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  // One response (headers + Content-Length body); empty when the connection closed first.
  std::string ReadResponse() {
    for (;;) {
      size_t header_end = buffer_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        size_t length = 0;
        size_t pos = Lower(buffer_.substr(0, header_end)).find("content-length:");
        if (pos != std::string::npos) length = std::stoul(buffer_.substr(pos + 15));
        size_t total = header_end + 4 + length;
        if (buffer_.size() >= total) {
          std::string response = buffer_.substr(0, total);
          buffer_.erase(0, total);
          return response;
        }
      }
      char chunk[4096];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return {};
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  // Status line and headers only, for answers without a body (HEAD); empty when the
  // connection closed first.
  std::string ReadHead() {
    for (;;) {
      size_t header_end = buffer_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::string head = buffer_.substr(0, header_end + 4);
        buffer_.erase(0, header_end + 4);
        return head;
      }
      char chunk[4096];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return {};
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  // True when the server closed the connection (EOF within the receive timeout).
  bool ClosedByPeer() {
    char c;
    return recv(fd_, &c, 1, 0) == 0;
  }

 private:
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    return s;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

std::string Body(const std::string& response) {
  return response.substr(response.find("\r\n\r\n") + 4);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(Method::kGet, "/hello",
                [](const Request&) { return JsonResponse(200, R"({"hello":"world"})"); });
    router_.Add(Method::kPost, "/echo", [](const Request& r) {
      Response response;
      response.content_type = "text/plain";
      response.body = r.body + "|" + r.query + "|" + std::string(r.Header("X-Test"));
      return response;
    });
    router_.Add(Method::kGet, "/framed", [](const Request&) {
      Response response = JsonResponse(200, "{}");
      response.headers.emplace_back("X-Frame-Options", "SAMEORIGIN");
      return response;
    });
    router_.Add(Method::kGet, "/unchanged", [](const Request&) {
      Response response;
      response.status = 304;
      return response;
    });
    router_.Add(Method::kGet, "/throw",
                [](const Request&) -> Response { throw std::runtime_error("boom"); });
    HttpServerOptions options;
    options.port = 0;
    options.body_limit = 1024;
    server_ = std::make_unique<HttpServer>(options, router_);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->port(), 0);
  }

  Router router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, AnswersSeveralRequestsOnOneKeepAliveConnection) {
  Connection c(server_->port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string response = c.ReadResponse();
    EXPECT_THAT(response, StartsWith("HTTP/1.1 200 OK\r\n"));
    EXPECT_THAT(response, HasSubstr("Content-Type: application/json"));
    EXPECT_EQ(Body(response), R"({"hello":"world"})");
  }
}

TEST_F(HttpServerTest, PassesBodyQueryAndHeadersToTheHandler) {
  Connection c(server_->port());
  c.Send("POST /echo?a=1 HTTP/1.1\r\nHost: x\r\nX-Test: yes\r\nContent-Length: 4\r\n\r\nping");
  EXPECT_EQ(Body(c.ReadResponse()), "ping|a=1|yes");
}

TEST_F(HttpServerTest, UnknownPathIsA404JsonError) {
  Connection c(server_->port());
  c.Send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string response = c.ReadResponse();
  EXPECT_THAT(response, StartsWith("HTTP/1.1 404"));
  EXPECT_THAT(Body(response), HasSubstr(R"("code":"not_found")"));
}

TEST_F(HttpServerTest, WrongMethodIsA405) {
  Connection c(server_->port());
  c.Send("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string response = c.ReadResponse();
  EXPECT_THAT(response, StartsWith("HTTP/1.1 405"));
  EXPECT_THAT(response, HasSubstr("Allow: GET"));
}

TEST_F(HttpServerTest, DeclaredBodyAboveTheLimitIsA413WithoutReadingIt) {
  Connection c(server_->port());
  c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
  std::string response = c.ReadResponse();
  EXPECT_THAT(response, StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(Body(response), HasSubstr(R"("code":"too_large")"));
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(HttpServerTest, ChunkedBodyAboveTheLimitIsA413) {
  Connection c(server_->port());
  std::string chunk(800, 'a');
  c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk +
         "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_THAT(c.ReadResponse(), StartsWith("HTTP/1.1 413"));
}

TEST_F(HttpServerTest, MalformedRequestIsA400) {
  Connection c(server_->port());
  c.Send("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_THAT(c.ReadResponse(), StartsWith("HTTP/1.1 400"));
}

TEST_F(HttpServerTest, ThrowingHandlerIsA500AndTheServerKeepsServing) {
  Connection c(server_->port());
  c.Send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(c.ReadResponse(), StartsWith("HTTP/1.1 500"));
  c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(c.ReadResponse(), StartsWith("HTTP/1.1 200"));
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  Connection c(server_->port());
  c.Send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(c.ReadResponse(), StartsWith("HTTP/1.1 200"));
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(HttpServerTest, HeadNamesTheLengthOfTheGetBodyWithoutSendingIt) {
  Connection c(server_->port());
  c.Send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string head = c.ReadHead();
  EXPECT_THAT(head, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(head, HasSubstr("Content-Length: 17\r\n"));
  // Had the body been sent, its bytes would stand where the next status line must be.
  c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string response = c.ReadResponse();
  EXPECT_THAT(response, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(Body(response), R"({"hello":"world"})");
}

TEST_F(HttpServerTest, NotModifiedCarriesNoLengthAndKeepsTheConnection) {
  Connection c(server_->port());
  c.Send("GET /unchanged HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string head = c.ReadHead();
  EXPECT_THAT(head, StartsWith("HTTP/1.1 304 Not Modified\r\n"));
  EXPECT_THAT(head, Not(HasSubstr("Content-Length")));
  c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(c.ReadResponse(), StartsWith("HTTP/1.1 200 OK\r\n"));
}

TEST_F(HttpServerTest, EveryAnswerForbidsSniffingAndFraming) {
  Connection c(server_->port());
  for (const char* path : {"/hello", "/nowhere"}) {
    c.Send(std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string response = c.ReadResponse();
    EXPECT_THAT(response, HasSubstr("X-Content-Type-Options: nosniff\r\n")) << path;
    EXPECT_THAT(response, HasSubstr("X-Frame-Options: DENY\r\n")) << path;
  }
}

TEST_F(HttpServerTest, AHandlersOwnFramingHeaderIsNotDuplicated) {
  Connection c(server_->port());
  c.Send("GET /framed HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string response = c.ReadResponse();
  EXPECT_THAT(response, HasSubstr("X-Frame-Options: SAMEORIGIN\r\n"));
  EXPECT_THAT(response, Not(HasSubstr("X-Frame-Options: DENY")));
}

TEST_F(HttpServerTest, StopReleasesThePort) {
  uint16_t port = server_->port();
  server_->Stop();
  Connection c(port);
  EXPECT_FALSE(c.connected());
}

}  // namespace
}  // namespace ccc::relay::http
