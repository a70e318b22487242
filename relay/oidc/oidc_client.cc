#include "relay/oidc/oidc_client.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>

#include "relay/auth/secret_tokens.h"
#include "relay/oidc/pkce.h"
#include "relay/oidc/url.h"

namespace ccc::relay::oidc {
namespace {

namespace json = boost::json;

bool Lists(const std::vector<std::string>& methods, std::string_view method) {
  return std::find(methods.begin(), methods.end(), method) != methods.end();
}

// "error" and "error_description" of an OAuth error reply (RFC 6749 section 5.2).
std::string OAuthErrorText(const std::string& body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) return "no OAuth error object";
  std::string text;
  for (std::string_view name : {"error", "error_description"}) {
    auto it = value.get_object().find(name);
    if (it != value.get_object().end() && it->value().is_string()) {
      if (!text.empty()) text += ": ";
      text += std::string(it->value().get_string()).substr(0, 200);
    }
  }
  return text.empty() ? "no OAuth error object" : text;
}

}  // namespace

OidcClient::OidcClient(OidcConfig config, std::unique_ptr<HttpFetcher> fetcher,
                       std::function<int64_t()> now_ms)
    : config_(std::move(config)),
      fetcher_(std::move(fetcher)),
      now_ms_(std::move(now_ms)),
      discovery_(*fetcher_, config_.issuer, now_ms_),
      jwks_(*fetcher_, now_ms_) {}

OidcResult<LoginRedirect> OidcClient::BeginLogin(std::string return_to) {
  auto provider = discovery_.Get();
  if (!provider.ok()) return provider.failure();
  PendingLogin login;
  login.nonce = auth::NewSecretToken();
  login.code_verifier = NewPkceVerifier();
  login.return_to = std::move(return_to);
  login.created_ms = now_ms_();
  LoginRedirect redirect;
  redirect.state = auth::NewSecretToken();
  redirect.url = AppendQuery(provider->authorization_endpoint,
                             {{"response_type", "code"},
                              {"client_id", config_.client_id},
                              {"redirect_uri", config_.redirect_uri},
                              {"scope", config_.scopes},
                              {"state", redirect.state},
                              {"nonce", login.nonce},
                              {"code_challenge", PkceChallengeS256(login.code_verifier)},
                              {"code_challenge_method", "S256"}});
  logins_.Put(redirect.state, std::move(login));
  return redirect;
}

OidcResult<std::string> OidcClient::ExchangeCode(const ProviderMetadata& provider,
                                                 const std::string& code,
                                                 const std::string& verifier) {
  FormPost post;
  post.url = provider.token_endpoint;
  post.fields = {{"grant_type", "authorization_code"},
                 {"code", code},
                 {"redirect_uri", config_.redirect_uri},
                 {"code_verifier", verifier}};
  const auto& methods = provider.token_auth_methods;
  if (config_.client_secret.empty()) {
    post.fields.emplace_back("client_id", config_.client_id);  // public client: PKCE only
  } else if (methods.empty() || Lists(methods, "client_secret_basic")) {
    // RFC 6749 section 2.3.1: both parts are form-encoded before Basic encoding.
    post.basic_user = PercentEncode(config_.client_id);
    post.basic_password = PercentEncode(config_.client_secret);
  } else if (Lists(methods, "client_secret_post")) {
    post.fields.emplace_back("client_id", config_.client_id);
    post.fields.emplace_back("client_secret", config_.client_secret);
  } else {
    return Fail(OidcError::kProviderUnavailable,
                "token endpoint supports neither client_secret_basic nor client_secret_post");
  }
  auto reply = fetcher_->PostForm(post);
  if (!reply.ok()) return Fail(OidcError::kProviderUnavailable, reply.status().ToString());
  if (reply->status >= 500) {
    return Fail(OidcError::kProviderUnavailable,
                "token endpoint answered HTTP " + std::to_string(reply->status));
  }
  if (reply->status != 200) {
    return Fail(OidcError::kTokenExchangeFailed, "token endpoint answered HTTP " +
                                                     std::to_string(reply->status) + " (" +
                                                     OAuthErrorText(reply->body) + ")");
  }
  boost::system::error_code ec;
  json::value value = json::parse(reply->body, ec);
  if (ec || !value.is_object()) {
    return Fail(OidcError::kTokenExchangeFailed, "token reply is not a JSON object");
  }
  auto it = value.get_object().find("id_token");
  if (it == value.get_object().end() || !it->value().is_string()) {
    return Fail(OidcError::kTokenExchangeFailed, "token reply has no id_token");
  }
  return std::string(it->value().get_string());
}

OidcResult<CompletedLogin> OidcClient::CompleteLogin(const Callback& callback) {
  const int64_t now = now_ms_();
  auto login = logins_.Take(callback.state, now);
  if (!login) return Fail(OidcError::kStateInvalid, "unknown, expired or used state");
  if (!callback.error.empty()) {
    std::string detail = callback.error.substr(0, 100);
    if (!callback.error_description.empty()) {
      detail += ": " + callback.error_description.substr(0, 200);
    }
    return Fail(OidcError::kProviderError, detail);
  }
  if (callback.code.empty()) return Fail(OidcError::kProviderError, "callback without code");
  auto provider = discovery_.Get();
  if (!provider.ok()) return provider.failure();
  auto id_token = ExchangeCode(*provider, callback.code, login->code_verifier);
  if (!id_token.ok()) return id_token.failure();
  IdTokenExpectations expect;
  expect.issuer = config_.issuer;
  expect.client_id = config_.client_id;
  expect.nonce = login->nonce;
  expect.now_s = now / 1000;
  const std::string jwks_uri = provider->jwks_uri;
  auto claims = VerifyIdToken(
      *id_token, [&](std::string_view kid) { return jwks_.Find(jwks_uri, kid); }, expect);
  if (!claims.ok()) return claims.failure();
  return CompletedLogin{std::move(claims).value(), std::move(login->return_to)};
}

std::unique_ptr<OidcClient> NewOidcClient(const OidcConfig& config) {
  CurlFetcherOptions options;
  options.ca_file = config.ca_file;
  return std::make_unique<OidcClient>(config, NewCurlFetcher(options), [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  });
}

}  // namespace ccc::relay::oidc
