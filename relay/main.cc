#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "common/config/config_reader.h"
#include "common/logging/logging.h"
#include "common/protocol/topic.h"
#include "relay/admin/admin_cli.h"
#include "relay/config/relay_config.h"
#include "relay/http/health_handlers.h"
#include "relay/http/http_server.h"
#include "relay/http/router.h"
#include "relay/http/status_page.h"
#include "relay/ingest/ingest_pipeline.h"
#include "relay/metrics/metrics.h"
#include "relay/mqtt/mqtt_client.h"
#include "relay/store/store.h"

namespace ccc::relay {
namespace {

constexpr auto kRetentionInterval = std::chrono::minutes(10);

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Runs Store::ApplyRetention every kRetentionInterval on its own thread.
class RetentionTimer {
 public:
  RetentionTimer(store::Store& store, store::RetentionPolicy policy)
      : store_(store), policy_(policy), thread_([this] { Run(); }) {}
  ~RetentionTimer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    std::unique_lock lock(mutex_);
    while (!cv_.wait_for(lock, kRetentionInterval, [&] { return stopping_; })) {
      lock.unlock();
      auto removed = store_.ApplyRetention(policy_, NowMs());
      if (removed.ok()) {
        spdlog::info("retention removed {} rows", *removed);
      } else {
        spdlog::error("retention failed: {}", removed.status().ToString());
      }
      lock.lock();
    }
  }

  store::Store& store_;
  const store::RetentionPolicy policy_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the other members exist
};

int Run(const std::string& config_path) {
  config::RelayConfig config;
  try {
    config = config::LoadRelayConfigFile(config_path);
  } catch (const ccc::config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return admin::kExitUsage;
  }
  logging::Init("ccc-relay", config.log_level);

  // Every thread started from here on inherits the mask; the main thread collects the
  // signals with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    spdlog::error("cannot create data_dir {}: {}", config.data_dir, ec.message());
    return admin::kExitFailure;
  }
  auto store = store::OpenSqliteStore({config.store_path, config.store_sync_full});
  if (!store.ok()) {
    spdlog::error("cannot open store {}: {}", config.store_path, store.status().ToString());
    return admin::kExitFailure;
  }

  metrics::RelayMetrics metrics;
  std::unique_ptr<mqtt::Client> client = mqtt::MakeClient(config.mqtt);

  ingest::IngestOptions ingest_options;
  ingest_options.max_batch_messages = config.ingest_max_batch_messages;
  ingest_options.max_batch_delay = config.ingest_max_batch_delay;
  ingest_options.limits = config.codec_limits;
  ingest_options.queue_capacity = config.mqtt.receive_maximum;
  ingest::IngestPipeline pipeline(ingest_options, **store, *client, metrics);

  http::Router router;
  http::AddHealthRoutes(
      router, {store->get(), [&client] { return client->connected(); }, &metrics.registry});
  http::AddStatusPage(router, store->get(), CCC_VERSION);
  http::HttpServer http_server({config.http_listen, config.http_port}, router);
  if (Status status = http_server.Start(); !status.ok()) {
    spdlog::error("{}", status.ToString());
    return admin::kExitFailure;
  }

  pipeline.Start();
  std::atomic<bool> ready{false};
  client->Start({{protocol::RelayUpSubscription(config.mqtt_shared_subscription), 1},
                 {protocol::RelayPresenceSubscription(), 1}},
                pipeline.Handler(), [&metrics, &ready](bool connected, const std::string& reason) {
                  metrics.mqtt_connected.Set(connected ? 1 : 0);
                  if (connected) {
                    spdlog::info("mqtt connected");
                    if (!ready.exchange(true)) spdlog::info("ready");
                  } else {
                    spdlog::warn("mqtt disconnected: {}", reason);
                  }
                });
  spdlog::info("ccc-relay started: mqtt {}:{} as {}, store {}", config.mqtt.host, config.mqtt.port,
               config.mqtt.client_id, config.store_path);

  {
    RetentionTimer retention(**store, config.retention);
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("received {}, shutting down", strsignal(signal_number));
  }
  // Stop receiving first, then store what was received; unacknowledged messages are
  // redelivered to the next session.
  client->Stop();
  pipeline.Stop();
  http_server.Stop();
  spdlog::info("stopped");
  return admin::kExitOk;
}

}  // namespace
}  // namespace ccc::relay

int main(int argc, char** argv) {
  CLI::App app{"ccc-relay: ingests PBX agent data from MQTT and serves it over HTTP"};
  app.set_version_flag("--version", std::string("ccc-relay ") + CCC_VERSION);
  app.require_subcommand(1);

  std::string run_config;
  auto* run = app.add_subcommand("run", "Run the relay");
  run->add_option("--config", run_config, "Relay configuration file (TOML)")->required();

  ccc::relay::admin::AdminCommand admin_command;
  auto* admin = app.add_subcommand("admin", "Administer the relay's database");
  admin->add_option("--config", admin_command.config_path, "Relay configuration file (TOML)")
      ->required();
  admin->require_subcommand(1);
  auto* device = admin->add_subcommand("device", "Registered devices (agents)");
  device->require_subcommand(1);
  auto* add = device->add_subcommand("add", "Register devices (one transaction each)");
  add->add_option("ids", admin_command.ids, "Device ids (certificate CNs)")->required();
  auto* remove = device->add_subcommand("remove", "Unregister devices");
  remove->add_option("ids", admin_command.ids, "Device ids")->required();
  auto* list = device->add_subcommand("list", "List registered devices");
  list->add_flag("--json", admin_command.json, "Print a JSON array");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : ccc::relay::admin::kExitUsage;
  }

  if (*run) return ccc::relay::Run(run_config);
  if (*add) admin_command.verb = "add";
  if (*remove) admin_command.verb = "remove";
  if (*list) admin_command.verb = "list";
  return ccc::relay::admin::RunDeviceCommand(admin_command, std::cout, std::cerr);
}
