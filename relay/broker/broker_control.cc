#include "relay/broker/broker_control.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "common/protocol/topic.h"
#include "relay/broker/broker_commands.h"
#include "relay/mqtt/mqtt_client.h"

namespace ccc::relay::broker {
namespace {

using config::ConfigError;

constexpr uint32_t kCrlFileMode = 0644;

std::string RandomHex(size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string out;
  for (size_t i = 0; i < bytes; ++i) {
    const unsigned v = rd() & 0xffu;
    out += kHex[v >> 4];
    out += kHex[v & 0xf];
  }
  return out;
}

// Keeps the first failure of a sequence of steps, so one failed step does not stop the
// others (a failed reload must not prevent the kick, and vice versa).
class FirstError {
 public:
  void Add(Status s) {
    if (!s.ok() && status_.ok()) status_ = std::move(s);
  }
  Status Take() { return std::move(status_); }

 private:
  Status status_;
};

// One request/response exchange with Mosquitto's dynamic-security plugin over a fresh MQTT
// connection. Evictions are rare (an unpair), so a short-lived connection is simpler and
// more robust than keeping one open; its client id is unique so it takes over nobody.
Status RunDynsec(const BrokerConfig& config, std::string_view device_id) {
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    bool connected = false;
    std::string last_failure;
    std::optional<Status> answer;
  };
  auto shared = std::make_shared<Shared>();
  const std::string tag = "ccc-" + RandomHex(8);

  mqtt::ClientOptions options;
  options.host = config.dynsec_host;
  options.port = static_cast<uint16_t>(config.dynsec_port);
  options.client_id = config.dynsec_client_id + "-" + RandomHex(4);
  options.ca_file = config.dynsec_ca_file;
  options.cert_file = config.dynsec_cert_file;
  options.key_file = config.dynsec_key_file;
  options.clean_start = true;
  options.session_expiry_s = 0;
  options.keep_alive_s = 30;
  options.connect_timeout = config.timeout;
  options.reconnect_min = std::chrono::milliseconds(200);
  options.reconnect_max = std::chrono::milliseconds(1000);

  std::unique_ptr<mqtt::Client> client;
  try {
    client = mqtt::MakeClient(options);
  } catch (const std::exception& e) {
    return Internal(std::string("dynsec control client: ") + e.what());
  }
  client->Start(
      {{std::string(kDynsecResponseTopic), 1}},
      [shared, tag](mqtt::Message m) {
        Status s = CheckDynsecResponse(m.payload, tag);
        if (s.code() == StatusCode::kNotFound) return;  // another controller's answer
        std::lock_guard lock(shared->mu);
        if (!shared->answer) shared->answer = std::move(s);
        shared->cv.notify_all();
      },
      [shared](bool connected, const std::string& reason) {
        std::lock_guard lock(shared->mu);
        shared->connected = connected;
        if (!connected) shared->last_failure = reason;
        shared->cv.notify_all();
      });

  const auto deadline = std::chrono::steady_clock::now() + config.timeout;
  {
    std::unique_lock lock(shared->mu);
    if (!shared->cv.wait_until(lock, deadline, [&] { return shared->connected; })) {
      std::string why = shared->last_failure;
      lock.unlock();
      client->Stop();
      return Unavailable("cannot reach the broker's dynamic-security control at " +
                         config.dynsec_host + ":" + std::to_string(config.dynsec_port) +
                         (why.empty() ? "" : ": " + why));
    }
  }
  client->Publish(
      std::string(kDynsecTopic), DynsecEvictMessage(device_id, tag), 1, false, [shared](Status s) {
        if (s.ok()) return;
        std::lock_guard lock(shared->mu);
        if (!shared->answer) {
          shared->answer = Status(s.code(), "dynsec command not accepted: " + s.message());
        }
        shared->cv.notify_all();
      });
  Status result;
  {
    std::unique_lock lock(shared->mu);
    if (shared->cv.wait_until(lock, deadline, [&] { return shared->answer.has_value(); })) {
      result = *shared->answer;
    } else {
      result = Unavailable(
          "no answer from the broker's dynamic-security plugin (is mosquitto_dynamic_security.so "
          "loaded and may this certificate use $CONTROL/dynamic-security/#?)");
    }
  }
  client->Stop();
  return result;
}

class BrokerControlImpl : public BrokerControl {
 public:
  explicit BrokerControlImpl(BrokerConfig config) : config_(std::move(config)) {
    if (!config_.reload_command.empty()) {
      reload_argv_ = Parse(config_.reload_command, {"crl_file"}, {}, "reload_command");
    }
    if (config_.evict == "command") {
      evict_argv_ = Parse(config_.evict_command, {"device"}, {"device"}, "evict_command");
      if (!config_.admit_command.empty()) {
        admit_argv_ = Parse(config_.admit_command, {"device"}, {"device"}, "admit_command");
      }
    } else if (config_.evict != "none" && config_.evict != "dynsec") {
      throw std::runtime_error("broker.evict: unknown mechanism '" + config_.evict + "'");
    }
    if (config_.evict == "none") {
      spdlog::warn(
          "broker: evict = \"none\": an unpaired device that is connected stays connected "
          "until it reconnects{}",
          config_.crl_file.empty() ? ", and no CRL is written" : "");
    }
  }

