// Integration tests against a real Mosquitto (mutual TLS, the repo's ACL), started by
// tests/util/with_broker.py which exports CCC_MQTT_HOST/PORT/CA and CCC_PKI_DIR.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "relay/mqtt/mqtt_client.h"

namespace ccc::relay::mqtt {
namespace {

using namespace std::chrono_literals;

constexpr auto kDeadline = 15s;
const char* const kRelayFilter = "$share/ccc-relay/ccc/v1/dev/+/up/#";

struct BrokerEnv {
  std::string host, ca, pki_dir;
  uint16_t port = 0;
};

const BrokerEnv* Env() {
  static const BrokerEnv* env = []() -> const BrokerEnv* {
    const char* host = std::getenv("CCC_MQTT_HOST");
    const char* port = std::getenv("CCC_MQTT_PORT");
    const char* ca = std::getenv("CCC_MQTT_CA");
    const char* pki = std::getenv("CCC_PKI_DIR");
    if (!host || !port || !ca || !pki) return nullptr;
    return new BrokerEnv{host, ca, pki, static_cast<uint16_t>(std::atoi(port))};
  }();
  return env;
}

#define REQUIRE_BROKER() \
  if (Env() == nullptr) GTEST_SKIP() << "run through tests/util/with_broker.py"

std::string UniqueId(const std::string& name) {
  return "it-" + name + "-" + std::to_string(getpid());
}

ClientOptions Options(const std::string& cn, const std::string& client_id) {
  ClientOptions o;
  o.host = Env()->host;
  o.port = Env()->port;
  o.ca_file = Env()->ca;
  o.cert_file = Env()->pki_dir + "/" + cn + ".crt";
  o.key_file = Env()->pki_dir + "/" + cn + ".key";
  o.client_id = client_id;
  o.clean_start = true;
  o.session_expiry_s = 0;
  o.reconnect_min = 50ms;
  o.reconnect_max = 500ms;
  return o;
}

// Everything a client reports, waitable with a deadline.
class Recorder {
 public:
  Client::MessageHandler OnMessage() {
    return [this](Message m) {
      std::lock_guard lock(mu_);
      messages_.push_back(std::move(m));
      cv_.notify_all();
    };
  }
  Client::ConnectionHandler OnConnection() {
    return [this](bool up, const std::string& reason) {
      std::lock_guard lock(mu_);
      (up ? ups_ : downs_)++;
      reasons_.push_back(reason);
      cv_.notify_all();
    };
  }
  // `condition` runs with the recorder's lock held: it must not call the locking getters.
  bool WaitFor(const std::function<bool()>& condition, std::chrono::seconds timeout = kDeadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, condition);
  }
  bool WaitConnected(int count = 1) {
    return WaitFor([&] { return ups_ >= count; });
  }
  bool WaitDisconnected(int count = 1) {
    return WaitFor([&] { return downs_ >= count; });
  }
  bool WaitMessages(size_t count) {
    return WaitFor([&] { return messages_.size() >= count; });
  }
  Message MessageAt(size_t i) {
    std::lock_guard lock(mu_);
    return messages_.at(i);
  }
  size_t message_count() {
    std::lock_guard lock(mu_);
    return messages_.size();
  }
  int downs() {
    std::lock_guard lock(mu_);
    return downs_;
  }
  std::string last_reason() {
    std::lock_guard lock(mu_);
    return reasons_.empty() ? "" : reasons_.back();
  }
  void Notify() {
    std::lock_guard lock(mu_);
    cv_.notify_all();
  }
  std::mutex& mu() { return mu_; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Message> messages_;
  std::vector<std::string> reasons_;
  int ups_ = 0;
  int downs_ = 0;
};

// Publishes and waits for `done`.
Status PublishAndWait(Client& client, const std::string& topic, const std::string& payload) {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Status> result;
  client.Publish(topic, payload, 1, false, [&](Status s) {
    std::lock_guard lock(mu);
    result = std::move(s);
    cv.notify_all();
  });
  std::unique_lock lock(mu);
  if (!cv.wait_for(lock, kDeadline, [&] { return result.has_value(); })) {
    return Internal("publish did not complete");
  }
  return *result;
}

// The recorder outlives the client: Stop() in the client's destructor still reports.
struct Started {
  std::unique_ptr<Recorder> recorder = std::make_unique<Recorder>();
  std::unique_ptr<Client> client;
};

Started StartClient(ClientOptions options, std::vector<Subscription> subscriptions = {}) {
  Started s;
  s.client = MakeClient(std::move(options));
  s.client->Start(std::move(subscriptions), s.recorder->OnMessage(), s.recorder->OnConnection());
  return s;
}

TEST(MqttClient, RelayReceivesADevicePublishAndAcksIt) {
  REQUIRE_BROKER();
  auto relay = StartClient(Options("ccc-relay", UniqueId("relay")), {{kRelayFilter, 1}});
  auto dev = StartClient(Options("dev-a", UniqueId("dev-a")));
  ASSERT_TRUE(relay.recorder->WaitConnected()) << relay.recorder->last_reason();
  ASSERT_TRUE(dev.recorder->WaitConnected()) << dev.recorder->last_reason();

  Status published = PublishAndWait(*dev.client, "ccc/v1/dev/dev-a/up/telemetry", "hello");
  ASSERT_TRUE(published.ok()) << published.ToString();

  ASSERT_TRUE(relay.recorder->WaitMessages(1));
  Message m = relay.recorder->MessageAt(0);
  EXPECT_EQ(m.topic, "ccc/v1/dev/dev-a/up/telemetry");
  EXPECT_EQ(m.payload, "hello");
  EXPECT_EQ(m.qos, 1);
  EXPECT_NE(m.ack_token, 0u);
  relay.client->Ack(m.ack_token);
}

TEST(MqttClient, UnackedMessageIsRedeliveredToTheResumedSessionAndAckedOneIsNot) {
  REQUIRE_BROKER();
  const std::string id = UniqueId("redeliver");
  const std::vector<Subscription> subs = {{"$share/it-redeliver/ccc/v1/dev/+/up/#", 1}};
  ClientOptions persistent = Options("ccc-relay", id);
  persistent.clean_start = false;
  persistent.session_expiry_s = 600;
  auto dev = StartClient(Options("dev-a", UniqueId("dev-a-redeliver")));
  ASSERT_TRUE(dev.recorder->WaitConnected());

  {
    ClientOptions first = persistent;
    first.clean_start = true;  // no leftovers from an earlier run
    auto relay = StartClient(first, subs);
    ASSERT_TRUE(relay.recorder->WaitConnected()) << relay.recorder->last_reason();
    ASSERT_TRUE(PublishAndWait(*dev.client, "ccc/v1/dev/dev-a/up/events", "m1").ok());
    ASSERT_TRUE(relay.recorder->WaitMessages(1));
    relay.client->Stop();  // "crash" before commit: no Ack
  }
  {
    auto relay = StartClient(persistent, subs);
    ASSERT_TRUE(relay.recorder->WaitMessages(1)) << relay.recorder->last_reason();
    Message m = relay.recorder->MessageAt(0);
    EXPECT_EQ(m.payload, "m1");
    relay.client->Ack(m.ack_token);
    relay.client->Stop();  // the PUBACK is written before the DISCONNECT
  }
  {
    auto relay = StartClient(persistent, subs);
    ASSERT_TRUE(relay.recorder->WaitConnected()) << relay.recorder->last_reason();
    ASSERT_TRUE(PublishAndWait(*dev.client, "ccc/v1/dev/dev-a/up/events", "marker").ok());
    ASSERT_TRUE(relay.recorder->WaitMessages(1));
    EXPECT_EQ(relay.recorder->MessageAt(0).payload, "marker");  // m1 was not redelivered
    relay.client->Ack(relay.recorder->MessageAt(0).ack_token);
  }
  ClientOptions cleanup = Options("ccc-relay", id);  // clean start, expiry 0: drop the session
  auto relay = StartClient(cleanup);
  EXPECT_TRUE(relay.recorder->WaitConnected());
}

TEST(MqttClient, PublishOutsideTheDevicesSubtreeIsDeniedAndNotDelivered) {
  REQUIRE_BROKER();
  auto relay = StartClient(Options("ccc-relay", UniqueId("relay-acl")),
                           {{"$share/it-acl/ccc/v1/dev/+/up/#", 1}});
  auto dev = StartClient(Options("dev-a", UniqueId("dev-a-acl")));
  ASSERT_TRUE(relay.recorder->WaitConnected());
  ASSERT_TRUE(dev.recorder->WaitConnected());

  Status denied = PublishAndWait(*dev.client, "ccc/v1/dev/dev-b/up/x", "forged");
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied) << denied.ToString();
  EXPECT_NE(denied.message().find("0x87"), std::string::npos) << denied.message();

