#include "relay/oidc/oidc_testing.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "common/crypto/openssl_helpers.h"
#include "relay/oidc/base64url.h"
#include "relay/oidc/pkce.h"

namespace ccc::relay::oidc::testing {
namespace {

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, crypto::OpensslDeleter<EVP_MD_CTX_free>>;

std::string BigNumberParam(EVP_PKEY* pkey, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) {
    throw std::runtime_error("EVP_PKEY_get_bn_param: " + crypto::OpensslErrorText());
  }
  crypto::BnPtr bn(raw);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

// Keys are slow to make (RSA 2048): one pair per test program is enough.
const TestSigningKey& SharedKey(int index) {
  static const TestSigningKey kKeys[2] = {TestSigningKey::Generate(), TestSigningKey::Generate()};
  return kKeys[index];
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

struct TestSigningKey::Key {
  crypto::PkeyPtr pkey;
};

TestSigningKey TestSigningKey::Generate(int bits) {
  crypto::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1) {
    throw std::runtime_error("RSA keygen init: " + crypto::OpensslErrorText());
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    throw std::runtime_error("RSA keygen: " + crypto::OpensslErrorText());
  }
  TestSigningKey key;
  key.key_ = std::make_shared<Key>();
  key.key_->pkey.reset(raw);
  return key;
}

std::string TestSigningKey::PublicJwk(const std::string& kid) const {
  boost::json::object jwk;
  jwk["kty"] = "RSA";
  jwk["use"] = "sig";
  jwk["alg"] = "RS256";
  jwk["kid"] = kid;
  jwk["n"] = Base64UrlEncode(BigNumberParam(key_->pkey.get(), OSSL_PKEY_PARAM_RSA_N));
  jwk["e"] = Base64UrlEncode(BigNumberParam(key_->pkey.get(), OSSL_PKEY_PARAM_RSA_E));
  return boost::json::serialize(jwk);
}

std::string TestSigningKey::Jwks(const std::string& kid) const {
  return "{\"keys\":[" + PublicJwk(kid) + "]}";
}

std::string TestSigningKey::SignCompact(const std::string& header_json,
                                        const std::string& payload_json) const {
  std::string signed_part = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  MdCtxPtr md(EVP_MD_CTX_new());
  size_t length = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key_->pkey.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(signed_part.data()),
                     signed_part.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign: " + crypto::OpensslErrorText());
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(signed_part.data()),
                     signed_part.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign: " + crypto::OpensslErrorText());
  }
  signature.resize(length);
  return signed_part + "." + Base64UrlEncode(signature);
}

void FakeHttpFetcher::SetGet(const std::string& url, Result<HttpReply> reply) {
  std::lock_guard lock(mutex_);
  gets_.insert_or_assign(url, std::move(reply));
}

void FakeHttpFetcher::SetPost(const std::string& url, PostHandler handler) {
  std::lock_guard lock(mutex_);
  post_handlers_.insert_or_assign(url, std::move(handler));
}

Result<HttpReply> FakeHttpFetcher::Get(const std::string& url) {
  std::lock_guard lock(mutex_);
  ++get_counts_[url];
  auto it = gets_.find(url);
  if (it == gets_.end()) return Unavailable("no route to " + url);
  return it->second;
}

Result<HttpReply> FakeHttpFetcher::PostForm(const FormPost& post) {
  PostHandler handler;
  {
    std::lock_guard lock(mutex_);
    posts_.push_back(post);
    auto it = post_handlers_.find(post.url);
    if (it == post_handlers_.end()) return Unavailable("no route to " + post.url);
    handler = it->second;
  }
  return handler(post);
}

int FakeHttpFetcher::get_count(const std::string& url) const {
  std::lock_guard lock(mutex_);
  auto it = get_counts_.find(url);
  return it == get_counts_.end() ? 0 : it->second;
}

std::vector<FormPost> FakeHttpFetcher::posts() const {
  std::lock_guard lock(mutex_);
  return posts_;
}

HttpReply JsonReply(int status, std::string body) {
  return HttpReply{status, "application/json", std::move(body)};
}

std::map<std::string, std::string> QueryOf(const std::string& url) {
  std::map<std::string, std::string> params;
  size_t question = url.find('?');
  if (question == std::string::npos) return params;
  std::string_view rest = std::string_view(url).substr(question + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    size_t eq = pair.find('=');
    params[PercentDecode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1));
  }
  return params;
}

