#pragma once

#include <string>

#include "common/config/config_reader.h"

// Settings of OpenID Connect single sign-on: section [oidc] of the relay config.
//
//   [oidc]
//   issuer = "https://login.example.com/realms/acme"  # enables SSO; must equal the
//                                  # provider's "issuer" exactly (https; http only loopback)
//   client_id = "ccc-relay"        # required when issuer is set
//   client_secret_file = "oidc-secret"  # optional (absent: public client, PKCE only); the
//                                  # file's content, trimmed, is the secret
//   redirect_uri = "https://ccc.example.com/api/v1/auth/oidc/callback"  # required
//   display_name = "Single sign-on"     # the portal's button text
//   scopes = "openid email profile"     # space-separated; must contain "openid"
//   company_claim = "company"      # optional: ID-token claim (a string) naming the company
//   default_company = "Acme"       # company used when the claim is absent or not configured
//   allow_create_users = true      # create unknown users (no password) in that company
//   ca_file = "provider-ca.pem"    # optional: extra CA certificates trusted for the
//                                  # provider's HTTPS, besides the system's
//
// At least one of company_claim and default_company is required: users are always matched
// or created within a company.
namespace ccc::relay::oidc {

struct OidcConfig {
  bool enabled = false;  // true when [oidc] issuer is set
  std::string issuer;
  std::string client_id;
  std::string client_secret;  // content of client_secret_file; "" = public client
  std::string redirect_uri;
  std::string display_name = "Single sign-on";
  std::string scopes = "openid email profile";
  std::string company_claim;
  std::string default_company;
  bool allow_create_users = true;
  std::string ca_file;  // "" = system trust only
};

// Reads [oidc]. Without the section: enabled = false. A section without issuer, a missing
// required key, an unreadable or empty secret file, a non-https provider URL (other than
// loopback) or scopes without "openid" throw config::ConfigError naming file, key and value.
OidcConfig LoadOidcConfig(ccc::config::ConfigReader& reader);

}  // namespace ccc::relay::oidc
