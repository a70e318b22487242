#include "relay/api/handler_support.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>

#include "relay/policy/roles.h"

namespace ccc::relay::api {
namespace {

boost::json::object UserMe(int64_t id, std::string_view email, std::string_view name,
                           std::string_view language, int64_t company_id,
                           std::string_view company_name, bool company_admin) {
  boost::json::object company;
  company["id"] = company_id;
  company["name"] = company_name;
  boost::json::object user;
  user["id"] = id;
  user["email"] = email;
  user["name"] = name;
  user["language"] = language;
  user["company"] = std::move(company);
  user["company_admin"] = company_admin;
  return user;
}

}  // namespace

int64_t NowMs(const ApiServices& services) {
  if (services.now_ms) return services.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void AddNoStore(http::Response& response) {
  for (const auto& header : response.headers) {
    if (LowerAscii(header.first) == "cache-control") return;
  }
  response.headers.emplace_back("Cache-Control", "no-store");
}

http::Response NoContent() {
  http::Response response;
  response.status = 204;
  return response;
}

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

boost::json::object UserMeJson(const Caller& caller) {
  return UserMe(caller.user_id, caller.email, caller.name, caller.language, caller.company_id,
                caller.company_name, caller.company_admin);
}

boost::json::object UserMeJson(const directory::User& user) {
  return UserMe(user.id, user.email, user.name, user.language, user.company_id, user.company_name,
                user.company_admin);
}

boost::json::value OptionalTime(const std::optional<int64_t>& unix_ms) {
  if (!unix_ms) return nullptr;
  return boost::json::value(Rfc3339(*unix_ms));
}

const std::vector<std::string_view>& GrantableRoleNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (policy::Role role : policy::kAllRoles) {
      if (policy::IsGrantable(role)) out.push_back(policy::RoleWireName(role));
    }
    return out;
  }();
  return names;
}

void AppendAuditOrLog(const ApiServices& services, const directory::AuditEntry& entry) {
  Status status = services.directory->AppendAudit(entry);
  if (!status.ok()) {
    spdlog::error("api: audit entry {} not written: {}", entry.action, status.ToString());
  }
}

http::Handler BindWithCaller(const ApiServices& services, ServicesCallerHandler body) {
  return WithCaller(services, [services, body](const http::Request& request, const Caller& caller) {
    return body(services, request, caller);
  });
}

}  // namespace ccc::relay::api