  Status AdmitDevice(const std::string& device_id) override {
    if (!protocol::IsValidDeviceId(device_id)) return InvalidDevice(device_id);
    std::lock_guard lock(mu_);
    // A new certificate has a new serial, which the CRL does not list; dynsec keeps no
    // per-device state between evictions. Only other brokers may need a command.
    if (admit_argv_.empty()) return Status::Ok();
    Status s = RunDeviceCommand(admit_argv_, device_id);
    if (s.ok()) spdlog::info("broker: admitted device {}", device_id);
    return s;
  }

  Status EvictDevice(const std::string& device_id, const std::string& crl_pem) override {
    if (!protocol::IsValidDeviceId(device_id)) return InvalidDevice(device_id);
    if (!config_.crl_file.empty()) {
      if (Status s = ValidateCrlPem(crl_pem); !s.ok()) return s;
    }
    std::lock_guard lock(mu_);
    FirstError errors;
    // Order matters: the broker must refuse the certificate before the kick, or the
    // agent's immediate reconnect would get in again.
    errors.Add(WriteAndReload(crl_pem));
    errors.Add(Kick(device_id));
    Status s = errors.Take();
    if (s.ok()) {
      spdlog::info("broker: evicted device {} (mechanism {})", device_id, config_.evict);
    } else {
      spdlog::error("broker: evicting device {} failed: {}", device_id, s.ToString());
    }
    return s;
  }

  Status InstallCrl(const std::string& crl_pem) override {
    if (config_.crl_file.empty()) return Status::Ok();
    if (Status s = ValidateCrlPem(crl_pem); !s.ok()) return s;
    std::lock_guard lock(mu_);
    return WriteAndReload(crl_pem);
  }

 private:
  static std::vector<std::string> Parse(const std::string& text,
                                        const std::vector<std::string>& allowed,
                                        const std::vector<std::string>& required,
                                        const std::string& key) {
    auto argv = ParseCommandTemplate(text, allowed, required);
    if (!argv.ok()) throw std::runtime_error("broker." + key + ": " + argv.status().message());
    return std::move(argv).value();
  }

  static Status InvalidDevice(const std::string& device_id) {
    return InvalidArgument("not a valid device id: '" + device_id.substr(0, 64) + "'");
  }

  Status WriteAndReload(const std::string& crl_pem) {
    if (config_.crl_file.empty()) return Status::Ok();
    if (Status s = WriteFileAtomically(config_.crl_file, crl_pem, kCrlFileMode); !s.ok()) {
      return s;
    }
    if (!reload_argv_.empty()) {
      return RunCommand(ExpandCommand(reload_argv_, "crl_file", config_.crl_file), config_.timeout);
    }
    if (!config_.reload_pid_file.empty()) return SignalPidFile(config_.reload_pid_file);
    return Status::Ok();  // reloaded by someone else (e.g. a systemd path unit)
  }

  Status Kick(const std::string& device_id) {
    if (config_.evict == "dynsec") return RunDynsec(config_, device_id);
    if (config_.evict == "command") return RunDeviceCommand(evict_argv_, device_id);
    return Status::Ok();
  }

  Status RunDeviceCommand(const std::vector<std::string>& argv_template,
                          const std::string& device_id) {
    // Device ids may start with '-'; as a whole word that would read as an option.
    if (device_id.front() == '-') {
      for (const auto& word : argv_template) {
        if (word.starts_with("{device}")) {
          return InvalidArgument("device id '" + device_id +
                                 "' starts with '-' and would be taken for an option by the "
                                 "command; put {device} inside a word (e.g. id={device})");
        }
      }
    }
    return RunCommand(ExpandCommand(argv_template, "device", device_id), config_.timeout);
  }

