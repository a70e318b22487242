// The relay's only Boost.Beast translation unit.
#define BOOST_BEAST_USE_STD_STRING_VIEW

#include "relay/http/http_server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
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

// One streaming response (Response::stream) after its request was read: owns the
// connection, writes the head and then the queued chunks in order on the connection's
// strand. A read stays pending only to notice the peer leaving. The body of an HTTP/1.1
// response is chunked, so that its end is explicit: a body cut short (Abort, a stalled or
// overflowing peer, Stop) lacks the last chunk, and the client knows it is incomplete. Owned
// jointly by its pending operations and by whoever holds the sink; the server's registry keeps a
// weak reference.
class StreamConnection : public StreamSink, public std::enable_shared_from_this<StreamConnection> {
 public:
  // chunked: the head says "Transfer-Encoding: chunked" (else the close ends the body).
  StreamConnection(beast::tcp_stream stream, const HttpServerOptions& options, bool chunked)
      : stream_(std::move(stream)),
        write_timeout_(options.stream_write_timeout),
        queue_limit_(options.stream_queue_limit),
        chunked_(chunked),
        executor_(stream_->get_executor()) {}

  // On the strand: writes `head`, then hands the sink to `start` (empty: the head is all
  // there is to send, as for HEAD).
  void Begin(std::shared_ptr<bhttp::response<bhttp::empty_body>> head, const StreamStart& start) {
    {
      std::lock_guard lock(mu_);
      writing_now_ = true;  // the head goes first; chunks queue behind it
    }
    stream_->expires_after(write_timeout_);
    // The head only: the body's chunks (and its end) are ours to write.
    auto serializer = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*head);
    bhttp::async_write_header(*stream_, *serializer,
                              [self = shared_from_this(), head, serializer](error_code ec, size_t) {
                                self->OnHeadWritten(ec);
                              });
    if (!start) return Close();
    try {
      start(shared_from_this());
    } catch (const std::exception& e) {
      spdlog::error("http stream start failed: {}", e.what());
      Close();
    }
  }

  bool Send(std::string chunk) override {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    if (chunk.empty()) return true;  // an empty chunk would end a chunked body
    if (queued_bytes_ + chunk.size() > queue_limit_) {
      spdlog::warn("http stream: the peer does not keep up ({} bytes unsent), closing it",
                   queued_bytes_);
      closed_ = true;
      PostLocked(&StreamConnection::Terminate);
      return false;
    }
    queued_bytes_ += chunk.size();
    queue_.push_back(std::move(chunk));
    if (!writing_now_) {
      writing_now_ = true;
      PostLocked(&StreamConnection::Pump);
    }
    return true;
  }

  void Close() override {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    room_.notify_all();
    if (!writing_now_) {
      writing_now_ = true;
      PostLocked(&StreamConnection::Pump);
    }
  }

  void Abort() override {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    aborted_ = true;
    room_.notify_all();
    if (!writing_now_) {
      writing_now_ = true;
      PostLocked(&StreamConnection::Pump);
    }
  }

  bool closed() const override {
    std::lock_guard lock(mu_);
    return closed_;
  }

  bool WaitForRoom(size_t max_queued_bytes, std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mu_);
    room_.wait_for(lock, timeout, [&] { return closed_ || queued_bytes_ <= max_queued_bytes; });
    return !closed_ && queued_bytes_ <= max_queued_bytes;
  }

  // For HttpServer::Stop() once no thread runs the io_context: closes the connection at
  // once and lets go of everything that belongs to the io_context, so the sink may outlive
  // the server.
  void AbortForStop() {
    std::lock_guard lock(mu_);
    closed_ = true;
    room_.notify_all();
    queue_.clear();
    executor_.reset();
    if (stream_) {
      error_code ignored;
      stream_->socket().close(ignored);
      stream_.reset();
    }
  }

 private:
  // Runs `step` on the strand. Caller holds mu_.
  void PostLocked(void (StreamConnection::*step)()) {
    if (!executor_) return;  // aborted: the io_context is gone or going
    asio::post(*executor_, [self = shared_from_this(), step] { ((*self).*step)(); });
  }

  void OnHeadWritten(error_code ec) {
    if (ec) return Terminate();
    stream_->expires_never();
    WatchForClose();
    Pump();
  }

  // On the strand, by whoever set writing_now_: writes everything queued as one buffer, or
  // gives the writer role back (ending the body and closing the connection when Close() or
  // Abort() asked for it).
  void Pump() {
    bool finished = false;
    bool aborted = false;
    {
      std::lock_guard lock(mu_);
      if (!stream_) return;
      if (queue_.empty()) {
        finished = closed_;
        aborted = aborted_;
        // Close() on a chunked body: the last chunk is one more write.
        if (finished && !aborted && chunked_ && !end_written_) {
          end_written_ = true;
          write_buffer_ = "0\r\n\r\n";
        } else {
          writing_now_ = false;
        }
      } else {
        for (std::string& chunk : queue_) {
          writing_bytes_ += chunk.size();
          if (chunked_) write_buffer_ += fmt::format("{:x}\r\n", chunk.size());
          write_buffer_ += chunk;
          if (chunked_) write_buffer_ += "\r\n";
        }
        queue_.clear();
      }
    }
    if (write_buffer_.empty()) {
      if (finished) Disconnect(/*reset=*/aborted && !chunked_);
      return;
    }
    stream_->expires_after(write_timeout_);
    asio::async_write(*stream_, asio::buffer(write_buffer_),
                      [self = shared_from_this()](error_code ec, size_t) { self->OnWritten(ec); });
  }

  void OnWritten(error_code ec) {
    if (ec) return Terminate();  // includes the write timeout: a stalled reader
    stream_->expires_never();
    {
      std::lock_guard lock(mu_);
      queued_bytes_ -= writing_bytes_;
      room_.notify_all();
    }
    writing_bytes_ = 0;
    write_buffer_.clear();
    Pump();
  }

  // A client has nothing more to say on this connection: whatever arrives is ignored, and
  // end of file or an error means it is gone.
  void WatchForClose() {
    stream_->socket().async_read_some(asio::buffer(read_buffer_),
                                      [self = shared_from_this()](error_code ec, size_t) {
                                        if (ec) return self->Terminate();
                                        self->WatchForClose();
                                      });
  }

  // On the strand: closes the connection; pending operations finish with errors.
  void Terminate() { Disconnect(/*reset=*/false); }

  // Terminate; with `reset`, by a TCP reset instead of an orderly shutdown: the only way to
  // tell the client of a body delimited by the close that it is incomplete.
  void Disconnect(bool reset) {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
      room_.notify_all();
      queue_.clear();
      if (!stream_) return;
    }
    error_code ignored;
    if (reset) {
      stream_->socket().set_option(asio::socket_base::linger(true, 0), ignored);
    } else {
      stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
    stream_->socket().close(ignored);
  }

  std::optional<beast::tcp_stream> stream_;  // strand only (AbortForStop: no strand runs)
  std::string write_buffer_;                 // strand only: the bytes being written
  size_t writing_bytes_ = 0;                 // strand only: of those, chunk payload bytes
  std::array<char, 256> read_buffer_{};      // strand only
  const std::chrono::milliseconds write_timeout_;
  const size_t queue_limit_;
  const bool chunked_;

  mutable std::mutex mu_;
  std::condition_variable room_;                   // queued_bytes_ fell or closed_ was set
  std::optional<asio::any_io_executor> executor_;  // guarded; empty once aborted
  std::deque<std::string> queue_;                  // guarded
  size_t queued_bytes_ = 0;                        // guarded: queued plus being written
  bool writing_now_ = false;                       // guarded: a Pump is posted or a write runs
  bool closed_ = false;                            // guarded: Send refuses
  bool aborted_ = false;                           // guarded: Abort() ended the stream
  bool end_written_ = false;                       // guarded: the last chunk is queued
};

