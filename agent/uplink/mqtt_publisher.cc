#include "agent/uplink/mqtt_publisher.h"

#include <fmt/format.h>
#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "agent/uplink/backoff.h"
#include "common/protocol/topic.h"

namespace ccc::agent::uplink {
namespace {

constexpr int kQos = 1;
constexpr int kFirstErrorReasonCode = 0x80;
constexpr auto kGoodbyeTimeout = std::chrono::seconds(2);

void* ContextOf(uint64_t id) { return reinterpret_cast<void*>(static_cast<uintptr_t>(id)); }
uint64_t IdOf(void* context) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(context)); }

}  // namespace

// The Impl is also the action listener of every publish: the user context carries the
// publish's id, so completions of a client that is already gone find nothing and vanish.
struct MqttPublisher::Impl : public mqtt::iaction_listener {
  explicit Impl(MqttPublisherOptions o) : options(std::move(o)) {
    uri = fmt::format("ssl://{}:{}", options.host, options.port);
    presence_topic = protocol::PresenceTopic(options.device_id);
  }

  // Built afresh for every attempt, without the MQTT 5 properties: Paho C++ 1.2.0's
  // connect_options copy and move constructors keep pointing at the source's properties, so
  // options that carried properties through the builder's finalize() or a return by value
  // hand a dangling pointer to MQTTAsync_connect (crashes seen on first and later
  // connects). Connect attaches the properties to an object that outlives the call.
  mqtt::connect_options MakeConnectOptions() const {
    auto ssl = mqtt::ssl_options_builder()
                   .trust_store(options.ca_file)
                   .key_store(options.cert_file)
                   .private_key(options.key_file)
                   .enable_server_cert_auth(true)
                   .verify(true)
                   .finalize();
    return mqtt::connect_options_builder()
        .mqtt_version(MQTTVERSION_5)
        .clean_start(false)
        .keep_alive_interval(options.keep_alive)
        .connect_timeout(options.connect_timeout)
        .automatic_reconnect(false)
        .max_inflight(options.max_inflight + 2)
        .will(mqtt::message(presence_topic, std::string("offline"), kQos, true))
        .ssl(std::move(ssl))
        .finalize();
  }

  void on_success(const mqtt::token& tok) override {
    Complete(tok, {PublishOutcome::kDelivered, 0, {}});
  }

  void on_failure(const mqtt::token& tok) override {
    const int reason = static_cast<int>(tok.get_reason_code());
    const int rc = tok.get_return_code();
    PublishResult result;
    result.reason_code = reason;
    result.outcome =
        reason >= kFirstErrorReasonCode ? PublishOutcome::kDrop : PublishOutcome::kRetry;
    result.detail = fmt::format("reason code 0x{:02x} ({}), return code {}", reason,
                                mqtt::exception::reason_code_str(reason), rc);
    Complete(tok, std::move(result));
  }

  void Complete(const mqtt::token& tok, PublishResult result) {
    PublishCallback callback;
    {
      std::lock_guard lock(mu);
      auto it = pending.find(IdOf(tok.get_user_context()));
      if (it == pending.end()) return;
      callback = std::move(it->second);
      pending.erase(it);
    }
    callback(std::move(result));
  }

  void OnLost(std::string reason) {
    std::lock_guard lock(mu);
    lost = true;
    lost_reason = std::move(reason);
    cv.notify_all();
  }

  std::shared_ptr<mqtt::async_client> NewClient() {
    auto fresh = std::make_shared<mqtt::async_client>(uri, options.device_id,
                                                      mqtt::create_options(MQTTVERSION_5), nullptr);
    fresh->set_connection_lost_handler([this](const std::string& cause) {
      OnLost(cause.empty() ? std::string("connection lost") : "connection lost: " + cause);
    });
    fresh->set_disconnected_handler([this](const mqtt::properties&, mqtt::ReasonCode code) {
      OnLost(fmt::format("broker sent DISCONNECT, reason code 0x{:02x} ({})",
                         static_cast<int>(code),
                         mqtt::exception::reason_code_str(static_cast<int>(code))));
    });
    return fresh;
  }

