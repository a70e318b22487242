#include "relay/mqtt/mqtt_client.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <future>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "relay/mqtt/mqtt5_packets.h"
#include "relay/mqtt/puback_order.h"

namespace ccc::relay::mqtt {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct IoLoop::Impl {
  asio::io_context ioc{1};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
  std::thread thread;

  void Run() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        // A throwing callback must not take every connection on this loop down with it.
        spdlog::error("mqtt: exception escaped a callback: {}", e.what());
      }
    }
  }

  // Lets the thread finish the handlers still queued (cancelled operations) and joins it.
  void DrainAndJoin() {
    work.reset();
    if (thread.joinable()) thread.join();
  }
};

IoLoop::IoLoop() : impl_(std::make_unique<Impl>()) {
  impl_->thread = std::thread([impl = impl_.get()] { impl->Run(); });
}

IoLoop::~IoLoop() {
  impl_->work.reset();
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

namespace {

constexpr auto kGracefulCloseTimeout = milliseconds(2000);
constexpr size_t kReadBufferBytes = 16 * 1024;

std::shared_ptr<ssl::context> MakeTlsContext(const ClientOptions& options) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  ctx->load_verify_file(options.ca_file, ec);
  if (ec)
    throw std::runtime_error("cannot load CA file '" + options.ca_file + "': " + ec.message());
  ctx->use_certificate_chain_file(options.cert_file, ec);
  if (ec) {
    throw std::runtime_error("cannot load certificate '" + options.cert_file +
                             "': " + ec.message());
  }
  ctx->use_private_key_file(options.key_file, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot load key '" + options.key_file + "': " + ec.message());
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

std::string WithReasonString(std::string text, const Properties& properties) {
  if (properties.reason_string) text += ": " + *properties.reason_string;
  return text;
}

Status PubackStatus(uint8_t reason, const Properties& properties) {
  if (reason < 0x80) return Status::Ok();
  std::string text =
      WithReasonString("broker refused the publish: " + ReasonCodeText(reason), properties);
  switch (reason) {
    case kReasonNotAuthorized:
      return {StatusCode::kPermissionDenied, std::move(text)};
    case kReasonPacketTooLarge:
      return TooLarge(std::move(text));
    case 0x97:
      return Unavailable(std::move(text));  // quota exceeded: retry later
    default:
      return Internal(std::move(text));
  }
}

// One TCP/TLS connection attempt and everything whose lifetime ends with it. Handlers of
// its asynchronous operations hold a shared_ptr, so the stream outlives them.
struct Connection {
  enum class Phase { kConnecting, kAwaitConnack, kAwaitSuback, kConnected };

  Connection(asio::io_context& ioc, ssl::context& ctx, uint64_t gen, uint32_t max_packet)
      : resolver(ioc),
        stream(ioc, ctx),
        close_timer(ioc),
        generation(gen),
        splitter(max_packet),
        read_buffer(kReadBufferBytes) {}

  tcp::resolver resolver;
  ssl::stream<tcp::socket> stream;
  asio::steady_timer close_timer;
  uint64_t generation;
  Phase phase = Phase::kConnecting;
  bool warned_receive_maximum = false;
  FrameSplitter splitter;
  std::vector<char> read_buffer;
  // Packets queued while a write is in flight go out together in the next write.
  std::string outbox;
  std::vector<Client::PublishDone> outbox_done;  // QoS 0 publishes inside `outbox`
  std::string writing;
  std::vector<Client::PublishDone> writing_done;
  bool write_in_flight = false;
  bool close_after_write = false;
  bool closed = false;
  PubackOrder pubacks;
};

// All state lives on the I/O thread; the public Client posts every call here.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ClientOptions options, asio::io_context& ioc, std::shared_ptr<ssl::context> ctx)
      : options_(std::move(options)),
        ioc_(ioc),
        tls_(std::move(ctx)),
        reconnect_timer_(ioc),
        tick_timer_(ioc),
        rng_(std::random_device{}()) {
    backoff_ = std::max(options_.reconnect_min, milliseconds(1));
  }

  std::atomic<bool> connected{false};

  void Start(std::vector<Subscription> subscriptions, Client::MessageHandler on_message,
             Client::ConnectionHandler on_connection) {
    subscriptions_ = std::move(subscriptions);
    on_message_ = std::move(on_message);
    on_connection_ = std::move(on_connection);
    StartConnect();
  }

  void Shutdown(std::promise<void>* done) {
    stop_done_ = done;
    stopping_ = true;
    reconnect_timer_.cancel();
    if (conn_) {
      Detach(conn_, "stopped", conn_->phase != Connection::Phase::kConnecting, kReasonSuccess);
    } else {
      FinishStop("stopped");
    }
  }

  void Ack(uint64_t token) {
    if (token == 0) return;
    uint64_t generation = token >> 16;
    auto packet_id = static_cast<uint16_t>(token & 0xFFFF);
    if (!conn_ || conn_->generation != generation ||
        conn_->phase < Connection::Phase::kAwaitSuback) {
      spdlog::debug("mqtt {}: ack of an earlier connection ignored (broker redelivers)",
                    options_.client_id);
      return;
    }
    release_.clear();
    if (!conn_->pubacks.Ack(packet_id, release_)) {
      spdlog::warn("mqtt {}: ack for packet {} that is not awaiting one", options_.client_id,
                   packet_id);
    }
    for (uint16_t id : release_)
      Enqueue(conn_, EncodePuback({.packet_id = id, .reason_code = 0, .properties = {}}));
  }

  void Publish(PublishPacket packet, Client::PublishDone done) {
    if (stopping_ || !conn_ || conn_->phase != Connection::Phase::kConnected) {
      return Complete(done, Unavailable("not connected to the broker"));
    }
    if (packet.qos > 1) return Complete(done, InvalidArgument("QoS 2 is not supported"));
    if (packet.qos > server_maximum_qos_) {
      return Complete(done, Unsupported("the broker does not accept this QoS"));
    }
    if (packet.qos == 0) {
      std::string bytes = EncodePublish(packet);
      if (bytes.size() > server_maximum_packet_) return Complete(done, TooLargeStatus(bytes));
      return Enqueue(conn_, bytes, std::move(done));
    }
    if (inflight_.size() < send_quota_) {
      SendQos1(std::move(packet), std::move(done));
    } else {
      queued_.push_back({std::move(packet), std::move(done)});
    }
  }

 private:
  using ConnPtr = std::shared_ptr<Connection>;
  struct Pending {
    PublishPacket packet;
    Client::PublishDone done;
  };

  static void Complete(const Client::PublishDone& done, Status status) {
    if (done) done(std::move(status));
  }

  Status TooLargeStatus(const std::string& bytes) const {
    return TooLarge("publish of " + std::to_string(bytes.size()) +
                    " bytes exceeds the broker's maximum packet size of " +
                    std::to_string(server_maximum_packet_));
  }

  void StartConnect() {
    auto conn = std::make_shared<Connection>(ioc_, *tls_, ++generation_counter_,
                                             options_.maximum_packet_size);
    conn_ = conn;
    deadline_ = Clock::now() + options_.connect_timeout;
    ArmTick();
    conn->resolver.async_resolve(
        options_.host, std::to_string(options_.port),
        [self = shared_from_this(), conn](const boost::system::error_code& ec,
                                          const tcp::resolver::results_type& results) {
          self->OnResolved(conn, ec, results);
        });
  }

  void OnResolved(const ConnPtr& conn, const boost::system::error_code& ec,
                  const tcp::resolver::results_type& results) {
    if (conn != conn_) return;
    if (ec) return Detach(conn, "cannot resolve " + options_.host + ": " + ec.message());
    asio::async_connect(
        conn->stream.lowest_layer(), results,
        [self = shared_from_this(), conn](const boost::system::error_code& e,
                                          const tcp::endpoint&) { self->OnTcpConnected(conn, e); });
  }

  void OnTcpConnected(const ConnPtr& conn, const boost::system::error_code& ec) {
    if (conn != conn_) return;
    if (ec) {
      return Detach(conn, "cannot connect to " + options_.host + ":" +
                              std::to_string(options_.port) + ": " + ec.message());
    }
    boost::system::error_code ignored;
    conn->stream.lowest_layer().set_option(tcp::no_delay(true), ignored);
    asio::ip::make_address(options_.host, ignored);
    if (ignored) {
      // SNI only for names, never for IP literals (RFC 6066 section 3).
      SSL_ctrl(conn->stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
               TLSEXT_NAMETYPE_host_name, const_cast<char*>(options_.host.c_str()));
    }
    conn->stream.set_verify_mode(ssl::verify_peer);
    conn->stream.set_verify_callback(ssl::host_name_verification(options_.host));
    conn->stream.async_handshake(ssl::stream_base::client, [self = shared_from_this(), conn](
                                                               const boost::system::error_code& e) {
      self->OnHandshake(conn, e);
    });
  }

  void OnHandshake(const ConnPtr& conn, const boost::system::error_code& ec) {
    if (conn != conn_) return;
    if (ec) return Detach(conn, "TLS handshake failed: " + ec.message());
    ConnectPacket connect;
    connect.client_id = options_.client_id;
    connect.clean_start = options_.clean_start;
    connect.keep_alive_s = options_.keep_alive_s;
    connect.properties.session_expiry_interval = options_.session_expiry_s;
    connect.properties.receive_maximum = std::max<uint16_t>(options_.receive_maximum, 1);
    connect.properties.maximum_packet_size = options_.maximum_packet_size;
    if (!options_.will_topic.empty()) {
      connect.will = WillMessage{.topic = options_.will_topic,
                                 .payload = options_.will_payload,
                                 .qos = options_.will_qos,
                                 .retain = options_.will_retain,
                                 .properties = {}};
    }
    conn->phase = Connection::Phase::kAwaitConnack;
    keep_alive_ = std::chrono::seconds(options_.keep_alive_s);
    last_rx_ = Clock::now();
    ping_outstanding_ = false;
    Enqueue(conn, EncodeConnect(connect));
    StartRead(conn);
  }

  void StartRead(const ConnPtr& conn) {
    conn->stream.async_read_some(
        asio::buffer(conn->read_buffer),
        [self = shared_from_this(), conn](const boost::system::error_code& ec, size_t n) {
          self->OnRead(conn, ec, n);
        });
  }

  void OnRead(const ConnPtr& conn, const boost::system::error_code& ec, size_t n) {
    if (conn != conn_) return;
    if (ec) {
      bool closed_by_peer = ec == asio::error::eof || ec == ssl::error::stream_truncated;
      return Detach(conn, closed_by_peer ? std::string("connection closed by the broker")
                                         : "read failed: " + ec.message());
    }
    last_rx_ = Clock::now();
    conn->splitter.Feed(std::string_view(conn->read_buffer.data(), n));
    while (conn == conn_) {
      auto next = conn->splitter.Next();
      if (!next.ok()) {
        uint8_t reason = next.status().code() == StatusCode::kTooLarge ? kReasonPacketTooLarge
                                                                       : kReasonMalformedPacket;
        return ProtocolError(conn, reason, next.status().message());
      }
      if (!next->has_value()) break;
      Dispatch(conn, **next);
    }
    if (conn == conn_) StartRead(conn);
  }

  void Dispatch(const ConnPtr& conn, const RawPacket& raw) {
    switch (raw.type) {
      case PacketType::kConnack:
        return OnConnack(conn, raw);
      case PacketType::kSuback:
        return OnSuback(conn, raw);
      case PacketType::kPublish:
        return OnPublish(conn, raw);
      case PacketType::kPuback:
        return OnPuback(conn, raw);
      case PacketType::kPingresp: {
        Status status = DecodePingresp(raw.flags, raw.body);
        if (!status.ok()) return ProtocolError(conn, kReasonMalformedPacket, status.message());
        ping_outstanding_ = false;
        return;
      }
      case PacketType::kDisconnect: {
        auto packet = DecodeDisconnect(raw.flags, raw.body);
        if (!packet.ok()) return Detach(conn, "broker disconnected (unreadable DISCONNECT)");
        return Detach(
            conn, WithReasonString("broker disconnected: " + ReasonCodeText(packet->reason_code),
                                   packet->properties));
      }
      default:
        return ProtocolError(
            conn, kReasonProtocolError,
            "unexpected packet type " + std::to_string(static_cast<int>(raw.type)));
    }
  }

  void OnConnack(const ConnPtr& conn, const RawPacket& raw) {
    if (conn->phase != Connection::Phase::kAwaitConnack) {
      return ProtocolError(conn, kReasonProtocolError, "unexpected CONNACK");
    }
    auto packet = DecodeConnack(raw.flags, raw.body);
    if (!packet.ok()) return ProtocolError(conn, kReasonMalformedPacket, packet.status().message());
    if (packet->reason_code != kReasonSuccess) {
      return Detach(conn, WithReasonString("broker refused the connection: " +
                                               ReasonCodeText(packet->reason_code),
                                           packet->properties));
    }
    const Properties& p = packet->properties;
    send_quota_ = p.receive_maximum.value_or(65535);
    server_maximum_packet_ = p.maximum_packet_size.value_or(UINT32_MAX);
    server_maximum_qos_ = p.maximum_qos.value_or(2);
    if (p.server_keep_alive) keep_alive_ = std::chrono::seconds(*p.server_keep_alive);
    backoff_ = std::max(options_.reconnect_min, milliseconds(1));
    spdlog::info("mqtt {}: connected to {}:{} (session present: {})", options_.client_id,
                 options_.host, options_.port, packet->session_present ? "yes" : "no");
    // Resubscribe even when the session was resumed: idempotent, and it repairs a session
    // whose subscriptions were lost (e.g. the broker lost its persistence file).
    if (subscriptions_.empty()) return MarkConnected(conn, "connected");
    conn->phase = Connection::Phase::kAwaitSuback;
    SubscribePacket subscribe;
    subscribe.packet_id = subscribe_packet_id_ = AllocatePacketId();
    for (const auto& sub : subscriptions_) {
      subscribe.entries.push_back(
          {sub.filter, static_cast<uint8_t>(std::min<uint8_t>(sub.qos, 1))});
    }
    Enqueue(conn, EncodeSubscribe(subscribe));
  }

  void OnSuback(const ConnPtr& conn, const RawPacket& raw) {
    auto packet = DecodeSuback(raw.flags, raw.body);
    if (!packet.ok()) return ProtocolError(conn, kReasonMalformedPacket, packet.status().message());
    if (conn->phase != Connection::Phase::kAwaitSuback ||
        packet->packet_id != subscribe_packet_id_) {
      return ProtocolError(conn, kReasonProtocolError, "unexpected SUBACK");
    }
    subscribe_packet_id_ = 0;
    std::string refused;
    for (size_t i = 0; i < packet->reason_codes.size() && i < subscriptions_.size(); ++i) {
      if (packet->reason_codes[i] >= 0x80) {
        refused += (refused.empty() ? "" : ", ") + subscriptions_[i].filter + " (" +
                   ReasonCodeText(packet->reason_codes[i]) + ")";
      }
    }
    if (!refused.empty()) {
      spdlog::warn("mqtt {}: broker refused subscriptions: {}", options_.client_id, refused);
      return MarkConnected(conn, "connected; subscriptions refused: " + refused);
    }
    MarkConnected(conn, "connected");
  }

  void MarkConnected(const ConnPtr& conn, const std::string& reason) {
    conn->phase = Connection::Phase::kConnected;
    connected = true;
    if (on_connection_) on_connection_(true, reason);
  }

  void OnPublish(const ConnPtr& conn, const RawPacket& raw) {
    if (conn->phase < Connection::Phase::kAwaitSuback) {
      return ProtocolError(conn, kReasonProtocolError, "PUBLISH before CONNACK");
    }
    if (((raw.flags >> 1) & 0x03) == 2) {
      return ProtocolError(conn, kReasonQosNotSupported, "QoS 2 PUBLISH (never subscribed)");
    }
    auto packet = DecodePublish(raw.flags, raw.body);
    if (!packet.ok()) return ProtocolError(conn, kReasonMalformedPacket, packet.status().message());
    // We announce no Topic Alias Maximum, i.e. 0: the broker must not use aliases (3.3.2.3.4).
    if (packet->properties.topic_alias) {
      return ProtocolError(conn, kReasonTopicAliasInvalid, "topic alias we did not allow");
    }
    Message message{.topic = std::move(packet->topic),
                    .payload = std::move(packet->payload),
                    .qos = packet->qos,
                    .retain = packet->retain,
                    .ack_token = 0};
    if (packet->qos == 1) {
      // The spec lets us disconnect here (4.9.0), but Mosquitto 2.0.11 overshoots our
      // Receive Maximum under load and would do it again after every reconnect, so the
      // relay would stop storing anything. Accept the message and say so once.
      if (conn->pubacks.size() >= options_.receive_maximum && !conn->warned_receive_maximum) {
        conn->warned_receive_maximum = true;
        spdlog::warn("mqtt: broker exceeded our Receive Maximum ({} unacknowledged messages); "
                     "continuing",
                     conn->pubacks.size());
      }
      if (!conn->pubacks.Received(packet->packet_id)) {
        return ProtocolError(
            conn, kReasonProtocolError,
            "packet id " + std::to_string(packet->packet_id) + " reused before its PUBACK");
      }
      message.ack_token = (conn->generation << 16) | packet->packet_id;
    }
    if (on_message_) {
      on_message_(std::move(message));
    } else {
      Ack(message.ack_token);
    }
  }

  void OnPuback(const ConnPtr& conn, const RawPacket& raw) {
    auto packet = DecodePuback(raw.flags, raw.body);
    if (!packet.ok()) return ProtocolError(conn, kReasonMalformedPacket, packet.status().message());
    auto it = inflight_.find(packet->packet_id);
    if (it == inflight_.end()) {
      spdlog::warn("mqtt {}: PUBACK for unknown packet id {}", options_.client_id,
                   packet->packet_id);
      return;
    }
    Client::PublishDone done = std::move(it->second);
    inflight_.erase(it);
    Complete(done, PubackStatus(packet->reason_code, packet->properties));
    while (conn == conn_ && !queued_.empty() && inflight_.size() < send_quota_) {
      Pending next = std::move(queued_.front());
      queued_.pop_front();
      SendQos1(std::move(next.packet), std::move(next.done));
    }
  }

  void SendQos1(PublishPacket packet, Client::PublishDone done) {
    packet.packet_id = AllocatePacketId();
    std::string bytes = EncodePublish(packet);
    if (bytes.size() > server_maximum_packet_) return Complete(done, TooLargeStatus(bytes));
    inflight_.emplace(packet.packet_id, std::move(done));
    Enqueue(conn_, bytes);
  }

  // 1..65535, skipping ids still awaiting their PUBACK or SUBACK. The broker's Receive
  // Maximum (at most 65535) bounds inflight_, and only one SUBSCRIBE is ever outstanding.
  uint16_t AllocatePacketId() {
    for (;;) {
      next_packet_id_ = next_packet_id_ == 65535 ? 1 : static_cast<uint16_t>(next_packet_id_ + 1);
      if (next_packet_id_ != subscribe_packet_id_ && !inflight_.contains(next_packet_id_)) {
        return next_packet_id_;
      }
    }
  }

  void Enqueue(const ConnPtr& conn, std::string_view bytes, Client::PublishDone done = nullptr) {
    conn->outbox.append(bytes);
    if (done) conn->outbox_done.push_back(std::move(done));
    last_tx_ = Clock::now();
    if (!conn->write_in_flight && !conn->closed) StartWrite(conn);
  }

  void StartWrite(const ConnPtr& conn) {
    conn->writing.clear();
    std::swap(conn->writing, conn->outbox);
    conn->writing_done.clear();
    std::swap(conn->writing_done, conn->outbox_done);
    conn->write_in_flight = true;
    asio::async_write(conn->stream, asio::buffer(conn->writing),
                      [self = shared_from_this(), conn](const boost::system::error_code& ec,
                                                        size_t) { self->OnWritten(conn, ec); });
  }

  void OnWritten(const ConnPtr& conn, const boost::system::error_code& ec) {
    conn->write_in_flight = false;
    std::vector<Client::PublishDone> done;
    std::swap(done, conn->writing_done);
    if (ec) {
      for (auto& d : done) Complete(d, Unavailable("write failed: " + ec.message()));
      if (conn == conn_) return Detach(conn, "write failed: " + ec.message());
      return CloseNow(conn);
    }
    for (auto& d : done) Complete(d, Status::Ok());
    if (!conn->outbox.empty() && !conn->closed) return StartWrite(conn);
    if (conn->close_after_write) CloseNow(conn);
  }

  void ArmTick() {
    auto period =
        keep_alive_.count() > 0
            ? std::clamp<milliseconds>(std::chrono::duration_cast<milliseconds>(keep_alive_) / 4,
                                       milliseconds(100), milliseconds(1000))
            : milliseconds(1000);
    tick_timer_.expires_after(period);
    tick_timer_.async_wait(
        [self = shared_from_this(), conn = conn_](const boost::system::error_code& ec) {
          if (ec || conn != self->conn_) return;
          self->OnTick(conn);
        });
  }

  void OnTick(const ConnPtr& conn) {
    auto now = Clock::now();
    if (conn->phase != Connection::Phase::kConnected) {
      if (now >= deadline_) return Detach(conn, "timed out connecting");
    } else if (keep_alive_.count() > 0) {
      if (now - last_rx_ >= keep_alive_ * 3 / 2) {
        return Detach(conn, "keep alive timeout: nothing from the broker for 1.5 x keep alive");
      }
      bool idle = now - last_tx_ >= keep_alive_ / 2 || now - last_rx_ >= keep_alive_ / 2;
      if (idle && !ping_outstanding_) {
        ping_outstanding_ = true;
        Enqueue(conn, EncodePingreq());
      }
    }
    ArmTick();
  }

  void ProtocolError(ConnPtr conn, uint8_t reason, const std::string& what) {
    spdlog::warn("mqtt {}: protocol error from the broker: {}", options_.client_id, what);
    Detach(conn, "protocol error: " + what, true, reason);
  }

  // Ends `conn` as the current connection: reports it, fails what waited on it, and
  // reconnects (or finishes Stop). With `send_disconnect` a DISCONNECT with `reason` goes
  // out after the writes already queued before the socket closes.
  void Detach(ConnPtr conn, const std::string& why, bool send_disconnect = false,
              uint8_t reason = kReasonSuccess) {
    if (conn != conn_) return;
    conn_.reset();
    tick_timer_.cancel();
    bool was_connected = connected.exchange(false);
    if (send_disconnect) {
      Enqueue(conn, EncodeDisconnect({.reason_code = reason, .properties = {}}));
      conn->close_after_write = true;
      conn->close_timer.expires_after(kGracefulCloseTimeout);
      conn->close_timer.async_wait(
          [self = shared_from_this(), conn](const boost::system::error_code& ec) {
            if (!ec) self->CloseNow(conn);
          });
      // QoS 0 publishes still queued may or may not make it: report them as not sent.
      for (auto& d : conn->outbox_done) Complete(d, Unavailable("connection closed"));
      conn->outbox_done.clear();
    } else {
      CloseNow(conn);
    }
    conn->pubacks.Clear();
    FailPublishes(why);
    if (stopping_) return FinishStop(why);
    if (was_connected) {
      spdlog::info("mqtt {}: disconnected: {}", options_.client_id, why);
    } else {
      spdlog::warn("mqtt {}: connection attempt failed: {}", options_.client_id, why);
    }
    if (on_connection_) on_connection_(false, why);
    ScheduleReconnect();
  }

  void CloseNow(const ConnPtr& conn) {
    if (conn->closed) return;
    conn->closed = true;
    boost::system::error_code ignored;
    conn->resolver.cancel();
    conn->close_timer.cancel();
    conn->stream.lowest_layer().close(ignored);
    std::vector<Client::PublishDone> done;
    std::swap(done, conn->outbox_done);
    for (auto& d : done) Complete(d, Unavailable("connection closed"));
  }

  void FailPublishes(const std::string& why) {
    auto inflight = std::move(inflight_);
    inflight_.clear();
    auto queued = std::move(queued_);
    queued_.clear();
    subscribe_packet_id_ = 0;
    for (auto& [id, done] : inflight) {
      Complete(done, Unavailable("connection lost before PUBACK: " + why));
    }
    for (auto& pending : queued) {
      Complete(pending.done, Unavailable("connection lost before sending: " + why));
    }
  }

  void ScheduleReconnect() {
    // Full jitter (uniform in [0, backoff]) spreads a fleet's reconnects after an outage.
    std::uniform_int_distribution<int64_t> jitter(0, backoff_.count());
    milliseconds delay(jitter(rng_));
    backoff_ = std::min(backoff_ * 2, std::max(options_.reconnect_max, milliseconds(1)));
    reconnect_timer_.expires_after(delay);
    reconnect_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->stopping_) return;
      self->StartConnect();
    });
  }

  void FinishStop(const std::string& why) {
    spdlog::info("mqtt {}: {}", options_.client_id, why);
    tick_timer_.cancel();
    reconnect_timer_.cancel();
    FailPublishes(why);
    if (on_connection_) on_connection_(false, why);
    on_message_ = nullptr;
    on_connection_ = nullptr;
    if (stop_done_) stop_done_->set_value();
    stop_done_ = nullptr;
  }

  const ClientOptions options_;
  asio::io_context& ioc_;
  std::shared_ptr<ssl::context> tls_;
  asio::steady_timer reconnect_timer_;
  asio::steady_timer tick_timer_;
  std::mt19937_64 rng_;

  std::vector<Subscription> subscriptions_;
  Client::MessageHandler on_message_;
  Client::ConnectionHandler on_connection_;
  bool stopping_ = false;
  std::promise<void>* stop_done_ = nullptr;

  ConnPtr conn_;
  uint64_t generation_counter_ = 0;
  milliseconds backoff_{};
  Clock::time_point deadline_{};
  Clock::duration keep_alive_{};
  Clock::time_point last_rx_{};
  Clock::time_point last_tx_{};
  bool ping_outstanding_ = false;

  // Limits from CONNACK.
  size_t send_quota_ = 65535;
  uint32_t server_maximum_packet_ = UINT32_MAX;
  uint8_t server_maximum_qos_ = 2;

  std::unordered_map<uint16_t, Client::PublishDone> inflight_;
  std::deque<Pending> queued_;
  uint16_t next_packet_id_ = 0;
  uint16_t subscribe_packet_id_ = 0;
  std::vector<uint16_t> release_;
};

