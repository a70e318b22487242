#include "relay/pairing/pairing_service.h"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "common/crypto/openssl_helpers.h"
#include "common/protocol/topic.h"
#include "relay/auth/secret_tokens.h"
#include "relay/broker/broker_control.h"
#include "relay/store/store.h"

namespace ccc::relay::pairing {
namespace {

// The CRL handed to the broker is rewritten on every revocation and at every start; its
// nextUpdate only has to outlive the longest time between relay starts, because brokers
// refuse every client once the CRL they hold has expired.
constexpr std::chrono::hours kCrlValidity{3650 * 24};
constexpr std::string_view kThrottleAccount = "pairing";
constexpr size_t kMaxCertificateBytes = 16 * 1024;
constexpr size_t kMaxSignatureChars = 1024;
constexpr std::string_view kCaCommonName = "ccc device CA";

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unavailable("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return Unavailable("cannot read " + path);
  return out.str();
}

// "7kq4 mz2h x9rc" and "7KQ4MZ2HX9RC" both become "7KQ4-MZ2H-X9RC"; anything that is not
// 12 letters and digits comes back upper-cased as typed (and is then unknown).
std::string NormaliseCode(std::string_view typed) {
  std::string compact;
  std::string upper;
  for (char c : typed) {
    const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    upper.push_back(u);
    if (c == '-' || c == ' ') continue;
    compact.push_back(u);
  }
  if (compact.size() != 12 || !std::all_of(compact.begin(), compact.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0;
      })) {
    return upper;
  }
  return compact.substr(0, 4) + "-" + compact.substr(4, 4) + "-" + compact.substr(8, 4);
}

// Certificate serials compare as numbers: upper-case, without leading zeros.
std::string CanonicalSerial(std::string_view hex) {
  std::string out;
  for (char c : hex) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  const size_t first = out.find_first_not_of('0');
  return first == std::string::npos ? std::string() : out.substr(first);
}

// Strict standard base64 (RFC 4648 section 4, padded). nullopt on any other input.
std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int padding = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && last && j >= 2) {
        ++padding;
        v[j] = 0;
        continue;
      }
      if (padding > 0) return std::nullopt;  // data after '='
      v[j] = value(c);
      if (v[j] < 0) return std::nullopt;
    }
    const uint32_t bits =
        (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
    out.push_back(static_cast<char>((bits >> 16) & 0xff));
    if (padding < 2) out.push_back(static_cast<char>((bits >> 8) & 0xff));
    if (padding < 1) out.push_back(static_cast<char>(bits & 0xff));
  }
  return out;
}

crypto::X509Ptr ParseCertificate(std::string_view pem) {
  crypto::BioPtr bio = crypto::MemoryBio(pem);
  crypto::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  crypto::OpensslErrorText();  // clear the queue whatever happened
  return cert;
}

// The single subject CN, or nullopt when there is none or more than one.
std::optional<std::string> SingleCommonName(X509* cert) {
  X509_NAME* subject = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0 || X509_NAME_get_index_by_NID(subject, NID_commonName, index) >= 0) {
    return std::nullopt;
  }
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     static_cast<size_t>(ASN1_STRING_length(data)));
}

std::optional<std::string> SerialHex(X509* cert) {
  crypto::BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (!bn) return std::nullopt;
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return std::nullopt;
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

bool VerifySignature(X509* cert, std::string_view message, const std::string& signature) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return false;
  std::unique_ptr<EVP_MD_CTX, crypto::OpensslDeleter<EVP_MD_CTX_free>> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
    crypto::OpensslErrorText();
    return false;
  }
  const int verified = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto::OpensslErrorText();
  return verified == 1;
}

std::string DetailsJson(std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  boost::json::object object;
  for (const auto& [key, value] : fields) object[key] = value;
  return boost::json::serialize(object);
}

std::string AgentLabel(const std::string& serial) {
  return protocol::IsValidDeviceId(serial) ? "agent:" + serial : "agent";
}

auth::LoginThrottle::TimePoint ThrottleTime(int64_t now_ms) {
  return auth::LoginThrottle::TimePoint(std::chrono::milliseconds(now_ms));
}

