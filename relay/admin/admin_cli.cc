#include "relay/admin/admin_cli.h"

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <ostream>

#include "common/config/config_reader.h"
#include "common/protocol/topic.h"
#include "relay/config/relay_config.h"

namespace ccc::relay::admin {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoTime(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int DeviceAdd(store::Store& store, const std::vector<std::string>& ids, int64_t now_ms,
              std::ostream& out, std::ostream& err) {
  bool valid = true;
  for (const auto& id : ids) {
    if (!protocol::IsValidDeviceId(id)) {
      err << "invalid device id '" << id
          << "': 1..64 characters of [A-Za-z0-9._-], not starting with '.'\n";
      valid = false;
    }
  }
  if (!valid) return kExitUsage;
  for (const auto& id : ids) {
    Status status = store.RegisterDevice(id, now_ms);
    if (!status.ok()) {
      err << "registering device '" << id << "' failed: " << status.ToString() << "\n";
      return kExitFailure;
    }
    out << "registered " << id << "\n";
  }
  return kExitOk;
}

int DeviceRemove(store::Store& store, const std::vector<std::string>& ids, std::ostream& out,
                 std::ostream& err) {
  int exit_code = kExitOk;
  for (const auto& id : ids) {
    Status status = store.RemoveDevice(id);
    if (status.code() == StatusCode::kNotFound) {
      err << "device '" << id << "' is not registered\n";
      exit_code = kExitFailure;
    } else if (!status.ok()) {
      err << "removing device '" << id << "' failed: " << status.ToString() << "\n";
      return kExitFailure;
    } else {
      out << "removed " << id << "\n";
    }
  }
  return exit_code;
}

int DeviceList(store::Store& store, bool json, std::ostream& out, std::ostream& err) {
  auto devices = store.ListDevices();
  if (!devices.ok()) {
    err << "listing devices failed: " << devices.status().ToString() << "\n";
    return kExitFailure;
  }
  if (json) {
    boost::json::array array;
    for (const auto& d : *devices) {
      boost::json::object o;
      o["id"] = d.id;
      o["online"] = d.online;
      o["registered_ms"] = d.registered_ms;
      if (d.last_seen_ms) {
        o["last_seen_ms"] = *d.last_seen_ms;
      } else {
        o["last_seen_ms"] = nullptr;
      }
      array.push_back(std::move(o));
    }
    out << boost::json::serialize(array) << "\n";
    return kExitOk;
  }
  for (const auto& d : *devices) {
    out << d.id << '\t' << (d.online ? "online" : "offline") << '\t'
        << (d.last_seen_ms ? IsoTime(*d.last_seen_ms) : std::string("-")) << '\t'
        << IsoTime(d.registered_ms) << "\n";
  }
  return kExitOk;
}

int RunDeviceCommand(const config::RelayConfig& config, const AdminCommand& command,
                     std::ostream& out, std::ostream& err) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    err << "cannot create data_dir " << config.data_dir << ": " << ec.message() << "\n";
    return kExitFailure;
  }
  // Each registration is its own transaction (Store has no bulk call); with synchronous=NORMAL
  // in WAL mode a commit does not wait for fsync, so adding 1,000 devices takes well under a
  // second. Power loss right after the command may forget the newest registrations, never
  // corrupt the database.
  store::SqliteOptions options{config.store_path, /*synchronous_full=*/false};
  auto store = store::OpenSqliteStore(options);
  if (!store.ok()) {
    err << "cannot open store " << config.store_path << ": " << store.status().ToString() << "\n";
    return kExitFailure;
  }
  if (command.verb == "add") return DeviceAdd(**store, command.ids, NowMs(), out, err);
  if (command.verb == "remove") return DeviceRemove(**store, command.ids, out, err);
  if (command.verb == "list") return DeviceList(**store, command.json, out, err);
  err << "unknown device command '" << command.verb << "'\n";
  return kExitUsage;
}

}  // namespace ccc::relay::admin