class ClientImpl final : public Client {
 public:
  ClientImpl(ClientOptions options, IoLoop* shared_loop) {
    auto tls = MakeTlsContext(options);
    if (shared_loop == nullptr) own_loop_ = std::make_unique<IoLoop>();
    loop_ = shared_loop != nullptr ? &shared_loop->impl() : &own_loop_->impl();
    session_ = std::make_shared<Session>(std::move(options), loop_->ioc, std::move(tls));
  }

  ~ClientImpl() override { Stop(); }

  void Start(std::vector<Subscription> subscriptions, MessageHandler on_message,
             ConnectionHandler on_connection) override {
    if (stopped_ || started_.exchange(true)) return;
    asio::post(loop_->ioc, [session = session_, subs = std::move(subscriptions),
                            on_message = std::move(on_message),
                            on_connection = std::move(on_connection)]() mutable {
      session->Start(std::move(subs), std::move(on_message), std::move(on_connection));
    });
  }

  void Stop() override {
    std::lock_guard lock(stop_mutex_);
    if (stopped_.exchange(true)) return;
    if (loop_->ioc.get_executor().running_in_this_thread()) {
      // Cannot wait for ourselves; the documented contract forbids this, stay safe anyway.
      spdlog::error("mqtt: Client::Stop called from its own I/O thread");
      if (started_) asio::post(loop_->ioc, [s = session_] { s->Shutdown(nullptr); });
      return;
    }
    if (started_) {
      std::promise<void> done;
      auto future = done.get_future();
      asio::post(loop_->ioc, [s = session_, &done] { s->Shutdown(&done); });
      future.wait();
    }
    if (own_loop_) loop_->DrainAndJoin();
  }