PairOutcome PairUnavailable(std::string message) {
  PairOutcome outcome;
  outcome.error = PairError::kUnavailable;
  outcome.message = std::move(message);
  return outcome;
}

UnpairOutcome UnpairUnavailable(std::string message) {
  UnpairOutcome outcome;
  outcome.error = UnpairError::kUnavailable;
  outcome.message = std::move(message);
  return outcome;
}

}  // namespace

std::string_view PairErrorCode(PairError error) {
  switch (error) {
    case PairError::kNone:
      return "";
    case PairError::kInvalidRequest:
      return "invalid_request";
    case PairError::kTooManyAttempts:
      return "too_many_attempts";
    case PairError::kCodeUnknown:
      return "pairing_code_unknown";
    case PairError::kCodeExpired:
      return "pairing_code_expired";
    case PairError::kCodeUsed:
      return "pairing_code_used";
    case PairError::kCodeReplaced:
      return "pairing_code_replaced";
    case PairError::kSerialMismatch:
      return "serial_mismatch";
    case PairError::kAlreadyPaired:
      return "already_paired";
    case PairError::kInvalidCsr:
      return "invalid_csr";
    case PairError::kUnavailable:
      return "unavailable";
  }
  return "unavailable";
}

std::string_view UnpairErrorCode(UnpairError error) {
  switch (error) {
    case UnpairError::kNone:
      return "";
    case UnpairError::kTooManyAttempts:
      return "too_many_attempts";
    case UnpairError::kNotFound:
      return "not_found";
    case UnpairError::kNotPaired:
      return "not_paired";
    case UnpairError::kInvalidSignature:
      return "invalid_signature";
    case UnpairError::kStaleTimestamp:
      return "stale_timestamp";
    case UnpairError::kUnavailable:
      return "unavailable";
  }
  return "unavailable";
}

std::string UnpairMessage(std::string_view serial, int64_t timestamp) {
  return "ccc-unpair\n" + std::string(serial) + "\n" + std::to_string(timestamp);
}

Result<std::unique_ptr<PairingService>> PairingService::Open(const PairingConfig& config,
                                                             directory::Directory* directory,
                                                             store::Store* store,
                                                             broker::BrokerControl* broker) {
  Result<ca::DeviceCa> ca =
      ca::DeviceCa::OpenOrCreate(config.ca_key_file, config.ca_cert_file, kCaCommonName);
  if (!ca.ok()) return ca.status();
  Result<std::string> broker_ca = ReadTextFile(config.broker_ca_file);
  if (!broker_ca.ok()) return broker_ca.status();
  if (ParseCertificate(*broker_ca) == nullptr) {
    return InvalidArgument(config.broker_ca_file + " does not hold a PEM certificate");
  }
  return std::unique_ptr<PairingService>(
      new PairingService(config, std::move(*ca), std::move(*broker_ca), directory, store, broker));
}

PairingService::PairingService(PairingConfig config, ca::DeviceCa ca, std::string broker_ca_pem,
                               directory::Directory* directory, store::Store* store,
                               broker::BrokerControl* broker)
    : config_(std::move(config)),
      ca_(std::move(ca)),
      broker_ca_pem_(std::move(broker_ca_pem)),
      directory_(directory),
      store_(store),
      broker_(broker),
      throttle_(auth::LoginThrottleConfig{
          .max_failures_per_account = std::numeric_limits<int>::max(),
          .max_failures_per_address = kMaxPairingFailuresPerAddress,
      }) {}

PairingService::~PairingService() = default;

std::string PairingService::DeviceCaPem() const { return ca_.CaCertificatePem(); }

directory::PairingCode PairingService::NewCode(int64_t now_ms) const {
  return directory::PairingCode{.code = auth::NewConfirmationCode(),
                                .created_ms = now_ms,
                                .expires_ms = now_ms + config_.code_ttl.count()};
}

