#include "agent/pairing/pair_command.h"

#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <string>

#include "agent/pairing/credentials.h"
#include "common/protocol/topic.h"

namespace ccc::agent::pairing {
namespace {

constexpr std::string_view kPairPath = "/api/v1/pairing";

int64_t NowSeconds(const std::function<int64_t()>& now_s) {
  if (now_s) return now_s();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The sentence for each refusal of POST /api/v1/pairing (relay contract, issue 3).
std::string ExplainRefusal(const HttpReply& reply, const RelayError& error,
                           const PairOptions& options) {
  const std::string& code = error.code;
  if (code == "pairing_code_unknown") {
    return "the relay does not know this confirmation code. Check it for typing errors, or "
           "copy the current code from the system's page in the portal.";
  }
  if (code == "pairing_code_expired") {
    return "this confirmation code has expired (codes are valid for 24 hours). Renew the code "
           "on the system's page in the portal and run `ccc-agent pair` with the new one.";
  }
  if (code == "pairing_code_used") {
    return "this confirmation code has already been used to pair a system; a code works only "
           "once. Renew the code on the system's page in the portal to pair again.";
  }
  if (code == "pairing_code_replaced") {
    return "this confirmation code was replaced by a newer one. Use the current code shown on "
           "the system's page in the portal.";
  }
  if (code == "serial_mismatch") {
    return "the code belongs to a system whose serial number is not this PBX's (" + options.serial +
           "). Check the serial number entered in the portal, or the serial in " +
           options.config_file + " ([source] serial, default [agent] device_id).";
  }
  if (code == "invalid_csr") {
    return "the relay rejected this agent's certificate request (invalid_csr): " + error.message;
  }
  if (code == "too_many_attempts") {
    const auto retry = reply.headers.find("retry-after");
    return "too many pairing attempts from this address. Wait" +
           (retry != reply.headers.end() ? " " + retry->second + " seconds" : " a while") +
           " and try again.";
  }
  std::string text = "the relay refused pairing (HTTP " + std::to_string(reply.status);
  if (!code.empty()) text += ", " + code;
  text += ")";
  if (!error.message.empty()) text += ": " + error.message;
  return text;
}

struct PairingAnswer {
  std::string device_id;
  std::string certificate;
  std::string ca;
  std::string broker_host;
  int broker_port = 0;
  std::string broker_ca;
};

Result<PairingAnswer> ParseAnswer(std::string_view body) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return InvalidArgument("the answer is not a JSON object");
  const auto& o = value.as_object();
  const auto text = [](const boost::json::object& obj, std::string_view key) -> std::string {
    const auto* v = obj.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  PairingAnswer answer;
  answer.device_id = text(o, "device_id");
  answer.certificate = text(o, "certificate");
  answer.ca = text(o, "ca");
  if (answer.device_id.empty() || answer.certificate.empty() || answer.ca.empty()) {
    return InvalidArgument("the answer lacks device_id, certificate or ca");
  }
  const auto* broker = o.if_contains("broker");
  if (broker == nullptr || !broker->is_object()) {
    return InvalidArgument("the answer has no broker object");
  }
  const auto& b = broker->as_object();
  answer.broker_host = text(b, "host");
  answer.broker_ca = text(b, "ca");
  const auto* port = b.if_contains("port");
  if (answer.broker_host.empty() || port == nullptr || !port->is_int64() || port->as_int64() < 1 ||
      port->as_int64() > 65535) {
    return InvalidArgument("the answer's broker has no valid host and port");
  }
  answer.broker_port = static_cast<int>(port->as_int64());
  return answer;
}

// Stores everything after the certificate was accepted; on failure removes what this call
// stored (the key stays).
Status StoreAnswer(const PairOptions& options, const PairingAnswer& answer, int64_t now_s) {
  const CredentialPaths& paths = options.paths;
  CCC_RETURN_IF_ERROR(EnsureParentFolder(paths.cert_file));
  CCC_RETURN_IF_ERROR(EnsureParentFolder(paths.device_ca_file));
  CCC_RETURN_IF_ERROR(StoreCertificate(paths.key_file, paths.cert_file, paths.device_ca_file,
                                       answer.certificate, answer.ca, answer.device_id));
  Status status = Status::Ok();
  if (!answer.broker_ca.empty()) {
    status = SummarizeCertificatePem(answer.broker_ca).status();
    if (!status.ok()) status = InvalidArgument("broker CA from the relay: " + status.message());
    if (status.ok()) status = EnsureParentFolder(paths.broker_ca_file);
    if (status.ok()) status = WriteFileAtomically(paths.broker_ca_file, answer.broker_ca, 0644);
  }
  if (status.ok()) {
    PairingRecord record{answer.device_id, options.relay.relay_url, answer.broker_host,
                         answer.broker_port, now_s};
    status = EnsureParentFolder(paths.state_file);
    if (status.ok())
      status = WriteFileAtomically(paths.state_file, EncodePairingRecord(record), 0644);
  }
  if (!status.ok()) {
    (void)RemoveFileIfPresent(paths.cert_file);
    (void)RemoveFileIfPresent(paths.device_ca_file);
    (void)RemoveFileIfPresent(paths.state_file);
  }
  return status;
}

}  // namespace

std::optional<std::string> NormalizeConfirmationCode(std::string_view input) {
  while (!input.empty() && std::isspace(static_cast<unsigned char>(input.front()))) {
    input.remove_prefix(1);
  }
  while (!input.empty() && std::isspace(static_cast<unsigned char>(input.back()))) {
    input.remove_suffix(1);
  }
  std::string plain;
  for (const char c : input) {
    if (c == '-') continue;
    const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (kConfirmationCodeAlphabet.find(upper) == std::string_view::npos) return std::nullopt;
    plain.push_back(upper);
    if (plain.size() > 12) return std::nullopt;
  }
  if (plain.size() != 12) return std::nullopt;
  return plain.substr(0, 4) + "-" + plain.substr(4, 4) + "-" + plain.substr(8, 4);
}

int RunPair(const PairOptions& options, std::string_view code_input, std::ostream& out,
            std::ostream& err) {
  const auto fail = [&err](int exit_code, const std::string& text) {
    err << "ccc-agent pair: " << text << "\n";
    return exit_code;
  };
  const auto code = NormalizeConfirmationCode(code_input);
  if (!code) {
    return fail(kExitUsage, "'" + std::string(code_input) +
                                "' is not a confirmation code. A code has 12 characters "
                                "(digits 2-9 and letters A-Z without I and O), shown in the "
                                "portal as XXXX-XXXX-XXXX.");
  }
  if (!protocol::IsValidDeviceId(options.serial)) {
    return fail(kExitUsage, "the serial '" + options.serial + "' in " + options.config_file +
                                " cannot be a device id (1..64 characters of A-Z a-z 0-9 . _ -)");
  }
  if (options.relay.relay_url.empty()) {
    return fail(kExitUsage, "no relay to pair with: set [pairing] relay_url in " +
                                options.config_file + " (e.g. \"https://relay.example.com\")");
  }
  auto client = PairingClient::Create(options.relay);
  if (!client.ok()) {
    return fail(kExitUsage,
                "[pairing] relay_url in " + options.config_file + ": " + client.status().message());
  }
  const CredentialPaths& paths = options.paths;
  if (FileExists(paths.cert_file)) {
    return fail(kExitUsage, "this agent is already paired (certificate " + paths.cert_file +
                                "). To pair it again, run `ccc-agent unpair --config " +
                                options.config_file + "` first.");
  }

  auto key_exists = KeyExists(paths.key_file);
  if (!key_exists.ok()) return fail(kExitUsage, key_exists.status().message());
  if (*key_exists) {
    out << "Using the existing private key " << paths.key_file << "\n";
  } else {
    if (Status s = EnsureParentFolder(paths.key_file); !s.ok()) {
      return fail(kExitUsage, s.message());
    }
    auto key = CreatePrivateKey(paths.key_file);
    if (!key.ok())
      return fail(kExitUsage, "cannot create the private key: " + key.status().message());
    out << "Created a private key " << paths.key_file << " (it never leaves this machine)\n";
  }
  auto csr = MakeCsr(paths.key_file, options.serial);
  if (!csr.ok()) {
    return fail(kExitUsage, "cannot make a certificate request: " + csr.status().message());
  }

  boost::json::object request{{"serial", options.serial}, {"code", *code}, {"csr", *csr}};
  out << "Pairing serial " << options.serial << " with " << client->relay_url() << " ...\n";
  auto reply = client->PostJson(kPairPath, boost::json::serialize(request));
  if (!reply.ok()) {
    return fail(kExitUnreachable, "cannot reach the relay: " + reply.status().message() +
                                      ". Check [pairing] relay_url in " + options.config_file +
                                      " and the network, then run the same command again "
                                      "(the code stays valid).");
  }
  if (reply->status >= 500) {
    const RelayError error = ParseRelayError(*reply);
    return fail(kExitUnreachable, "the relay has a problem (HTTP " + std::to_string(reply->status) +
                                      ")" + (error.message.empty() ? "" : ": " + error.message) +
                                      ". Try again later.");
  }
  if (reply->status != 200) {
    return fail(kExitRefused, ExplainRefusal(*reply, ParseRelayError(*reply), options));
  }

  auto answer = ParseAnswer(reply->body);
  if (!answer.ok()) {
    return fail(kExitRefused, "the relay's answer cannot be used (" + answer.status().message() +
                                  "); nothing was stored. Renew the code in the portal and try "
                                  "again; if this repeats, the relay URL may point elsewhere.");
  }
  if (answer->device_id != options.serial) {
    return fail(kExitRefused, "the relay issued a certificate for device '" + answer->device_id +
                                  "', not for this PBX's serial '" + options.serial +
                                  "'; nothing was stored.");
  }
  const int64_t now_s = NowSeconds(options.now_s);
  if (Status s = StoreAnswer(options, *answer, now_s); !s.ok()) {
    const int exit_code = s.code() == StatusCode::kInvalidArgument ? kExitRefused : kExitUsage;
    return fail(exit_code, "the relay's certificate could not be stored: " + s.message() +
                               ". Nothing was kept except the private key; renew the code in "
                               "the portal and try again.");
  }

  out << "Paired: this agent is now device " << answer->device_id << ".\n";
  if (auto summary = SummarizeCertificatePem(answer->certificate); summary.ok()) {
    out << "Certificate " << paths.cert_file << " valid until " << FormatUtc(summary->not_after_s)
        << "\n";
  }
  out << "Broker: " << answer->broker_host << ":" << answer->broker_port;
  if (options.configured_broker) {
    out << " (not used: [mqtt] host in " << options.config_file << " sets "
        << *options.configured_broker << ")";
  }
  out << "\n";
  if (answer->broker_ca.empty() && !FileExists(paths.broker_ca_file)) {
    err << "ccc-agent pair: warning: the relay sent no broker CA and " << paths.broker_ca_file
        << " does not exist; put the broker's CA certificate there before starting the agent\n";
  }
  out << "Start the agent with `ccc-agent run --config " << options.config_file
      << "` (or restart its service).\n";
  return kExitOk;
}

}  // namespace ccc::agent::pairing