  ASSERT_TRUE(PublishAndWait(*dev.client, "ccc/v1/dev/dev-a/up/x", "marker").ok());
  ASSERT_TRUE(relay.recorder->WaitMessages(1));
  EXPECT_EQ(relay.recorder->MessageAt(0).payload, "marker");
  EXPECT_EQ(relay.recorder->message_count(), 1u);
}

TEST(MqttClient, RelaySustainsThousandsOfAckedMessagesPerSecond) {
  REQUIRE_BROKER();
  constexpr int kMessages = 20'000;
  constexpr int kWindow = 1'000;
  std::mutex mu;
  std::condition_variable cv;
  int received = 0, published = 0, outstanding = 0, failed = 0;

  Recorder relay_conn;
  auto relay_client = MakeClient(Options("ccc-relay", UniqueId("relay-bench")));
  Client* relay_ptr = relay_client.get();
  relay_client->Start(
      {{"$share/it-bench/ccc/v1/dev/+/up/#", 1}},
      [&](Message m) {
        relay_ptr->Ack(m.ack_token);
        std::lock_guard lock(mu);
        ++received;
        cv.notify_all();
      },
      relay_conn.OnConnection());
  auto dev = StartClient(Options("dev-a", UniqueId("dev-a-bench")));
  ASSERT_TRUE(relay_conn.WaitConnected());
  ASSERT_TRUE(dev.recorder->WaitConnected());

  const std::string payload(200, 'p');
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kMessages; ++i) {
    {
      std::unique_lock lock(mu);
      ASSERT_TRUE(cv.wait_for(lock, kDeadline, [&] { return outstanding < kWindow; }));
      ++outstanding;
    }
    dev.client->Publish("ccc/v1/dev/dev-a/up/telemetry", payload, 1, false, [&](Status s) {
      std::lock_guard lock(mu);
      --outstanding;
      ++published;
      if (!s.ok()) ++failed;
      cv.notify_all();
    });
  }
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(
        cv.wait_for(lock, 60s, [&] { return received >= kMessages && published >= kMessages; }))
        << "received " << received << ", published " << published;
    EXPECT_EQ(failed, 0);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "[ throughput ] %d QoS 1 messages published, received and acked in %.2f s: "
      "%.0f msgs/s\n",
      kMessages, seconds, kMessages / seconds);
  relay_client->Stop();
  EXPECT_GT(kMessages / seconds, 2'000.0);
}

