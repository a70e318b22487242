#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "common/config/config_reader.h"
#include "common/logging/logging.h"
#include "common/protocol/topic.h"
#include "relay/admin/admin_cli.h"
#include "relay/admin/call_retention.h"
#include "relay/api/api_context.h"
#include "relay/api/api_routes.h"
#include "relay/app/admin_runner.h"
#include "relay/app/relay_settings.h"
#include "relay/auth/login_gate.h"
#include "relay/auth/password_hasher.h"
#include "relay/broker/broker_control.h"
#include "relay/config/relay_config.h"
#include "relay/directory/directory.h"
#include "relay/events/event_hub.h"
#include "relay/http/health_handlers.h"
#include "relay/http/http_server.h"
#include "relay/http/router.h"
#include "relay/http/static_site.h"
#include "relay/http/status_page.h"
#include "relay/ingest/ingest_pipeline.h"
#include "relay/metrics/metrics.h"
#include "relay/mqtt/mqtt_client.h"
#include "relay/oidc/oidc_client.h"
#include "relay/pairing/pairing_service.h"
#include "relay/store/store.h"

namespace ccc::relay {
namespace {

constexpr auto kRetentionInterval = std::chrono::minutes(10);
// The broker refuses every device once its CRL passes nextUpdate, so the relay re-issues
// and re-installs it daily (the pairing service's Start() is idempotent and does that).
constexpr auto kCrlRefreshInterval = std::chrono::hours(24);

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Runs `task` every `interval` on its own thread until destroyed.
class PeriodicTask {
 public:
  PeriodicTask(std::chrono::milliseconds interval, std::function<void()> task)
      : interval_(interval), task_(std::move(task)), thread_([this] { Run(); }) {}
  ~PeriodicTask() {
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
    while (!cv_.wait_for(lock, interval_, [&] { return stopping_; })) {
      lock.unlock();
      task_();
      lock.lock();
    }
  }

