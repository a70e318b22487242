#include "relay/oidc/jwt.h"

#include <boost/json.hpp>
#include <cmath>
#include <limits>

#include "relay/oidc/base64url.h"

namespace ccc::relay::oidc {
namespace {

namespace json = boost::json;

std::optional<json::object> DecodeJsonPart(std::string_view part) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  json::value value = json::parse(*bytes, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

// NumericDate: JSON number of seconds; fractions are allowed by RFC 7519 and truncated.
std::optional<int64_t> NumericDate(const json::object& claims, std::string_view name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  const json::value& v = it->value();
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    uint64_t u = v.get_uint64();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (!std::isfinite(d) || d < -9.2e18 || d > 9.2e18) return std::nullopt;
    return static_cast<int64_t>(std::floor(d));
  }
  return std::nullopt;
}

std::optional<std::string> StringClaim(const json::object& claims, std::string_view name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().get_string());
}

}  // namespace

OidcResult<IdTokenClaims> VerifyIdToken(std::string_view token, const KeyLookup& keys,
                                        const IdTokenExpectations& expect) {
  if (token.size() > kMaxIdTokenBytes) {
    return Fail(OidcError::kIdTokenInvalid, "ID token is larger than 64 KiB");
  }
  size_t first_dot = token.find('.');
  size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return Fail(OidcError::kIdTokenInvalid, "ID token is not a compact JWS of three parts");
  }
  std::string_view header_part = token.substr(0, first_dot);
  std::string_view payload_part = token.substr(first_dot + 1, second_dot - first_dot - 1);
  std::string_view signature_part = token.substr(second_dot + 1);

  auto header = DecodeJsonPart(header_part);
  if (!header) return Fail(OidcError::kIdTokenInvalid, "ID token header is not base64url JSON");
  auto alg = StringClaim(*header, "alg");
  if (alg != "RS256") {
    return Fail(OidcError::kIdTokenInvalid,
                "ID token algorithm '" + alg.value_or("(none)") + "' is not RS256");
  }
  if (header->contains("crit")) {
    return Fail(OidcError::kIdTokenInvalid, "ID token header has critical extensions");
  }
  std::string kid;
  if (auto it = header->find("kid"); it != header->end()) {
    if (!it->value().is_string()) return Fail(OidcError::kIdTokenInvalid, "kid is not a string");
    kid = std::string(it->value().get_string());
  }
  auto signature = Base64UrlDecode(signature_part);
  if (!signature || signature->empty()) {
    return Fail(OidcError::kIdTokenInvalid, "ID token signature is not base64url");
  }
  auto key = keys(kid);
  if (!key.ok()) return key.failure();
  std::string_view signed_data = token.substr(0, second_dot);
  if (!key->VerifyRs256(signed_data, *signature)) {
    return Fail(OidcError::kIdTokenSignatureInvalid, "ID token signature does not verify");
  }

  auto payload = DecodeJsonPart(payload_part);
  if (!payload) return Fail(OidcError::kIdTokenInvalid, "ID token payload is not base64url JSON");
  const json::object& claims = *payload;

  IdTokenClaims out;
  out.issuer = StringClaim(claims, "iss").value_or("");
  if (out.issuer != expect.issuer) {
    return Fail(OidcError::kIdTokenIssuerMismatch,
                "iss '" + out.issuer + "' is not '" + expect.issuer + "'");
  }

  if (auto it = claims.find("aud"); it != claims.end()) {
    if (it->value().is_string()) {
      out.audience.emplace_back(it->value().get_string());
    } else if (it->value().is_array()) {
      for (const json::value& v : it->value().get_array()) {
        if (!v.is_string()) return Fail(OidcError::kIdTokenAudienceMismatch, "aud is not text");
        out.audience.emplace_back(v.get_string());
      }
    }
  }
  bool audience_ok = false;
  for (const std::string& aud : out.audience) audience_ok |= aud == expect.client_id;
  if (!audience_ok) {
    return Fail(OidcError::kIdTokenAudienceMismatch,
                "aud does not contain client_id '" + expect.client_id + "'");
  }
  auto azp = StringClaim(claims, "azp");
  if (claims.contains("azp") && azp != expect.client_id) {
    return Fail(OidcError::kIdTokenAudienceMismatch, "azp is not our client_id");
  }
  if (out.audience.size() > 1 && !azp) {
    return Fail(OidcError::kIdTokenAudienceMismatch, "several audiences but no azp");
  }

  auto exp = NumericDate(claims, "exp");
  auto iat = NumericDate(claims, "iat");
  if (!exp || !iat) return Fail(OidcError::kIdTokenInvalid, "exp or iat missing or not a number");
  out.expires_s = *exp;
  out.issued_at_s = *iat;
  if (expect.now_s - expect.skew_s >= *exp) {
    return Fail(OidcError::kIdTokenExpired, "ID token expired at " + std::to_string(*exp));
  }
  if (*iat > expect.now_s + expect.skew_s) {
    return Fail(OidcError::kIdTokenNotYetValid, "ID token issued in the future");
  }
  if (claims.contains("nbf")) {
    auto nbf = NumericDate(claims, "nbf");
    if (!nbf) return Fail(OidcError::kIdTokenInvalid, "nbf is not a number");
    if (*nbf > expect.now_s + expect.skew_s) {
      return Fail(OidcError::kIdTokenNotYetValid,
                  "ID token not valid before " + std::to_string(*nbf));
    }
  }

  if (StringClaim(claims, "nonce") != expect.nonce) {
    return Fail(OidcError::kIdTokenNonceMismatch, "nonce differs from the one of this login");
  }

  out.subject = StringClaim(claims, "sub").value_or("");
  if (out.subject.empty()) return Fail(OidcError::kIdTokenInvalid, "sub missing");
  out.email = StringClaim(claims, "email");
  if (auto it = claims.find("email_verified"); it != claims.end()) {
    // Some providers send the string "true"/"false".
    if (it->value().is_bool()) {
      out.email_verified = it->value().get_bool();
    } else if (it->value().is_string()) {
      out.email_verified = it->value().get_string() == "true";
    } else {
      out.email_verified = false;
    }
  }
  out.name = StringClaim(claims, "name").value_or("");
  for (const auto& [name, value] : claims) {
    if (value.is_string()) out.string_claims.emplace(name, value.get_string());
  }
  return out;
}

}  // namespace ccc::relay::oidc