TEST(MqttClient, ReportsFailedAttemptsToAClosedPortAndKeepsRetrying) {
  REQUIRE_BROKER();
  ClientOptions options = Options("dev-a", UniqueId("closed-port"));
  options.port = 1;  // privileged, nothing listens there in a test sandbox
  auto client = StartClient(options);
  EXPECT_TRUE(client.recorder->WaitDisconnected(3)) << client.recorder->last_reason();
  EXPECT_FALSE(client.client->connected());
  EXPECT_NE(client.recorder->last_reason().find("cannot connect"), std::string::npos)
      << client.recorder->last_reason();
  client.client->Stop();
  EXPECT_EQ(client.recorder->last_reason(), "stopped");
}

TEST(MqttClient, RefusesABrokerCertificateNotSignedByTheConfiguredCa) {
  REQUIRE_BROKER();
  ClientOptions options = Options("dev-a", UniqueId("bad-ca"));
  options.ca_file = Env()->pki_dir + "/dev-b.crt";  // a leaf, not the CA that signed the broker
  auto client = StartClient(options);
  ASSERT_TRUE(client.recorder->WaitDisconnected());
  EXPECT_NE(client.recorder->last_reason().find("TLS handshake failed"), std::string::npos)
      << client.recorder->last_reason();
  EXPECT_FALSE(client.client->connected());
}

TEST(MqttClient, ReconnectsAfterTheBrokerDropsTheConnection) {
  REQUIRE_BROKER();
  const std::string id = UniqueId("takeover");
  auto first = StartClient(Options("dev-a", id));
  ASSERT_TRUE(first.recorder->WaitConnected());
  // A second connection with the same client id makes the broker drop the first
  // (session taken over, 0x8E); the first must report it and come back by itself.
  ClientOptions second_options = Options("dev-a", id);
  second_options.reconnect_min = 5'000ms;  // let the first one win the next round
  second_options.reconnect_max = 5'000ms;
  auto second = StartClient(second_options);
  ASSERT_TRUE(first.recorder->WaitDisconnected());
  ASSERT_TRUE(first.recorder->WaitConnected(2)) << first.recorder->last_reason();
  second.client->Stop();
  EXPECT_TRUE(first.recorder->WaitFor([&] { return first.client->connected(); }));
}

TEST(MqttClient, ManyClientsShareOneIoLoop) {
  REQUIRE_BROKER();
  constexpr int kClients = 50;
  IoLoop loop;
  auto relay = StartClient(Options("ccc-relay", UniqueId("relay-loop")),
                           {{"$share/it-loop/ccc/v1/dev/+/up/#", 1}});
  ASSERT_TRUE(relay.recorder->WaitConnected());
  Recorder recorder;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(MakeClient(Options("dev-a", UniqueId("loop-" + std::to_string(i))), loop));
    clients.back()->Start({}, recorder.OnMessage(), recorder.OnConnection());
  }
  ASSERT_TRUE(recorder.WaitConnected(kClients));
  std::atomic<int> ok{0};
  for (auto& c : clients) {
    c->Publish("ccc/v1/dev/dev-a/up/telemetry", "x", 1, false, [&](Status s) {
      if (s.ok()) ok++;
      recorder.Notify();
    });
  }
  EXPECT_TRUE(recorder.WaitFor([&] { return ok.load() == kClients; }));
  EXPECT_TRUE(relay.recorder->WaitMessages(kClients));
  clients.clear();
}

}  // namespace
}  // namespace ccc::relay::mqtt
