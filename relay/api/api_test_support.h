#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relay/api/api_context.h"
#include "relay/auth/login_gate.h"
#include "relay/auth/password_hasher.h"
#include "relay/directory/directory.h"
#include "relay/http/router.h"
#include "relay/policy/roles.h"
#include "relay/store/store.h"

// Test fixture pieces for API handler tests: a real Directory (and the ingest store's
// relay.db it attaches) in a temporary folder, a real
// Router, ApiServices with fake clocks, and helpers that build and dispatch requests the
// way the HTTP server would. For tests only.
namespace ccc::relay::api::testing {

// A logged-in browser: the session cookie's token and the CSRF token.
struct BrowserSession {
  std::string token;
  std::string csrf;
};

struct CallOptions {
  // Sends the cookie and, unless csrf is set, the session's CSRF header.
  std::optional<BrowserSession> session = std::nullopt;
  std::optional<std::string> csrf = std::nullopt;    // overrides the CSRF header ("" sends none)
  std::optional<std::string> bearer = std::nullopt;  // Authorization: Bearer <token>
  std::string content_type = "application/json";
  std::string address = "192.0.2.10";
};

class ApiTestEnv {
 public:
  ApiTestEnv();
  ~ApiTestEnv();

  directory::Directory& directory() { return *directory_; }
  http::Router& router() { return router_; }
  ApiServices& services() { return services_; }

  // Fake clocks: unix ms for services.now_ms, and the login gate's steady clock.
  int64_t now_ms = 1'800'000'000'000;
  void Advance(std::chrono::milliseconds by);

  int64_t CreateCompany(const std::string& name);
  // password empty: an SSO-only user without a password hash.
  int64_t CreateUser(int64_t company_id, const std::string& email, const std::string& password,
                     bool company_admin = false);

  // Dispatches method + target ("/path?query") with a JSON body.
  http::Response Call(http::Method method, const std::string& target, const std::string& body = "",
                      const CallOptions& options = {});
  // Logs in through POST /api/v1/session; fails the test unless it answers 200.
  BrowserSession Login(const std::string& email, const std::string& password);

  // A user "<local>@example.com" of company, without a password, holding an API token that
  // CallAs sends for them.
  int64_t CreateUserWithToken(int64_t company_id, const std::string& local);
  // A new API token of user (Bearer, no CSRF); returns the secret.
  std::string CreateApiToken(int64_t user_id);
  // A browser session stored directly, without the login route.
  BrowserSession CreateSession(int64_t user_id);
  // A system of company owned by owner, named "PBX <serial>", with a pairing code valid
  // for a day.
  int64_t CreateSystem(int64_t company_id, int64_t owner_user_id, const std::string& serial);
  // Grants roles on system to user, recorded as granted by `by`; the authorisation id.
  int64_t Grant(int64_t user_id, int64_t system_id, policy::RoleSet roles, int64_t by);

  // Call with the API token of a CreateUserWithToken user; user nullopt: anonymous.
  http::Response CallAs(std::optional<int64_t> user, http::Method method, const std::string& target,
                        const std::string& body = "");

  const auth::PasswordHasher& hasher() const { return hasher_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<directory::Directory> directory_;
  auth::PasswordHasher hasher_;
  std::chrono::steady_clock::time_point gate_now_{std::chrono::hours(1000)};
  std::unique_ptr<auth::LoginGate> gate_;
  ApiServices services_;
  http::Router router_;
  std::map<int64_t, std::string> tokens_;  // API token of each CreateUserWithToken user
};

// The password tests give the users they log in with.
inline constexpr char kTestPassword[] = "correct horse battery";

// Throttle limits the fixture's gate uses: small, so tests reach them quickly.
inline constexpr int kTestAccountFailures = 3;
inline constexpr int kTestAddressFailures = 5;

// The value of an OK result; throws (failing the test) otherwise. For fixture set-up.
template <typename T>
T Must(Result<T> result) {
  if (!result.ok()) throw std::runtime_error(result.status().ToString());
  return std::move(result).value();
}
void Must(const Status& status);

// The operator (admin CLI): no user, no company.
directory::Actor OperatorActor();
// An actor for direct directory calls in tests.
directory::Actor ActorFor(std::optional<int64_t> user, std::optional<int64_t> company,
                          const std::string& label);
// The first `limit` items of a directory list.
directory::ListQuery FirstItems(int64_t limit);

// Checks the status and, when `code` is not empty and the status matches, the error code.
void ExpectAnswer(const http::Response& response, int status, std::string_view code = "");

boost::json::value Body(const http::Response& response);
// The string `field` of every item of a list answer {"items":[...],"total":N}, in order.
std::vector<std::string> ItemStrings(const http::Response& response, std::string_view field);
std::string ErrorCode(const http::Response& response);
// The value of the first header with this name (case-insensitive), "" when absent.
std::string HeaderValue(const http::Response& response, std::string_view name);
// The token of a "ccc_session=<token>; ..." Set-Cookie value, "" when absent.
std::string CookieToken(const http::Response& response);

}  // namespace ccc::relay::api::testing
