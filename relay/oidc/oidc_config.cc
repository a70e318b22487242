#include "relay/oidc/oidc_config.h"

#include <fstream>
#include <sstream>

#include "relay/oidc/url.h"

namespace ccc::relay::oidc {
namespace {

using ccc::config::ConfigError;

std::string Trim(const std::string& text) {
  const char* kSpace = " \t\r\n";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

std::string ReadSecretFile(const std::string& source, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(source + ": key 'oidc.client_secret_file' names '" + path +
                      "', which cannot be read");
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string secret = Trim(content.str());
  if (secret.empty()) {
    throw ConfigError(source + ": key 'oidc.client_secret_file' names '" + path +
                      "', which is empty");
  }
  return secret;
}

bool HasScope(const std::string& scopes, std::string_view wanted) {
  std::istringstream words(scopes);
  std::string word;
  while (words >> word) {
    if (word == wanted) return true;
  }
  return false;
}

}  // namespace

OidcConfig LoadOidcConfig(ccc::config::ConfigReader& reader) {
  OidcConfig config;
  const std::string& source = reader.source();
  if (!reader.Has("oidc")) return config;
  if (!reader.Has("oidc.issuer")) {
    throw ConfigError(source +
                      ": section [oidc] needs key 'oidc.issuer' (remove the section to turn "
                      "single sign-on off)");
  }
  config.enabled = true;
  config.issuer = reader.String("oidc.issuer");
  if (Status s = CheckProviderUrl(config.issuer, "issuer"); !s.ok()) {
    throw ConfigError(source + ": key 'oidc.issuer': " + s.message());
  }
  config.client_id = reader.String("oidc.client_id");
  if (config.client_id.empty()) {
    throw ConfigError(source + ": key 'oidc.client_id' must not be empty");
  }
  if (reader.Has("oidc.client_secret_file")) {
    config.client_secret = ReadSecretFile(source, reader.Path("oidc.client_secret_file"));
  }
  config.redirect_uri = reader.String("oidc.redirect_uri");
  if (auto parts = ParseHttpUrl(config.redirect_uri); !parts.ok()) {
    throw ConfigError(source + ": key 'oidc.redirect_uri' has value '" + config.redirect_uri +
                      "': " + parts.status().message());
  }
  config.display_name = reader.String("oidc.display_name", config.display_name);
  config.scopes = reader.String("oidc.scopes", config.scopes);
  if (!HasScope(config.scopes, "openid")) {
    throw ConfigError(source + ": key 'oidc.scopes' has value '" + config.scopes +
                      "', which must contain 'openid'");
  }
  config.company_claim = reader.String("oidc.company_claim", "");
  config.default_company = reader.String("oidc.default_company", "");
  if (config.company_claim.empty() && config.default_company.empty()) {
    throw ConfigError(source +
                      ": section [oidc] needs 'oidc.company_claim' or 'oidc.default_company' "
                      "(users are matched and created within a company)");
  }
  config.allow_create_users = reader.Bool("oidc.allow_create_users", true);
  if (reader.Has("oidc.ca_file")) config.ca_file = reader.Path("oidc.ca_file");
  return config;
}

}  // namespace ccc::relay::oidc