  const BrokerConfig config_;
  std::vector<std::string> reload_argv_, evict_argv_, admit_argv_;
  std::mutex mu_;
};

std::string OptionalPath(config::ConfigReader& r, std::string_view key) {
  return r.Has(key) ? r.Path(key) : std::string();
}

std::string Describe(config::ConfigReader& r, std::string_view key, const std::string& value,
                     const std::string& expected) {
  return r.source() + ": key '" + std::string(key) + "' has value '" + value + "', " + expected;
}

}  // namespace

BrokerConfig LoadBrokerConfig(config::ConfigReader& r) {
  BrokerConfig c;
  c.crl_file = OptionalPath(r, "broker.crl_file");
  c.reload_command = r.String("broker.reload_command", "");
  c.reload_pid_file = OptionalPath(r, "broker.reload_pid_file");
  c.evict = r.OneOf("broker.evict", {"none", "dynsec", "command"}, "none");
  c.evict_command = r.String("broker.evict_command", "");
  c.admit_command = r.String("broker.admit_command", "");
  c.dynsec_host = r.String("broker.dynsec_host", c.dynsec_host);
  c.dynsec_port = static_cast<int>(r.Int("broker.dynsec_port", 1, 65535, c.dynsec_port));
  c.dynsec_ca_file = OptionalPath(r, "broker.dynsec_ca_file");
  c.dynsec_cert_file = OptionalPath(r, "broker.dynsec_cert_file");
  c.dynsec_key_file = OptionalPath(r, "broker.dynsec_key_file");
  c.dynsec_client_id = r.String("broker.dynsec_client_id", c.dynsec_client_id);
  c.timeout = r.Duration("broker.timeout", std::chrono::milliseconds(100), std::chrono::minutes(5),
                         c.timeout);

  if (!c.reload_command.empty() && !c.reload_pid_file.empty()) {
    throw ConfigError(r.source() +
                      ": keys 'broker.reload_command' and 'broker.reload_pid_file' exclude "
                      "each other; set one");
  }
  if ((!c.reload_command.empty() || !c.reload_pid_file.empty()) && c.crl_file.empty()) {
    throw ConfigError(r.source() + ": a broker reload is configured but 'broker.crl_file' is not");
  }
  if (!c.reload_command.empty()) {
    auto argv = ParseCommandTemplate(c.reload_command, {"crl_file"}, {});
    if (!argv.ok()) {
      throw ConfigError(
          Describe(r, "broker.reload_command", c.reload_command, argv.status().message()));
    }
  }
  if (c.evict == "command") {
    auto argv = ParseCommandTemplate(c.evict_command, {"device"}, {"device"});
    if (!argv.ok()) {
      throw ConfigError(Describe(r, "broker.evict_command", c.evict_command,
                                 "expected a command with {device}: " + argv.status().message()));
    }
  } else if (!c.evict_command.empty()) {
    throw ConfigError(r.source() + ": key 'broker.evict_command' needs broker.evict = \"command\"");
  }
  if (!c.admit_command.empty()) {
    if (c.evict != "command") {
      throw ConfigError(r.source() +
                        ": key 'broker.admit_command' needs broker.evict = \"command\"");
    }
    auto argv = ParseCommandTemplate(c.admit_command, {"device"}, {"device"});
    if (!argv.ok()) {
      throw ConfigError(Describe(r, "broker.admit_command", c.admit_command,
                                 "expected a command with {device}: " + argv.status().message()));
    }
  }
  if (c.evict == "dynsec") {
    for (auto [key, value] : {std::pair{"broker.dynsec_ca_file", &c.dynsec_ca_file},
                              std::pair{"broker.dynsec_cert_file", &c.dynsec_cert_file},
                              std::pair{"broker.dynsec_key_file", &c.dynsec_key_file}}) {
      if (value->empty()) {
        throw ConfigError(r.source() + ": missing required key '" + key +
                          "' (broker.evict = \"dynsec\")");
      }
    }
    if (c.dynsec_client_id.empty() || c.dynsec_client_id.size() > 100) {
      throw ConfigError(Describe(r, "broker.dynsec_client_id", c.dynsec_client_id,
                                 "expected 1 to 100 characters"));
    }
    if (c.crl_file.empty()) {
      // Dynsec kicks, but with certificate identities it cannot refuse the reconnect.
      throw ConfigError(r.source() +
                        ": broker.evict = \"dynsec\" needs 'broker.crl_file' "
                        "(the CRL is what refuses the certificate afterwards)");
    }
  }
  return c;
}

std::unique_ptr<BrokerControl> MakeBrokerControl(const BrokerConfig& config) {
  return std::make_unique<BrokerControlImpl>(config);
}

}  // namespace ccc::relay::broker