  const std::chrono::milliseconds interval_;
  const std::function<void()> task_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the other members exist
};

int Run(const std::string& config_path) {
  app::RelaySettings settings;
  try {
    settings = app::LoadRelaySettingsFile(config_path);
  } catch (const ccc::config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return admin::kExitUsage;
  }
  const config::RelayConfig& config = settings.core;
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

  auto directory = directory::Directory::Open(
      {config.directory_path, config.store_path, config.store_sync_full});
  if (!directory.ok()) {
    spdlog::error("cannot open directory {}: {}", config.directory_path,
                  directory.status().ToString());
    return admin::kExitFailure;
  }
  std::unique_ptr<broker::BrokerControl> broker_control =
      broker::MakeBrokerControl(settings.broker);
  auto pairing_service = pairing::PairingService::Open(settings.pairing, directory->get(),
                                                       store->get(), broker_control.get());
  if (!pairing_service.ok()) {
    spdlog::error("cannot start pairing: {}", pairing_service.status().ToString());
    return admin::kExitFailure;
  }
  if (Status status = (*pairing_service)->Start(NowMs(), /*prune_unpaired_devices=*/false);
      !status.ok()) {
    // The relay still serves; the next daily refresh repeats it.
    spdlog::error("pairing start-up (CRL, allow-list) incomplete: {}", status.ToString());
  }
  std::unique_ptr<oidc::OidcClient> oidc_client;
  if (settings.oidc.enabled) oidc_client = oidc::NewOidcClient(settings.oidc);

  auth::PasswordHasher hasher;
  auth::LoginGate login_gate;
  api::ApiServices services;
  services.directory = directory->get();
  services.store = store->get();
  services.hasher = &hasher;
  services.login_gate = &login_gate;
  services.pairing = pairing_service->get();
  services.sessions = settings.sessions;
  services.server_version = CCC_VERSION;
  services.now_ms = NowMs;
  // Live updates for portals (/api/v1/events). It polls the databases, so it also sees what
  // other relays and the admin CLI change. Set before the routes copy the services.
  events::EventHubOptions event_options;
  event_options.ingest_path = config.store_path;  // for "registrations" events
  events::EventHub event_hub(event_options, **directory);
  if (Status status = event_hub.Start(); !status.ok()) {
    spdlog::error("{}", status.ToString());
    return admin::kExitFailure;
  }
  services.events = &event_hub;

  metrics::RelayMetrics metrics;
  std::unique_ptr<mqtt::Client> client = mqtt::MakeClient(config.mqtt);

  ingest::IngestOptions ingest_options;
  ingest_options.max_batch_messages = config.ingest_max_batch_messages;
  ingest_options.max_batch_delay = config.ingest_max_batch_delay;
  ingest_options.limits = config.codec_limits;
  ingest_options.queue_capacity = config.mqtt.receive_maximum;
  ingest::IngestPipeline pipeline(ingest_options, **store, *client, metrics);

  std::optional<http::StaticSite> portal;
  const std::string web_root = http::ResolveWebRoot(
      config.http_web_root, std::filesystem::read_symlink("/proc/self/exe", ec));
  if (web_root.empty()) {
    spdlog::info("no portal build found; set [http] web_root to serve one (status page at /)");
  } else {
    auto site = http::StaticSite::Load(web_root);
    if (!site.ok()) {
      spdlog::error("{}", site.status().ToString());
      return admin::kExitFailure;
    }
    portal.emplace(std::move(site).value());
    spdlog::info("portal served from {} ({} files)", portal->root(), portal->file_count());
  }

  http::Router router;
  http::AddHealthRoutes(
      router, {store->get(), [&client] { return client->connected(); }, &metrics.registry});
  http::AddStatusPage(router, store->get(), CCC_VERSION, portal ? "/status" : "/");
  if (portal) http::ServePortal(router, *portal);
  api::AddApiRoutes(router, services, oidc_client.get());
  http::HttpServerOptions http_options;
  http_options.listen = config.http_listen;
  http_options.port = config.http_port;
  http_options.threads = config.http_threads;
  http_options.trusted_proxies = config.http_trusted_proxies;
  http::HttpServer http_server(http_options, router);
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
    PeriodicTask retention(kRetentionInterval, [&store, &config] {
      auto removed = (*store)->ApplyRetention(config.retention, NowMs());
      if (removed.ok()) {
        spdlog::info("retention removed {} rows", *removed);
      } else {
        spdlog::error("retention failed: {}", removed.status().ToString());
      }
    });
    // Call data per company (issue 5), on the cadence of the monitoring retention.
    PeriodicTask call_retention(kRetentionInterval, [&directory, &store] {
      auto outcome = admin::ApplyCallRetention(**directory, **store, NowMs());
      if (outcome.ok()) {
        if (outcome->calls_removed > 0) {
          spdlog::info("call retention removed {} calls of {} devices", outcome->calls_removed,
                       outcome->devices);
        }
      } else {
        spdlog::error("call retention failed: {}", outcome.status().ToString());
      }
    });
    PeriodicTask crl_refresh(kCrlRefreshInterval, [&pairing_service] {
      if (Status status = (*pairing_service)->Start(NowMs(), false); !status.ok()) {
        spdlog::error("CRL refresh failed: {}", status.ToString());
      }
    });
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("received {}, shutting down", strsignal(signal_number));
  }
  // Stop receiving first, then store what was received; unacknowledged messages are
  // redelivered to the next session.
  client->Stop();
  pipeline.Stop();
  http_server.Stop();
  event_hub.Stop();
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

  ccc::relay::app::AdminCli admin_cli;
  ccc::relay::app::AddAdminCommands(app, admin_cli);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : ccc::relay::admin::kExitUsage;
  }

  if (*run) return ccc::relay::Run(run_config);
  return ccc::relay::app::RunAdmin(admin_cli);
}
