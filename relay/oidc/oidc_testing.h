#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "relay/oidc/http_fetcher.h"

// Test helpers for single sign-on (library relay_oidc_testing, linked only into tests):
// an RSA signing key that plays the provider's, and an HttpFetcher that answers from a
// table instead of the network (the seam between the relay and its provider).
namespace ccc::relay::oidc::testing {

// A fresh RSA key (OpenSSL) with its public half as JWK. Copies share the key.
class TestSigningKey {
 public:
  static TestSigningKey Generate(int bits = 2048);

  // {"kty":"RSA","use":"sig","alg":"RS256","kid":kid,"n":...,"e":...}
  std::string PublicJwk(const std::string& kid) const;
  // {"keys":[PublicJwk(kid)]}
  std::string Jwks(const std::string& kid) const;
  // header.payload.signature with an RS256 signature over the base64url of both JSON texts
  // as given (so tests can craft odd headers).
  std::string SignCompact(const std::string& header_json, const std::string& payload_json) const;

 private:
  struct Key;
  std::shared_ptr<Key> key_;
};

// Answers GETs and POSTs by exact URL. Unknown URLs answer kUnavailable. Thread-safe.
class FakeHttpFetcher : public HttpFetcher {
 public:
  using PostHandler = std::function<Result<HttpReply>(const FormPost&)>;

  void SetGet(const std::string& url, Result<HttpReply> reply);
  void SetPost(const std::string& url, PostHandler handler);

  Result<HttpReply> Get(const std::string& url) override;
  Result<HttpReply> PostForm(const FormPost& post) override;

  int get_count(const std::string& url) const;
  std::vector<FormPost> posts() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Result<HttpReply>> gets_;
  std::map<std::string, PostHandler> post_handlers_;
  std::map<std::string, int> get_counts_;
  std::vector<FormPost> posts_;
};

HttpReply JsonReply(int status, std::string body);

// Percent-decoded parameters of a URL's query ('+' is a space).
std::map<std::string, std::string> QueryOf(const std::string& url);

// A standards-shaped provider on a FakeHttpFetcher: discovery at kIssuer, a JWKS with one
// RS256 key, and a token endpoint that checks client authentication, redirect_uri and the
// PKCE verifier against the challenge the browser brought to Authorize(). The next ID
// tokens can be spoilt through the public members. Not thread-safe (tests drive it).
class FakeProvider {
 public:
  static constexpr const char* kIssuer = "https://idp.test";
  static constexpr const char* kAuthorize = "https://idp.test/authorize";
  static constexpr const char* kToken = "https://idp.test/token";
  static constexpr const char* kJwks = "https://idp.test/jwks";
  static constexpr const char* kClientId = "ccc-relay";
  static constexpr const char* kClientSecret = "s3cret";
  static constexpr const char* kKid = "key-1";

  // Installs the provider's routes on `fetcher` (which must outlive it).
  FakeProvider(FakeHttpFetcher& fetcher, std::function<int64_t()> now_ms);

  // The user who "logs in" at the authorization endpoint.
  std::string subject = "sub-alice";
  std::string email = "alice@example.com";
  std::string name = "Alice";
  // Claims added to (or replacing) the standard ones of the next ID tokens, e.g.
  // {"aud": "someone-else"} or {"company": "Acme"}; a null value removes the claim.
  boost::json::object claim_overrides;
  bool sign_with_other_key = false;

  // Plays the browser at the authorization endpoint: checks the request and returns the
  // code the provider would send back (with the state from the URL).
  std::string Authorize(const std::string& authorization_url);

  const TestSigningKey& key() const { return key_; }

 private:
  struct Grant {
    std::string challenge;
    std::string nonce;
    std::string redirect_uri;
  };
  Result<HttpReply> HandleToken(const FormPost& post);

  std::function<int64_t()> now_ms_;
  TestSigningKey key_;
  TestSigningKey other_key_;
  std::map<std::string, Grant> grants_;
  int next_code_ = 1;
};

}  // namespace ccc::relay::oidc::testing
