// The relay's only Boost.Beast translation unit.
#define BOOST_BEAST_USE_STD_STRING_VIEW

#include "relay/http/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "relay/http/client_address.h"

namespace ccc::relay::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr size_t kHeaderLimit = 16 * 1024;

Method ToMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

bool IsParseError(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Router& router, const HttpServerOptions& options)
      : stream_(std::move(socket)), router_(router), options_(options) {}

  void Run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(options_.body_limit);
    stream_.expires_after(options_.idle_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(error_code ec) {
    if (ec) return OnReadError(ec);
    if (auto length = parser_->content_length(); length && *length > options_.body_limit) {
      // The body stays unread, so the connection cannot be reused.
      return Send(TooLarge(), false);
    }
    const auto& header = parser_->get();
    if (Lower(header[bhttp::field::expect]) == "100-continue") {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                       header.version());
      bhttp::async_write(stream_, *cont,
                         [self = shared_from_this(), cont](error_code write_ec, size_t) {
                           if (write_ec) return self->Close();
                           self->ReadBody();
                         });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnReadError(error_code ec) {
    if (ec == bhttp::error::body_limit) return Send(TooLarge(), false);
    if (ec == bhttp::error::header_limit) {
      return Send(JsonError(431, "headers_too_large", "request headers are too large"), false);
    }
    if (IsParseError(ec) && ec != bhttp::error::end_of_stream &&
        ec != bhttp::error::partial_message) {
      return Send(JsonError(400, "bad_request", "malformed HTTP request: " + ec.message()), false);
    }
    Close();
  }

  static Response TooLarge() {
    return JsonError(413, "too_large", "request body exceeds the limit");
  }

  void OnRead(error_code ec) {
    if (ec) return OnReadError(ec);
    auto& message = parser_->get();
    Request request;
    request.method = ToMethod(message.method());
    request.target = std::string(message.target());
    size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    for (const auto& field : message) {
      request.headers.emplace_back(Lower(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    error_code endpoint_error;
    auto endpoint = stream_.socket().remote_endpoint(endpoint_error);
    if (!endpoint_error) {
      request.remote_address =
          ClientAddress(endpoint.address().to_string(), request.Header("x-forwarded-for"),
                        options_.trusted_proxies);
    }
    bool keep_alive = message.keep_alive();
    version_ = message.version();

    Response response;
    try {
      response = router_.Dispatch(request);
    } catch (const std::exception& e) {
      spdlog::error("http handler for {} {} failed: {}", MethodName(request.method), request.path,
                    e.what());
      response = JsonError(500, "internal", "internal error");
    }
    Send(std::move(response), keep_alive);
  }

  void Send(Response response, bool keep_alive) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version_);
    res->result(static_cast<unsigned>(response.status));
    res->set(bhttp::field::server, "ccc-relay");
    res->set(bhttp::field::content_type, response.content_type);
    // insert, not set: a response may carry several headers of one name (Set-Cookie).
    for (auto& [name, value] : response.headers) res->insert(name, value);
    res->keep_alive(keep_alive);
    res->body() = std::move(response.body);
    res->prepare_payload();
    stream_.expires_after(options_.idle_timeout);
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res, keep_alive](error_code ec, size_t) {
                         if (ec) return self->Close();
                         if (!keep_alive) return self->Close();
                         self->ReadHeader();
                       });
  }

  void Close() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  unsigned version_ = 11;
  const Router& router_;
  const HttpServerOptions& options_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions o, const Router& r)
      : options(std::move(o)), router(r), acceptor(ioc), retry_timer(ioc) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        // E.g. out of file descriptors: wait instead of spinning.
        spdlog::warn("http accept failed: {}", ec.message());
        retry_timer.expires_after(std::chrono::milliseconds(100));
        retry_timer.async_wait([this](error_code timer_ec) {
          if (!timer_ec) Accept();
        });
        return;
      }
      std::make_shared<Session>(std::move(socket), router, options)->Run();
      Accept();
    });
  }

  HttpServerOptions options;
  const Router& router;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  bool started = false;
};

HttpServer::HttpServer(HttpServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  if (impl_->started) return Internal("http server already started");
  error_code ec;
  auto address = asio::ip::make_address(impl_->options.listen, ec);
  if (ec)
    return InvalidArgument("http listen address '" + impl_->options.listen + "': " + ec.message());
  tcp::endpoint endpoint(address, impl_->options.port);
  auto fail = [&](std::string_view what) {
    return Unavailable("http " + std::string(what) + " " + impl_->options.listen + ":" +
                       std::to_string(impl_->options.port) + ": " + ec.message());
  };
  if (impl_->acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return fail("set_option");
  }
  if (impl_->acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return fail("listen");
  }
  impl_->port = impl_->acceptor.local_endpoint().port();
  spdlog::info("http listening on {}:{}", impl_->options.listen, impl_->port);
  impl_->started = true;
  impl_->Accept();
  size_t threads = std::max<size_t>(1, impl_->options.threads);
  for (size_t i = 0; i < threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!impl_->started) return;
  impl_->started = false;
  impl_->ioc.stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  // No thread runs the io_context any more, so the acceptor may be touched here; pending
  // sessions are destroyed with the io_context.
  error_code ignored;
  impl_->acceptor.close(ignored);
}

uint16_t HttpServer::port() const { return impl_->port; }

}  // namespace ccc::relay::http