FakeProvider::FakeProvider(FakeHttpFetcher& fetcher, std::function<int64_t()> now_ms)
    : now_ms_(std::move(now_ms)), key_(SharedKey(0)), other_key_(SharedKey(1)) {
  boost::json::object discovery;
  discovery["issuer"] = kIssuer;
  discovery["authorization_endpoint"] = kAuthorize;
  discovery["token_endpoint"] = kToken;
  discovery["jwks_uri"] = kJwks;
  discovery["response_types_supported"] = boost::json::array{"code"};
  discovery["code_challenge_methods_supported"] = boost::json::array{"S256"};
  discovery["id_token_signing_alg_values_supported"] = boost::json::array{"RS256"};
  discovery["token_endpoint_auth_methods_supported"] = boost::json::array{"client_secret_basic"};
  fetcher.SetGet(std::string(kIssuer) + "/.well-known/openid-configuration",
                 JsonReply(200, boost::json::serialize(discovery)));
  fetcher.SetGet(kJwks, JsonReply(200, key_.Jwks(kKid)));
  fetcher.SetPost(kToken, [this](const FormPost& post) { return HandleToken(post); });
}

std::string FakeProvider::Authorize(const std::string& authorization_url) {
  auto params = QueryOf(authorization_url);
  if (authorization_url.rfind(kAuthorize, 0) != 0 || params["response_type"] != "code" ||
      params["client_id"] != kClientId || params["code_challenge_method"] != "S256" ||
      params["code_challenge"].empty() || params["nonce"].empty() || params["state"].empty()) {
    throw std::runtime_error("bad authorization request: " + authorization_url);
  }
  std::string code = "code-" + std::to_string(next_code_++);
  grants_[code] = Grant{params["code_challenge"], params["nonce"], params["redirect_uri"]};
  return code;
}

Result<HttpReply> FakeProvider::HandleToken(const FormPost& post) {
  std::map<std::string, std::string> form(post.fields.begin(), post.fields.end());
  auto invalid = [](std::string_view error) {
    return JsonReply(400, "{\"error\":\"" + std::string(error) + "\"}");
  };
  if (post.basic_user != kClientId || post.basic_password != kClientSecret) {
    return JsonReply(401, "{\"error\":\"invalid_client\"}");
  }
  auto grant = grants_.find(form["code"]);
  if (form["grant_type"] != "authorization_code" || grant == grants_.end()) {
    return invalid("invalid_grant");
  }
  Grant g = grant->second;
  grants_.erase(grant);  // codes are single use
  if (form["redirect_uri"] != g.redirect_uri) return invalid("invalid_grant");
  if (PkceChallengeS256(form["code_verifier"]) != g.challenge) return invalid("invalid_grant");

  int64_t now_s = now_ms_() / 1000;
  boost::json::object claims;
  claims["iss"] = kIssuer;
  claims["sub"] = subject;
  claims["aud"] = kClientId;
  claims["iat"] = now_s;
  claims["exp"] = now_s + 300;
  claims["nonce"] = g.nonce;
  claims["email"] = email;
  claims["email_verified"] = true;
  claims["name"] = name;
  for (const auto& [k, v] : claim_overrides) {
    if (v.is_null()) {
      claims.erase(k);
    } else {
      claims[k] = v;
    }
  }
  std::string header = std::string("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"") + kKid + "\"}";
  const TestSigningKey& signer = sign_with_other_key ? other_key_ : key_;
  boost::json::object reply;
  reply["access_token"] = "at";
  reply["token_type"] = "Bearer";
  reply["id_token"] = signer.SignCompact(header, boost::json::serialize(claims));
  return JsonReply(200, boost::json::serialize(reply));
}

}  // namespace ccc::relay::oidc::testing