Status PairingService::Start(int64_t now_ms, bool prune_unpaired_devices) {
  std::lock_guard lock(operation_mu_);
  auto revoked = directory_->RevokedCertificates();
  if (!revoked.ok()) return revoked.status();
  std::string list;
  for (const auto& [serial, revoked_ms] : *revoked) {
    list += serial + " " + std::to_string(std::max<int64_t>(0, revoked_ms / 1000)) + "\n";
  }
  CCC_RETURN_IF_ERROR(ca_.LoadRevocationList(list));
  if (broker_ != nullptr) {
    Result<std::string> crl = ca_.CrlPem(kCrlValidity);
    if (!crl.ok()) return crl.status();
    // Not fatal: revoked devices are off the ingest allow-list already, so their data is
    // refused either way; a relay that stays down because the broker is down helps no one.
    if (Status installed = broker_->InstallCrl(*crl); !installed.ok()) {
      spdlog::error("pairing: cannot install the CRL at the broker: {}", installed.ToString());
    }
  }

  auto paired = directory_->PairedSerials();
  if (!paired.ok()) return paired.status();
  auto devices = store_->ListDevices();
  if (!devices.ok()) return devices.status();
  std::set<std::string> registered;
  for (const store::Device& device : *devices) registered.insert(device.id);
  const std::set<std::string> wanted(paired->begin(), paired->end());
  for (const std::string& serial : wanted) {
    if (registered.count(serial) == 0) CCC_RETURN_IF_ERROR(store_->RegisterDevice(serial, now_ms));
  }
  if (prune_unpaired_devices) {
    for (const std::string& id : registered) {
      if (wanted.count(id) != 0) continue;
      Status removed = store_->RemoveDevice(id);
      if (!removed.ok() && removed.code() != StatusCode::kNotFound) return removed;
      spdlog::info("pairing: removed device {} from the ingest allow-list (not paired)", id);
    }
  }
  spdlog::info("pairing: {} revoked certificates, {} paired systems", revoked->size(),
               wanted.size());
  return Status::Ok();
}

std::optional<auth::ThrottleDecision> PairingService::Throttled(const std::string& address,
                                                                int64_t now_ms) {
  std::lock_guard lock(throttle_mu_);
  auth::ThrottleDecision decision =
      throttle_.Check(kThrottleAccount, address, ThrottleTime(now_ms));
  if (decision.allowed) return std::nullopt;
  return decision;
}

void PairingService::RecordFailure(const std::string& address, int64_t now_ms) {
  std::lock_guard lock(throttle_mu_);
  throttle_.RecordFailure(kThrottleAccount, address, ThrottleTime(now_ms));
}

PairOutcome PairingService::Refuse(const PairRequest& request, PairError error, std::string message,
                                   std::optional<int64_t> system_id, int64_t now_ms) {
  RecordFailure(request.address, now_ms);
  std::optional<directory::System> system;
  if (system_id) {
    auto found = directory_->GetSystem(*system_id);
    if (found.ok()) system = *found;
  } else if (protocol::IsValidDeviceId(request.serial)) {
    auto found = directory_->FindSystemBySerial(request.serial);
    if (found.ok()) system = *found;
  }
  directory::AuditEntry entry;
  entry.ts_ms = now_ms;
  if (system) entry.company_id = system->company_id;
  entry.actor = AgentLabel(request.serial);
  entry.address = request.address;
  entry.action = "pairing.failed";
  entry.target_type = "system";
  entry.target_id = system ? std::to_string(system->id) : "";
  entry.details_json =
      DetailsJson({{"reason", std::string(PairErrorCode(error))},
                   {"serial", protocol::IsValidDeviceId(request.serial) ? request.serial : ""}});
  if (Status audited = directory_->AppendAudit(entry); !audited.ok()) {
    spdlog::warn("pairing: cannot audit a failed attempt: {}", audited.ToString());
  }
  PairOutcome outcome;
  outcome.error = error;
  outcome.message = std::move(message);
  return outcome;
}