  // Connects and announces presence; returns an error sentence on failure.
  std::string Connect(mqtt::async_client& cli) {
    try {
      const auto wait = options.connect_timeout + std::chrono::seconds(2);
      mqtt::connect_options connect_options = MakeConnectOptions();
      connect_options.set_properties(
          mqtt::properties{{mqtt::property::SESSION_EXPIRY_INTERVAL,
                            static_cast<int32_t>(options.session_expiry.count())}});
      // connect() takes a copy whose properties pointer points into `connect_options`,
      // which lives until after MQTTAsync_connect has copied the properties.
      if (!cli.connect(connect_options)->wait_for(wait)) return "connect timed out";
      if (!cli.publish(presence_topic, std::string("online"), kQos, true)->wait_for(wait)) {
        return "publishing presence timed out";
      }
    } catch (const mqtt::exception& e) {
      return e.what();
    }
    return {};
  }

  void SayGoodbye(mqtt::async_client& cli) {
    try {
      cli.publish(presence_topic, std::string("offline"), kQos, true)->wait_for(kGoodbyeTimeout);
      cli.disconnect()->wait_for(kGoodbyeTimeout);
    } catch (const mqtt::exception& e) {
      spdlog::warn("mqtt: clean disconnect failed: {}", e.what());
    }
  }

  void Run() {
    Backoff backoff(options.reconnect_min, options.reconnect_max, options.seed);
    std::unique_lock lock(mu);
    while (!stopping) {
      lost = false;
      lock.unlock();
      auto cli = NewClient();
      const std::string error = Connect(*cli);
      if (error.empty()) {
        spdlog::info("mqtt: connected to {} as {}", uri, options.device_id);
        backoff.Reset();
        lock.lock();
        client = cli;
        lock.unlock();
        on_connection(true, {});
        lock.lock();
        cv.wait(lock, [&] { return stopping || lost; });
        client.reset();
        auto failed = std::move(pending);
        pending.clear();
        const bool was_lost = lost;
        const std::string reason = lost_reason;
        const bool was_stopping = stopping;
        lock.unlock();
        if (!was_lost) SayGoodbye(*cli);
        if (!was_stopping) {
          spdlog::warn("mqtt: {}", reason);
          for (auto& [id, callback] : failed) {
            callback({PublishOutcome::kRetry, 0, reason});
          }
          on_connection(false, reason);
        }
      } else {
        spdlog::warn("mqtt: cannot connect to {}: {}", uri, error);
        on_connection(false, error);
      }
      // Destroyed outside the lock: Paho joins its threads, which may be waiting for it.
      cli.reset();
      lock.lock();
      if (stopping) break;
      const auto delay = backoff.Next();
      spdlog::info("mqtt: next connection attempt in {} ms", delay.count());
      cv.wait_for(lock, delay, [&] { return stopping; });
    }
  }

  MqttPublisherOptions options;
  std::string uri;
  std::string presence_topic;
  ConnectionCallback on_connection;

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  bool lost = false;
  std::string lost_reason;
  std::shared_ptr<mqtt::async_client> client;  // set while connected
  uint64_t next_id = 1;
  std::unordered_map<uint64_t, PublishCallback> pending;
  std::thread thread;
};

MqttPublisher::MqttPublisher(MqttPublisherOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

MqttPublisher::~MqttPublisher() { Stop(); }

void MqttPublisher::Start(ConnectionCallback on_connection) {
  impl_->on_connection = std::move(on_connection);
  impl_->thread = std::thread([this] { impl_->Run(); });
}

void MqttPublisher::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
    impl_->cv.notify_all();
  }
  if (impl_->thread.joinable()) impl_->thread.join();
  std::lock_guard lock(impl_->mu);
  impl_->pending.clear();
}

void MqttPublisher::Publish(std::string topic, std::string payload, PublishCallback on_result) {
  std::shared_ptr<mqtt::async_client> client;
  uint64_t id = 0;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->client && !impl_->lost) {
      client = impl_->client;
      id = impl_->next_id++;
      impl_->pending.emplace(id, std::move(on_result));
    }
  }
  if (!client) {
    on_result({PublishOutcome::kRetry, 0, "not connected"});
    return;
  }
  try {
    // Paho is called without our lock: its threads take our lock in the listener.
    client->publish(mqtt::make_message(std::move(topic), std::move(payload), kQos, false),
                    ContextOf(id), *impl_);
  } catch (const mqtt::exception& e) {
    PublishCallback callback;
    {
      std::lock_guard lock(impl_->mu);
      auto it = impl_->pending.find(id);
      if (it == impl_->pending.end()) return;
      callback = std::move(it->second);
      impl_->pending.erase(it);
    }
    callback({PublishOutcome::kRetry, 0, e.what()});
  }
}

}  // namespace ccc::agent::uplink