// The server's open streams, so Stop() can close them.
class StreamRegistry {
 public:
  void Add(const std::shared_ptr<StreamConnection>& stream) {
    std::lock_guard lock(mu_);
    std::erase_if(streams_, [](const std::weak_ptr<StreamConnection>& s) { return s.expired(); });
    streams_.push_back(stream);
  }

  void AbortAll() {
    std::vector<std::weak_ptr<StreamConnection>> streams;
    {
      std::lock_guard lock(mu_);
      streams.swap(streams_);
    }
    for (const auto& weak : streams) {
      if (auto stream = weak.lock()) stream->AbortForStop();
    }
  }

 private:
  std::mutex mu_;
  std::vector<std::weak_ptr<StreamConnection>> streams_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Router& router, const HttpServerOptions& options,
          StreamRegistry& streams)
      : stream_(std::move(socket)), router_(router), options_(options), streams_(streams) {}

  void Run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

 private:
  void ReadHeader() {
    head_ = false;
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
    head_ = request.method == Method::kHead;

    Response response;
    try {
      response = router_.Dispatch(request);
    } catch (const std::exception& e) {
      spdlog::error("http handler for {} {} failed: {}", MethodName(request.method), request.path,
                    e.what());
      response = JsonError(500, "internal", "internal error");
    }
    if (response.stream) return SendStream(std::move(response));
    Send(std::move(response), keep_alive);
  }

  // Hands the connection to a StreamConnection: the body runs until the stream ends, so
  // the connection is not kept alive and carries no length.
  void SendStream(Response response) {
    auto head = std::make_shared<bhttp::response<bhttp::empty_body>>();
    head->version(version_);
    head->result(static_cast<unsigned>(response.status));
    head->set(bhttp::field::server, "ccc-relay");
    head->set(bhttp::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) head->insert(name, value);
    // No cache may keep a live stream, and a buffering proxy (nginx) would hold its events.
    if (head->find(bhttp::field::cache_control) == head->end()) {
      head->set(bhttp::field::cache_control, "no-store");
    }
    if (head->find("X-Accel-Buffering") == head->end()) head->set("X-Accel-Buffering", "no");
    if (head->find("X-Content-Type-Options") == head->end()) {
      head->set("X-Content-Type-Options", "nosniff");
    }
    head->keep_alive(false);
    // HTTP/1.0 knows no chunks; a HEAD answer has no body to frame.
    const bool chunked = version_ >= 11 && !head_;
    if (chunked) head->chunked(true);
    auto connection = std::make_shared<StreamConnection>(std::move(stream_), options_, chunked);
    streams_.Add(connection);
    connection->Begin(std::move(head), head_ ? StreamStart() : std::move(response.stream));
  }

  void Send(Response response, bool keep_alive) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version_);
    res->result(static_cast<unsigned>(response.status));
    res->set(bhttp::field::server, "ccc-relay");
    res->set(bhttp::field::content_type, response.content_type);
    // insert, not set: a response may carry several headers of one name (Set-Cookie).
    for (auto& [name, value] : response.headers) res->insert(name, value);
    // Browsers must not sniff JSON into something else, nor frame any of our answers;
    // the portal's own answers already carry these (static_site.cc).
    if (res->find("X-Content-Type-Options") == res->end()) {
      res->set("X-Content-Type-Options", "nosniff");
    }
    if (res->find("X-Frame-Options") == res->end()) res->set("X-Frame-Options", "DENY");
    res->keep_alive(keep_alive);
    if (response.status < 200 || response.status == 204 || response.status == 304) {
      // RFC 9110: no content and no Content-Length ("0" would claim the 200's length is 0).
    } else if (head_) {
      // A HEAD answer names the length the GET body would have, without sending it.
      res->content_length(response.body.size());
    } else {
      res->body() = std::move(response.body);
      res->prepare_payload();
    }
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
  bool head_ = false;  // the request being answered is a HEAD
  const Router& router_;
  const HttpServerOptions& options_;
  StreamRegistry& streams_;
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
      std::make_shared<Session>(std::move(socket), router, options, streams)->Run();
      Accept();
    });
  }

  HttpServerOptions options;
  const Router& router;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  std::vector<std::thread> threads;
  StreamRegistry streams;
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
  // Streams may be held elsewhere (an event hub) beyond the io_context's life.
  impl_->streams.AbortAll();
}

uint16_t HttpServer::port() const { return impl_->port; }

}  // namespace ccc::relay::http