PairOutcome PairingService::Pair(const PairRequest& request, int64_t now_ms) {
  if (auto throttled = Throttled(request.address, now_ms)) {
    PairOutcome outcome;
    outcome.error = PairError::kTooManyAttempts;
    outcome.message = "too many failed pairing attempts from this address; try again later";
    outcome.retry_after = throttled->retry_after;
    return outcome;
  }
  if (!protocol::IsValidDeviceId(request.serial)) {
    return Refuse(request, PairError::kInvalidRequest, "the serial is not a valid device id",
                  std::nullopt, now_ms);
  }
  const std::string code = NormaliseCode(request.code);

  std::lock_guard lock(operation_mu_);
  auto record = directory_->FindPairingCode(code);
  if (!record.ok()) {
    return PairUnavailable("storage is unavailable");
  }
  if (!record->has_value()) {
    return Refuse(request, PairError::kCodeUnknown, "this confirmation code is not known",
                  std::nullopt, now_ms);
  }
  const directory::PairingCodeRecord& found = **record;
  if (found.system_serial != request.serial) {
    return Refuse(request, PairError::kSerialMismatch,
                  "this confirmation code belongs to another system; check the serial number "
                  "of the PBX",
                  found.system_id, now_ms);
  }
  if (found.used_ms) {
    return Refuse(request, PairError::kCodeUsed,
                  "this confirmation code was already used; renew it in the portal",
                  found.system_id, now_ms);
  }
  if (found.voided_ms) {
    return Refuse(request, PairError::kCodeReplaced,
                  "this confirmation code was replaced by a newer one or cancelled",
                  found.system_id, now_ms);
  }
  if (now_ms >= found.expires_ms) {
    return Refuse(request, PairError::kCodeExpired,
                  "this confirmation code has expired; renew it in the portal", found.system_id,
                  now_ms);
  }

  auto system = directory_->GetSystem(found.system_id);
  if (!system.ok() || !system->has_value()) {
    return PairUnavailable("storage is unavailable");
  }
  if ((*system)->paired) {
    return Refuse(request, PairError::kAlreadyPaired,
                  "the system is already paired; unpair it first (ccc-agent unpair)",
                  found.system_id, now_ms);
  }
  Result<ca::SignedCertificate> signed_cert =
      ca_.SignCsr(request.csr_pem, request.serial, config_.cert_validity);
  if (!signed_cert.ok()) {
    const StatusCode why = signed_cert.status().code();
    if (why == StatusCode::kInvalidArgument || why == StatusCode::kTooLarge) {
      return Refuse(request, PairError::kInvalidCsr, signed_cert.status().message(),
                    found.system_id, now_ms);
    }
    spdlog::error("pairing: signing a CSR for {} failed: {}", request.serial,
                  signed_cert.status().ToString());
    return PairUnavailable("the device CA failed");
  }

  const directory::Actor actor{.user_id = std::nullopt,
                               .company_id = (*system)->company_id,
                               .label = AgentLabel(request.serial),
                               .address = request.address};

  // Registered before the pairing completes, so an agent never holds a certificate the
  // ingest refuses; an allow-list entry without a certificate admits no one.
  auto known = store_->FindDevice(request.serial);
  if (!known.ok()) return PairUnavailable("storage is unavailable");
  const bool was_registered = known->has_value();
  if (Status registered = store_->RegisterDevice(request.serial, now_ms); !registered.ok()) {
    spdlog::error("pairing: cannot register {} for ingest: {}", request.serial,
                  registered.ToString());
    return PairUnavailable("storage is unavailable");
  }

  const int64_t not_after_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   signed_cert->not_after.time_since_epoch())
                                   .count();
  Status completed = directory_->CompletePairing(found.system_id, code, signed_cert->serial_hex,
                                                 not_after_ms, now_ms, actor);
  if (!completed.ok()) {
    if (!was_registered) {
      if (Status removed = store_->RemoveDevice(request.serial); !removed.ok()) {
        spdlog::warn("pairing: cannot take {} off the ingest allow-list again: {}", request.serial,
                     removed.ToString());
      }
    }
    // The directory re-checks the code in its transaction: it may have been used, renewed
    // or cancelled since the checks above (through the API, outside this mutex).
    auto again = directory_->FindPairingCode(code);
    if (again.ok() && again->has_value() && ((*again)->used_ms || (*again)->voided_ms)) {
      const bool used = (*again)->used_ms.has_value();
      return Refuse(request, used ? PairError::kCodeUsed : PairError::kCodeReplaced,
                    used ? "this confirmation code was used meanwhile"
                         : "this confirmation code was replaced or cancelled meanwhile",
                    found.system_id, now_ms);
    }
    spdlog::error("pairing: completing {} failed: {}", request.serial, completed.ToString());
    return PairUnavailable("storage is unavailable");
  }
  if (broker_ != nullptr) {
    if (Status admitted = broker_->AdmitDevice(request.serial); !admitted.ok()) {
      spdlog::warn("pairing: broker did not admit {}: {}", request.serial, admitted.ToString());
    }
  }
  {
    std::lock_guard throttle_lock(throttle_mu_);
    throttle_.RecordSuccess(kThrottleAccount);
  }
  spdlog::info("pairing: {} paired, certificate {}", request.serial, signed_cert->serial_hex);

  PairOutcome outcome;
  outcome.grant = PairingGrant{.device_id = request.serial,
                               .certificate_pem = signed_cert->certificate_pem,
                               .ca_pem = ca_.CaCertificatePem(),
                               .broker_host = config_.broker_host,
                               .broker_port = config_.broker_port,
                               .broker_ca_pem = broker_ca_pem_};
  return outcome;
}

