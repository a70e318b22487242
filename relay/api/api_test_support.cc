#include "relay/api/api_test_support.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "relay/api/session_handlers.h"
#include "relay/auth/secret_tokens.h"
#include "relay/store/store.h"

namespace ccc::relay::api::testing {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

ApiTestEnv::ApiTestEnv() : hasher_(auth::PasswordHashParams::ForTests()) {
  std::string pattern = (std::filesystem::temp_directory_path() / "ccc-api-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  // The ingest store creates relay.db (with its devices table) before the directory
  // attaches it, as in the relay.
  store::SqliteOptions store_options;
  store_options.path = (dir_ / "relay.db").string();
  store_options.synchronous_full = false;
  auto store = store::OpenSqliteStore(store_options);
  if (!store.ok()) throw std::runtime_error("OpenSqliteStore: " + store.status().ToString());
  store_ = std::move(*store);

  directory::DirectoryOptions options;
  options.path = (dir_ / "directory.db").string();
  options.ingest_path = (dir_ / "relay.db").string();
  options.synchronous_full = false;
  options.reader_connections = 2;
  auto opened = directory::Directory::Open(options);
  if (!opened.ok()) throw std::runtime_error("Directory::Open: " + opened.status().ToString());
  directory_ = std::move(*opened);

  auth::LoginThrottleConfig throttle;
  throttle.max_failures_per_account = kTestAccountFailures;
  throttle.max_failures_per_address = kTestAddressFailures;
  throttle.base_lockout = std::chrono::seconds(60);
  gate_ = std::make_unique<auth::LoginGate>(throttle, 2, [this] { return gate_now_; });

  services_.directory = directory_.get();
  services_.store = store_.get();
  services_.hasher = &hasher_;
  services_.login_gate = gate_.get();
  services_.server_version = "9.8.7-test";
  services_.now_ms = [this] { return now_ms; };
  services_.sessions.absolute_lifetime = std::chrono::hours(24 * 7);
  services_.sessions.idle_timeout = std::chrono::hours(12);
}

ApiTestEnv::~ApiTestEnv() {
  directory_.reset();
  store_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void ApiTestEnv::Advance(std::chrono::milliseconds by) {
  now_ms += by.count();
  gate_now_ += by;
}

int64_t ApiTestEnv::CreateCompany(const std::string& name) {
  auto id = directory_->CreateCompany(name, now_ms, OperatorActor());
  if (!id.ok()) throw std::runtime_error("CreateCompany: " + id.status().ToString());
  return *id;
}

int64_t ApiTestEnv::CreateUser(int64_t company_id, const std::string& email,
                               const std::string& password, bool company_admin) {
  directory::NewUser user;
  user.company_id = company_id;
  user.email = email;
  user.name = "Name of " + email;
  user.company_admin = company_admin;
  if (!password.empty()) user.password_hash = hasher_.Hash(password).value();
  auto id = directory_->CreateUser(user, now_ms, OperatorActor());
  if (!id.ok()) throw std::runtime_error("CreateUser: " + id.status().ToString());
  return *id;
}

int64_t ApiTestEnv::CreateUserWithToken(int64_t company_id, const std::string& local) {
  const int64_t id = CreateUser(company_id, local + "@example.com", "");
  tokens_[id] = CreateApiToken(id);
  return id;
}

std::string ApiTestEnv::CreateApiToken(int64_t user_id) {
  const std::string token = auth::NewSecretToken();
  Must(directory_->CreateApiToken(user_id, "test", auth::TokenDigest(token), std::nullopt, now_ms,
                                  OperatorActor()));
  return token;
}

BrowserSession ApiTestEnv::CreateSession(int64_t user_id) {
  BrowserSession browser{auth::NewSecretToken(), auth::NewSecretToken()};
  directory::SessionRecord session;
  session.id_digest = auth::TokenDigest(browser.token);
  session.user_id = user_id;
  session.csrf_token = browser.csrf;
  session.created_ms = now_ms;
  session.last_used_ms = now_ms;
  session.expires_ms = now_ms + services_.sessions.absolute_lifetime.count();
  Must(directory_->CreateSession(session));
  return browser;
}

int64_t ApiTestEnv::CreateSystem(int64_t company_id, int64_t owner_user_id,
                                 const std::string& serial) {
  constexpr int64_t kDayMs = 24LL * 3600 * 1000;
  const directory::PairingCode code{
      .code = auth::NewConfirmationCode(), .created_ms = now_ms, .expires_ms = now_ms + kDayMs};
  return Must(directory_->CreateSystem(company_id, owner_user_id, "PBX " + serial, serial, code,
                                       now_ms, OperatorActor()));
}

int64_t ApiTestEnv::Grant(int64_t user_id, int64_t system_id, policy::RoleSet roles, int64_t by) {
  return Must(
      directory_->UpsertAuthorisation(user_id, system_id, roles, by, now_ms, OperatorActor()));
}

http::Response ApiTestEnv::CallAs(std::optional<int64_t> user, http::Method method,
                                  const std::string& target, const std::string& body) {
  CallOptions options;
  if (user) options.bearer = tokens_.at(*user);
  return Call(method, target, body, options);
}

http::Response ApiTestEnv::Call(http::Method method, const std::string& target,
                                const std::string& body, const CallOptions& options) {
  http::Request request;
  request.method = method;
  request.target = target;
  std::size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) request.query = target.substr(question + 1);
  request.body = body;
  request.remote_address = options.address;
  if (!body.empty()) request.headers.emplace_back("content-type", options.content_type);
  request.headers.emplace_back("user-agent", "api-test");
  if (options.session) {
    request.headers.emplace_back("cookie", "theme=dark; ccc_session=" + options.session->token);
  }
  std::string csrf = options.csrf ? *options.csrf : options.session ? options.session->csrf : "";
  if (!csrf.empty()) request.headers.emplace_back("x-csrf-token", csrf);
  if (options.bearer) request.headers.emplace_back("authorization", "Bearer " + *options.bearer);
  return router_.Dispatch(request);
}

BrowserSession ApiTestEnv::Login(const std::string& email, const std::string& password) {
  boost::json::object body{{"email", email}, {"password", password}};
  http::Response response =
      Call(http::Method::kPost, "/api/v1/session", boost::json::serialize(body));
  EXPECT_EQ(response.status, 200) << response.body;
  BrowserSession session;
  session.token = CookieToken(response);
  if (response.status == 200) {
    session.csrf = std::string(Body(response).at("csrf_token").as_string());
  }
  return session;
}

void Must(const Status& status) {
  if (!status.ok()) throw std::runtime_error(status.ToString());
}

directory::Actor OperatorActor() {
  return directory::Actor{std::nullopt, std::nullopt, "operator", ""};
}

directory::Actor ActorFor(std::optional<int64_t> user, std::optional<int64_t> company,
                          const std::string& label) {
  return directory::Actor{user, company, label, ""};
}

directory::ListQuery FirstItems(int64_t limit) {
  directory::ListQuery query;
  query.limit = limit;
  return query;
}

void ExpectAnswer(const http::Response& response, int status, std::string_view code) {
  EXPECT_EQ(response.status, status) << response.body;
  if (!code.empty() && response.status == status) {
    EXPECT_EQ(ErrorCode(response), code);
  }
}

boost::json::value Body(const http::Response& response) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(response.body, ec);
  if (ec) ADD_FAILURE() << "response body is not JSON: " << response.body;
  return value;
}

std::vector<std::string> ItemStrings(const http::Response& response, std::string_view field) {
  std::vector<std::string> values;
  boost::json::value body = Body(response);
  for (const auto& item : body.at("items").as_array()) {
    values.emplace_back(item.at(field).as_string());
  }
  return values;
}

std::string ErrorCode(const http::Response& response) {
  boost::json::value body = Body(response);
  if (!body.is_object() || !body.as_object().contains("error")) return "";
  return std::string(body.at("error").at("code").as_string());
}

std::string HeaderValue(const http::Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

std::string CookieToken(const http::Response& response) {
  std::string cookie = HeaderValue(response, "set-cookie");
  const std::string prefix = std::string(kSessionCookie) + "=";
  if (cookie.rfind(prefix, 0) != 0) return "";
  return cookie.substr(prefix.size(), cookie.find(';') - prefix.size());
}

}  // namespace ccc::relay::api::testing