  void Ack(uint64_t ack_token) override {
    if (stopped_ || ack_token == 0) return;
    asio::post(loop_->ioc, [s = session_, ack_token] { s->Ack(ack_token); });
  }

  void Publish(std::string topic, std::string payload, uint8_t qos, bool retain,
               PublishDone done) override {
    if (stopped_ || !started_) {
      if (done) done(Unavailable("client not running"));
      return;
    }
    PublishPacket packet{.topic = std::move(topic),
                         .payload = std::move(payload),
                         .qos = qos,
                         .retain = retain,
                         .dup = false,
                         .packet_id = 0,
                         .properties = {}};
    asio::post(loop_->ioc,
               [s = session_, packet = std::move(packet), done = std::move(done)]() mutable {
                 s->Publish(std::move(packet), std::move(done));
               });
  }

  bool connected() const override { return session_->connected.load(); }

 private:
  std::unique_ptr<IoLoop> own_loop_;
  IoLoop::Impl* loop_ = nullptr;
  std::shared_ptr<Session> session_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
  std::mutex stop_mutex_;
};

}  // namespace

std::unique_ptr<Client> MakeClient(ClientOptions options) {
  return std::make_unique<ClientImpl>(std::move(options), nullptr);
}

std::unique_ptr<Client> MakeClient(ClientOptions options, IoLoop& loop) {
  return std::make_unique<ClientImpl>(std::move(options), &loop);
}

}  // namespace ccc::relay::mqtt
