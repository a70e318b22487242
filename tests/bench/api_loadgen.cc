// ccc-api-loadgen: closed-loop HTTP load against one relay endpoint, for the API benchmarks
// of `make bench` (api_systems_list_p99_ms, api_systems_list_per_s).
//
// N clients each hold one keep-alive connection and send the next request as soon as the
// previous answer arrived (closed loop, like N people or scripts clicking at once). Every
// request cycles through the given paths, so filters, sorts and pages vary. After a
// warm-up, latencies of the measurement window are collected and printed as one JSON line:
//   {"requests": N, "errors": E, "per_s": R, "p50_ms": ..., "p90_ms": ..., "p99_ms": ..., "max_ms": ...}
// A non-200 answer counts as an error and is not timed.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Shared {
  std::string host;
  std::vector<std::string> paths;
  std::string authorization;
  Clock::time_point measure_from;
  Clock::time_point stop_at;
  std::vector<double> latencies_ms;
  uint64_t errors = 0;
  uint64_t connect_errors = 0;
};

// One client: connect once, then request/response in a loop until stop_at.
class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& io, Shared& shared, size_t first_path)
      : stream_(io), shared_(shared), next_path_(first_path) {}

  void Start(const tcp::resolver::results_type& endpoints) {
    stream_.async_connect(endpoints, [self = shared_from_this()](beast::error_code ec,
                                                                 const tcp::endpoint&) {
      if (ec) {
        ++self->shared_.connect_errors;
        return;
      }
      self->Send();
    });
  }

 private:
  void Send() {
    if (Clock::now() >= shared_.stop_at) return;
    request_ = {http::verb::get, shared_.paths[next_path_ % shared_.paths.size()], 11};
    ++next_path_;
    request_.set(http::field::host, shared_.host);
    request_.set(http::field::authorization, shared_.authorization);
    request_.keep_alive(true);
    sent_at_ = Clock::now();
    http::async_write(stream_, request_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->Fail();
                        self->Receive();
                      });
  }

  void Receive() {
    response_ = {};
    buffer_.clear();
    http::async_read(stream_, buffer_, response_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Fail();
                       self->Done();
                     });
  }

  void Done() {
    Clock::time_point now = Clock::now();
    if (sent_at_ >= shared_.measure_from) {
      if (response_.result_int() == 200) {
        shared_.latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(now - sent_at_).count());
      } else {
        ++shared_.errors;
      }
    }
    Send();
  }

  void Fail() { ++shared_.errors; }

  beast::tcp_stream stream_;
  Shared& shared_;
  size_t next_path_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> request_;
  http::response<http::string_body> response_;
  Clock::time_point sent_at_;
};

double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t index = static_cast<size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Closed-loop HTTP GET load against the relay API"};
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::string token;
  std::vector<std::string> paths;
  int clients = 50;
  double warmup_s = 2;
  double duration_s = 10;
  app.add_option("--host", host);
  app.add_option("--port", port)->required();
  app.add_option("--token", token, "API token (Authorization: Bearer)")->required();
  app.add_option("--path", paths, "Request targets, used in turn")->required();
  app.add_option("--clients", clients)->check(CLI::Range(1, 10000));
  app.add_option("--warmup", warmup_s)->check(CLI::Range(0.0, 600.0));
  app.add_option("--duration", duration_s)->check(CLI::Range(0.1, 3600.0));
  CLI11_PARSE(app, argc, argv);

  asio::io_context io;  // one thread: the load generator must cost less than the server
  Shared shared;
  shared.host = host + ":" + port;
  shared.paths = paths;
  shared.authorization = "Bearer " + token;
  Clock::time_point start = Clock::now();
  shared.measure_from = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(warmup_s));
  shared.stop_at = shared.measure_from + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(duration_s));
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(host, port);
  for (int i = 0; i < clients; ++i) {
    std::make_shared<Client>(io, shared, static_cast<size_t>(i))->Start(endpoints);
  }
  io.run();

  std::vector<double> sorted = shared.latencies_ms;
  std::sort(sorted.begin(), sorted.end());
  std::printf(
      "{\"requests\": %zu, \"errors\": %llu, \"connect_errors\": %llu, \"per_s\": %.1f, "
      "\"p50_ms\": %.2f, \"p90_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f}\n",
      sorted.size(), static_cast<unsigned long long>(shared.errors),
      static_cast<unsigned long long>(shared.connect_errors),
      static_cast<double>(sorted.size()) / duration_s, Quantile(sorted, 0.5),
      Quantile(sorted, 0.9), Quantile(sorted, 0.99), sorted.empty() ? 0.0 : sorted.back());
  return shared.errors == 0 && shared.connect_errors == 0 && !sorted.empty() ? 0 : 1;
}
