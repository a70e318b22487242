#include "agent/pairing/unpair_command.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "agent/pairing/credentials.h"
#include "common/crypto/openssl_helpers.h"

namespace ccc::agent::pairing {
namespace {

constexpr std::string_view kUnpairPath = "/api/v1/pairing/unpair";

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, crypto::OpensslDeleter<EVP_MD_CTX_free>>;

int64_t NowSeconds(const std::function<int64_t()>& now_s) {
  if (now_s) return now_s();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Base64(const std::vector<unsigned char>& bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  text.resize(static_cast<size_t>(n));
  return text;
}

Status RemoveLocalState(const CredentialPaths& paths) {
  Status first = RemoveCredentials(paths.key_file, paths.cert_file, paths.device_ca_file);
  Status state = RemoveFileIfPresent(paths.state_file);
  return first.ok() ? state : first;
}

}  // namespace

std::string UnpairMessage(std::string_view serial, int64_t timestamp_s) {
  return "ccc-unpair\n" + std::string(serial) + "\n" + std::to_string(timestamp_s);
}

Result<std::string> SignWithDeviceKey(const std::string& key_path, std::string_view message) {
  auto pem = ReadTextFile(key_path);
  if (!pem.ok()) return pem.status();
  crypto::PkeyPtr key;
  {
    crypto::BioPtr bio = crypto::MemoryBio(*pem);
    if (bio) key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    OPENSSL_cleanse(pem->data(), pem->size());
  }
  if (!key) {
    return InvalidArgument(key_path +
                           " does not hold a PEM private key: " + crypto::OpensslErrorText());
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data, message.size()) != 1) {
    return Internal("signing setup: " + crypto::OpensslErrorText());
  }
  std::vector<unsigned char> signature(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length, data, message.size()) != 1) {
    return Internal("signing: " + crypto::OpensslErrorText());
  }
  signature.resize(length);
  return Base64(signature);
}

int RunUnpair(const UnpairOptions& options, std::ostream& out, std::ostream& err) {
  const auto fail = [&err](int exit_code, const std::string& text) {
    err << "ccc-agent unpair: " << text << "\n";
    return exit_code;
  };
  const CredentialPaths& paths = options.paths;
  const auto remove_local = [&]() -> int {
    if (Status s = RemoveLocalState(paths); !s.ok()) {
      return fail(kExitUsage, "could not remove every local credential: " + s.message());
    }
    out << "Removed the private key, the certificate and the pairing record.\n";
    return kExitOk;
  };

  auto certificate = ReadTextFile(paths.cert_file);
  if (!certificate.ok() && certificate.status().code() == StatusCode::kNotFound) {
    out << "This agent is not paired (no certificate at " << paths.cert_file << ").\n";
    if (FileExists(paths.key_file) || FileExists(paths.state_file) ||
        FileExists(paths.device_ca_file)) {
      return remove_local();
    }
    return kExitOk;
  }
  if (!certificate.ok()) return fail(kExitUsage, certificate.status().message());

  // Tells the relay; an empty optional means it was told (or does not list us as paired).
  const auto tell_relay = [&]() -> std::pair<int, std::string> {
    if (options.relay.relay_url.empty()) {
      return {kExitUsage, "no relay to tell: set [pairing] relay_url in " + options.config_file};
    }
    auto client = PairingClient::Create(options.relay);
    if (!client.ok()) {
      return {kExitUsage,
              "[pairing] relay_url in " + options.config_file + ": " + client.status().message()};
    }
    const int64_t timestamp = NowSeconds(options.now_s);
    auto signature = SignWithDeviceKey(paths.key_file, UnpairMessage(options.serial, timestamp));
    if (!signature.ok()) {
      return {kExitUsage, "cannot sign the unpair request: " + signature.status().message()};
    }
    boost::json::object request{{"serial", options.serial},
                                {"certificate", *certificate},
                                {"timestamp", timestamp},
                                {"signature", *signature}};
    out << "Telling " << client->relay_url() << " that serial " << options.serial
        << " is unpaired ...\n";
    auto reply = client->PostJson(kUnpairPath, boost::json::serialize(request));
    if (!reply.ok()) {
      return {kExitUnreachable, "cannot reach the relay: " + reply.status().message()};
    }
    const RelayError error = ParseRelayError(*reply);
    if (reply->status == 200) {
      out << "The relay unpaired the system and revoked its certificate.\n";
      return {kExitOk, ""};
    }
    if (reply->status == 409 || reply->status == 404) {
      out << "The relay does not list this system as paired ("
          << (error.code.empty() ? "HTTP " + std::to_string(reply->status) : error.code)
          << "); removing the local credentials.\n";
      return {kExitOk, ""};
    }
    if (reply->status >= 500) {
      return {kExitUnreachable, "the relay has a problem (HTTP " + std::to_string(reply->status) +
                                    ")" + (error.message.empty() ? "" : ": " + error.message)};
    }
    if (error.code == "stale_timestamp") {
      return {kExitRefused,
              "the relay refused the request because this machine's clock differs from the "
              "relay's by more than 5 minutes (stale_timestamp); set the clock (NTP) and try "
              "again"};
    }
    if (error.code == "invalid_signature") {
      return {kExitRefused,
              "the relay does not accept this agent's certificate or signature "
              "(invalid_signature): the certificate may have been revoked or replaced, e.g. "
              "when the system was deleted or paired again in the portal"};
    }
    std::string text = "the relay refused to unpair (HTTP " + std::to_string(reply->status);
    if (!error.code.empty()) text += ", " + error.code;
    text += ")";
    if (!error.message.empty()) text += ": " + error.message;
    return {kExitRefused, text};
  };

  const auto [told, why] = tell_relay();
  if (told == kExitOk) return remove_local();
  if (!options.local_only) {
    return fail(told, why +
                          ". Nothing was removed. To remove the credentials on this machine "
                          "anyway, run `ccc-agent unpair --local-only --config " +
                          options.config_file + "`.");
  }
  err << "ccc-agent unpair: warning: " << why
      << ". Removing the local credentials anyway (--local-only); the relay still lists this "
         "system as paired until it is deleted in the portal.\n";
  return remove_local();
}

}  // namespace ccc::agent::pairing