UnpairOutcome PairingService::RefuseUnpair(const UnpairRequest& request, UnpairError error,
                                           std::string message, std::optional<int64_t> company_id,
                                           int64_t now_ms) {
  RecordFailure(request.address, now_ms);
  if (error == UnpairError::kInvalidSignature || error == UnpairError::kStaleTimestamp) {
    directory::AuditEntry entry;
    entry.ts_ms = now_ms;
    entry.company_id = company_id;
    entry.actor = AgentLabel(request.serial);
    entry.address = request.address;
    entry.action = "pairing.unpair_failed";
    entry.target_type = "system";
    entry.details_json =
        DetailsJson({{"reason", std::string(UnpairErrorCode(error))}, {"serial", request.serial}});
    if (Status audited = directory_->AppendAudit(entry); !audited.ok()) {
      spdlog::warn("pairing: cannot audit a failed unpair: {}", audited.ToString());
    }
  }
  return UnpairOutcome{.error = error, .message = std::move(message)};
}

UnpairOutcome PairingService::Unpair(const UnpairRequest& request, int64_t now_ms) {
  if (auto throttled = Throttled(request.address, now_ms)) {
    return UnpairOutcome{.error = UnpairError::kTooManyAttempts,
                         .message = "too many failed attempts from this address; try again later",
                         .retry_after = throttled->retry_after};
  }
  if (!protocol::IsValidDeviceId(request.serial)) {
    return RefuseUnpair(request, UnpairError::kNotFound, "no system has this serial", std::nullopt,
                        now_ms);
  }

  std::lock_guard lock(operation_mu_);
  auto found = directory_->FindSystemBySerial(request.serial);
  if (!found.ok()) {
    return UnpairUnavailable("storage is unavailable");
  }
  if (!found->has_value()) {
    return RefuseUnpair(request, UnpairError::kNotFound, "no system has this serial", std::nullopt,
                        now_ms);
  }
  const directory::System& system = **found;
  if (!system.paired || !system.cert_serial) {
    return RefuseUnpair(request, UnpairError::kNotPaired, "the system is not paired",
                        system.company_id, now_ms);
  }

  // One answer for every certificate or signature problem: a caller learns nothing about
  // which check failed.
  auto invalid = [&](std::string_view why) {
    spdlog::info("pairing: unpair of {} refused: {}", request.serial, why);
    return RefuseUnpair(request, UnpairError::kInvalidSignature,
                        "the certificate or the signature is not valid for this system",
                        system.company_id, now_ms);
  };
  if (request.certificate_pem.size() > kMaxCertificateBytes)
    return invalid("certificate too large");
  crypto::X509Ptr cert = ParseCertificate(request.certificate_pem);
  if (!cert) return invalid("certificate does not parse");
  crypto::X509Ptr ca_cert = ParseCertificate(ca_.CaCertificatePem());
  if (!ca_cert) {
    return UnpairUnavailable("the device CA failed");
  }
  if (X509_check_issued(ca_cert.get(), cert.get()) != X509_V_OK ||
      X509_verify(cert.get(), X509_get0_pubkey(ca_cert.get())) != 1) {
    crypto::OpensslErrorText();
    return invalid("certificate not issued by the device CA");
  }
  if (SingleCommonName(cert.get()) != request.serial)
    return invalid("certificate CN is not the serial");
  const std::optional<std::string> serial_hex = SerialHex(cert.get());
  if (!serial_hex || CanonicalSerial(*serial_hex) != CanonicalSerial(*system.cert_serial)) {
    return invalid("not the system's current certificate");
  }
  if (ca_.IsRevoked(*serial_hex)) return invalid("certificate revoked");
  if (request.signature_b64.size() > kMaxSignatureChars) return invalid("signature too long");
  const std::optional<std::string> signature = DecodeBase64(request.signature_b64);
  if (!signature) return invalid("signature is not base64");
  if (!VerifySignature(cert.get(), UnpairMessage(request.serial, request.timestamp), *signature)) {
    return invalid("signature does not verify");
  }
  const int64_t now_s = now_ms / 1000;
  const int64_t skew = kUnpairMaxSkew.count();
  if (request.timestamp > now_s + skew || request.timestamp < now_s - skew) {
    return RefuseUnpair(request, UnpairError::kStaleTimestamp,
                        "the request's timestamp is more than 300 seconds from the relay's "
                        "clock; check the site's clock",
                        system.company_id, now_ms);
  }

  const directory::Actor actor{.user_id = std::nullopt,
                               .company_id = system.company_id,
                               .label = AgentLabel(request.serial),
                               .address = request.address};
  auto revoked = directory_->Unpair(system.id, now_ms, actor);
  if (!revoked.ok()) {
    spdlog::error("pairing: unpairing {} failed: {}", request.serial, revoked.status().ToString());
    return UnpairUnavailable("storage is unavailable");
  }
  RevokeAndEvict(request.serial, *revoked, true, now_ms);
  spdlog::info("pairing: {} unpaired by the agent", request.serial);
  return UnpairOutcome{};
}

