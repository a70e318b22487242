#include "relay/admin/system_commands.h"

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <map>
#include <ostream>

#include "relay/admin/admin_cli.h"

namespace ccc::relay::admin {
namespace {

constexpr int64_t kPageSize = 1000;

directory::Actor Operator() { return directory::Actor{std::nullopt, std::nullopt, "operator", ""}; }

std::string IsoUtc(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

struct Listed {
  directory::System system;
  std::string company;
};

// Every system, found through the users of every company: each system has an owner in its
// company, and the owner always reaches it.
Status CollectSystems(directory::Directory& directory, std::map<std::string, Listed>* systems) {
  auto companies = directory.ListCompanies();
  if (!companies.ok()) return companies.status();
  for (const directory::Company& company : *companies) {
    for (int64_t user_offset = 0;; user_offset += kPageSize) {
      directory::ListQuery users_query;
      users_query.limit = kPageSize;
      users_query.offset = user_offset;
      auto users = directory.ListUsers(company.id, users_query);
      if (!users.ok()) return users.status();
      for (const directory::User& user : users->items) {
        for (int64_t offset = 0;; offset += kPageSize) {
          directory::ListQuery query;
          query.sort = "serial";
          query.limit = kPageSize;
          query.offset = offset;
          auto page = directory.ListVisibleSystems(user.id, company.id, query);
          if (!page.ok()) return page.status();
          for (directory::System& system : page->items) {
            std::string serial = system.serial;  // the key must not come from the moved value
            systems->try_emplace(std::move(serial), Listed{std::move(system), company.name});
          }
          if (static_cast<int64_t>(page->items.size()) < kPageSize) break;
        }
      }
      if (static_cast<int64_t>(users->items.size()) < kPageSize) break;
    }
  }
  return Status::Ok();
}

}  // namespace

std::optional<int64_t> MaintenanceEndMs(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  auto number = [&](size_t from, size_t count) -> std::optional<int> {
    int value = 0;
    for (size_t i = from; i < from + count; ++i) {
      if (date[i] < '0' || date[i] > '9') return std::nullopt;
      value = value * 10 + (date[i] - '0');
    }
    return value;
  };
  const auto year = number(0, 4);
  const auto month = number(5, 2);
  const auto day = number(8, 2);
  if (!year || !month || !day || *year < 1970) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*year),
                                        std::chrono::month(static_cast<unsigned>(*month)),
                                        std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok()) return std::nullopt;
  const std::chrono::sys_days next_day = std::chrono::sys_days(ymd) + std::chrono::days(1);
  return std::chrono::duration_cast<std::chrono::milliseconds>(next_day.time_since_epoch()).count();
}

int SystemMaintenance(directory::Directory& directory, const std::string& serial,
                      const std::optional<std::string>& until_date, std::ostream& out,
                      std::ostream& err) {
  std::optional<int64_t> until_ms;
  if (until_date) {
    until_ms = MaintenanceEndMs(*until_date);
    if (!until_ms) {
      err << "--until must be a date as YYYY-MM-DD, got \"" << *until_date << "\"\n";
      return kExitUsage;
    }
  }
  auto system = directory.FindSystemBySerial(serial);
  if (!system.ok()) {
    err << "cannot look up system " << serial << ": " << system.status().ToString() << "\n";
    return kExitFailure;
  }
  if (!system->has_value()) {
    err << "no system has serial " << serial << "\n";
    return kExitFailure;
  }
  Status set = directory.SetMaintenanceUntil((*system)->id, until_ms, Operator());
  if (!set.ok()) {
    err << "cannot set maintenance of " << serial << ": " << set.ToString() << "\n";
    return kExitFailure;
  }
  if (until_ms) {
    out << serial << ": maintenance active through " << *until_date << " (until "
        << IsoUtc(*until_ms) << ")\n";
  } else {
    out << serial << ": maintenance off\n";
  }
  return kExitOk;
}

int FirmwareMinimum(directory::Directory& directory, const std::optional<std::string>& version,
                    std::ostream& out, std::ostream& err) {
  if (!version) {
    auto current = directory.MinimumFirmware();
    if (!current.ok()) {
      err << "cannot read the minimum firmware: " << current.status().ToString() << "\n";
      return kExitFailure;
    }
    out << (current->empty() ? "no minimum firmware" : "minimum firmware " + *current) << "\n";
    return kExitOk;
  }
  Status set = directory.SetMinimumFirmware(*version, Operator());
  if (set.code() == StatusCode::kInvalidArgument) {
    err << "firmware version must be dot-separated numbers such as 2.6.6, got \"" << *version
        << "\"\n";
    return kExitUsage;
  }
  if (!set.ok()) {
    err << "cannot set the minimum firmware: " << set.ToString() << "\n";
    return kExitFailure;
  }
  out << (version->empty() ? "minimum firmware cleared" : "minimum firmware " + *version) << "\n";
  return kExitOk;
}

int SystemList(directory::Directory& directory, bool json, std::ostream& out, std::ostream& err) {
  std::map<std::string, Listed> systems;
  if (Status collected = CollectSystems(directory, &systems); !collected.ok()) {
    err << "cannot list systems: " << collected.ToString() << "\n";
    return kExitFailure;
  }
  if (json) {
    boost::json::array items;
    for (const auto& [serial, listed] : systems) {
      const directory::System& s = listed.system;
      boost::json::object item{{"id", s.id},
                               {"serial", s.serial},
                               {"name", s.name},
                               {"company", listed.company},
                               {"owner", s.owner_email},
                               {"paired", s.paired},
                               {"maintenance_until", nullptr},
                               {"firmware", nullptr}};
      if (s.maintenance_until_ms) item["maintenance_until"] = IsoUtc(*s.maintenance_until_ms);
      if (!s.firmware.empty()) item["firmware"] = s.firmware;
      items.push_back(std::move(item));
    }
    out << boost::json::serialize(items) << "\n";
    return kExitOk;
  }
  for (const auto& [serial, listed] : systems) {
    const directory::System& s = listed.system;
    out << s.id << '\t' << s.serial << '\t' << s.name << '\t' << listed.company << '\t'
        << s.owner_email << '\t' << (s.paired ? "paired" : "unpaired") << '\t'
        << (s.maintenance_until_ms ? IsoUtc(*s.maintenance_until_ms) : "-") << '\t'
        << (s.firmware.empty() ? "-" : s.firmware) << '\n';
  }
  return kExitOk;
}

}  // namespace ccc::relay::admin