Status PairingService::DeleteSystem(int64_t system_id, const directory::Actor& actor,
                                    int64_t now_ms) {
  std::lock_guard lock(operation_mu_);
  auto system = directory_->GetSystem(system_id);
  if (!system.ok()) return system.status();
  if (!system->has_value()) return NotFound("no system " + std::to_string(system_id));
  const std::string serial = (*system)->serial;
  auto revoked = directory_->DeleteSystem(system_id, now_ms, actor);
  if (!revoked.ok()) return revoked.status();
  RevokeAndEvict(serial, *revoked, true, now_ms);
  return Status::Ok();
}

Status PairingService::UnpairSystem(int64_t system_id, const directory::Actor& actor,
                                    int64_t now_ms) {
  std::lock_guard lock(operation_mu_);
  auto system = directory_->GetSystem(system_id);
  if (!system.ok()) return system.status();
  if (!system->has_value()) return NotFound("no system " + std::to_string(system_id));
  if (!(*system)->paired) return FailedPrecondition("the system is not paired");
  const std::string serial = (*system)->serial;
  auto revoked = directory_->Unpair(system_id, now_ms, actor);
  if (!revoked.ok()) return revoked.status();
  RevokeAndEvict(serial, *revoked, true, now_ms);
  return Status::Ok();
}

void PairingService::RevokeAndEvict(const std::string& device_id,
                                    const std::vector<std::string>& serials, bool remove_device,
                                    int64_t now_ms) {
  const int64_t now_s = std::max<int64_t>(0, now_ms / 1000);
  for (const std::string& serial : serials) {
    if (Status revoked = ca_.Revoke(serial, now_s); !revoked.ok()) {
      spdlog::error("pairing: CA cannot revoke {} of {}: {}", serial, device_id,
                    revoked.ToString());
    }
  }
  if (!serials.empty() && broker_ != nullptr) {
    Result<std::string> crl = ca_.CrlPem(kCrlValidity);
    if (!crl.ok()) {
      spdlog::error("pairing: cannot make a CRL: {}", crl.status().ToString());
    } else if (Status evicted = broker_->EvictDevice(device_id, *crl); !evicted.ok()) {
      spdlog::error("pairing: broker did not evict {}: {} (the next start installs the CRL)",
                    device_id, evicted.ToString());
    }
  }
  if (remove_device) {
    Status removed = store_->RemoveDevice(device_id);
    if (!removed.ok() && removed.code() != StatusCode::kNotFound) {
      spdlog::error("pairing: cannot remove {} from the ingest allow-list: {}", device_id,
                    removed.ToString());
    }
  }
}

}  // namespace ccc::relay::pairing
