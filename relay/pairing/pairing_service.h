#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "relay/auth/login_throttle.h"
#include "relay/ca/device_ca.h"
#include "relay/directory/directory.h"
#include "relay/pairing/pairing_config.h"

namespace ccc::relay::store {
class Store;
}
namespace ccc::relay::broker {
class BrokerControl;
}

// The relay side of pairing (FEATURES A2-A4): confirmation codes, signing an agent's CSR
// with the device CA, unpairing on the agent's signed request, and revoking certificates
// everywhere they matter: the directory (source of truth), the CA's revocation list, the
// broker (CRL + dropping a live connection) and the ingest allow-list of the store.
namespace ccc::relay::pairing {

// Why POST /api/v1/pairing was refused. Wire codes: see PairErrorCode.
enum class PairError {
  kNone,
  kInvalidRequest,   // serial is not a valid device id (the API checks this first)
  kTooManyAttempts,  // the address failed too often; retry_after says when to come back
  kCodeUnknown,      // no such confirmation code
  kCodeExpired,
  kCodeUsed,        // already used for a pairing
  kCodeReplaced,    // voided by a renewal or a cancellation
  kSerialMismatch,  // the code belongs to another system
  kAlreadyPaired,   // the system is paired: the agent must unpair first
  kInvalidCsr,      // unreadable CSR, CN != serial, weak key, too large
  kUnavailable,     // storage or CA failure; nothing was changed, retry later
};

// "invalid_request", "too_many_attempts", "pairing_code_unknown", "pairing_code_expired",
// "pairing_code_used", "pairing_code_replaced", "serial_mismatch", "already_paired",
// "invalid_csr",
// "unavailable" ("" for kNone).
std::string_view PairErrorCode(PairError error);

enum class UnpairError {
  kNone,
  kTooManyAttempts,
  kNotFound,          // no system with this serial
  kNotPaired,         // the system is not paired
  kInvalidSignature,  // bad certificate or signature, not the current certificate, revoked
  kStaleTimestamp,    // |now - timestamp| > kUnpairMaxSkew
  kUnavailable,
};

// "too_many_attempts", "not_found", "not_paired", "invalid_signature", "stale_timestamp",
// "unavailable" ("" for kNone).
std::string_view UnpairErrorCode(UnpairError error);

struct PairRequest {
  std::string serial;
  std::string code;  // "XXXX-XXXX-XXXX"; case, spaces and missing dashes are forgiven
  std::string csr_pem;
  std::string address;  // client address, for throttling and the audit log
};

// What a paired agent needs to connect (the API's 200 answer).
struct PairingGrant {
  std::string device_id;  // = serial = certificate CN
  std::string certificate_pem;
  std::string ca_pem;  // the device CA that issued certificate_pem
  std::string broker_host;
  uint16_t broker_port = 0;
  std::string broker_ca_pem;  // CA of the broker's server certificate
};

struct PairOutcome {
  PairError error = PairError::kNone;
  std::string message;                  // a sentence for the installer when error != kNone
  std::chrono::seconds retry_after{0};  // kTooManyAttempts only
  PairingGrant grant;                   // error == kNone only
  bool ok() const { return error == PairError::kNone; }
};

struct UnpairRequest {
  std::string serial;
  std::string certificate_pem;  // the agent's current certificate
  int64_t timestamp = 0;        // unix seconds, as signed
  std::string signature_b64;    // standard base64 (padded) of a DER ECDSA/SHA-256 signature
  std::string address;
};

struct UnpairOutcome {
  UnpairError error = UnpairError::kNone;
  std::string message;
  std::chrono::seconds retry_after{0};
  bool ok() const { return error == UnpairError::kNone; }
};

// The bytes an agent signs to unpair: "ccc-unpair\n<serial>\n<timestamp>".
std::string UnpairMessage(std::string_view serial, int64_t timestamp);

// Largest accepted difference between the relay's clock and an unpair timestamp.
inline constexpr std::chrono::seconds kUnpairMaxSkew{300};

// Failed /pairing and /pairing/unpair attempts per client address before 429 (the same
// auth::LoginThrottle as logins, a separate instance; the "account" is always "pairing",
// so only the per-address limit bites and no one can lock pairing for everybody).
inline constexpr int kMaxPairingFailuresPerAddress = 10;

// Ownership: the service borrows directory, store and broker (they must outlive it; broker
// may be null, then no broker is told anything) and owns the device CA. Threads: every
// method may be called from any thread; pairing, unpairing and deletion serialise on one
// mutex so CRLs reach the broker in order. Unpair and DeleteSystem call the broker control
// synchronously, which may block up to its timeout ([broker] timeout): they run on HTTP
// handler threads. Clock: callers pass now (unix ms); the throttle runs on the same clock.
class PairingService {
 public:
  // Opens (or creates) the device CA at config.ca_key_file/ca_cert_file and reads
  // config.broker_ca_file. Errors name the file.
  static Result<std::unique_ptr<PairingService>> Open(const PairingConfig& config,
                                                      directory::Directory* directory,
                                                      store::Store* store,
                                                      broker::BrokerControl* broker);

  // Brings CA, broker and ingest allow-list in line with the directory, before serving:
  // loads every revoked certificate into the CA, installs the CRL at the broker, and
  // registers each paired serial in the store (a broker that cannot take the CRL is logged,
  // not fatal: see the .cc). With prune_unpaired_devices, also removes devices of the store
  // that are not a paired system (devices added with `ccc-relay admin device add` included,
  // so leave it off while that path is in use).
  Status Start(int64_t now_ms, bool prune_unpaired_devices);

  // A fresh confirmation code valid for config.code_ttl from now_ms (A2).
  directory::PairingCode NewCode(int64_t now_ms) const;

  // POST /api/v1/pairing (A3). Checks, in order: throttle, serial format, the code (exists,
  // belongs to serial, unused, not voided, unexpired), the system not paired (a paired
  // system is unpaired first, by its agent or by deleting it), the CSR (CN = serial); then
  // signs it, registers the serial for ingest, completes the pairing in the directory and
  // admits the device at the broker. Every refusal
  // except kTooManyAttempts counts against the address and is audited as
  // "pairing.failed" (in the company of the system when the code or serial is known).
  PairOutcome Pair(const PairRequest& request, int64_t now_ms);

  // POST /api/v1/pairing/unpair (A4). The certificate must parse, be signed by the device
  // CA, carry CN = serial, be the system's current certificate and not be revoked; the
  // signature must verify with its key over UnpairMessage(serial, timestamp); the
  // timestamp must be within kUnpairMaxSkew of now. Then the system is unpaired and its
  // certificate revoked (directory, CA, broker eviction with the new CRL, ingest store).
  UnpairOutcome Unpair(const UnpairRequest& request, int64_t now_ms);

  // Deletes the system (the caller has checked kDeleteSystem) and revokes its certificates
  // like Unpair. kNotFound when it does not exist.
  Status DeleteSystem(int64_t system_id, const directory::Actor& actor, int64_t now_ms);

  // Unpairs the system from the portal side (the caller has checked the right), for a site
  // whose key is lost or that is being replaced: revokes its certificate like Unpair and
  // keeps the system, its history and its authorisations; a new code pairs it again.
  // kNotFound when it does not exist, kFailedPrecondition when it is not paired.
  Status UnpairSystem(int64_t system_id, const directory::Actor& actor, int64_t now_ms);
  std::string DeviceCaPem() const;

  ~PairingService();

 private:
  PairingService(PairingConfig config, ca::DeviceCa ca, std::string broker_ca_pem,
                 directory::Directory* directory, store::Store* store,
                 broker::BrokerControl* broker);

  PairOutcome Refuse(const PairRequest& request, PairError error, std::string message,
                     std::optional<int64_t> system_id, int64_t now_ms);
  UnpairOutcome RefuseUnpair(const UnpairRequest& request, UnpairError error, std::string message,
                             std::optional<int64_t> company_id, int64_t now_ms);
  // Revokes serials at the CA, sends the new CRL to the broker with an eviction of
  // device_id, and (when remove_device) drops device_id from the ingest allow-list. The
  // directory has already marked them revoked, so failures here are logged, not returned:
  // the next Start() repeats the broker and store steps.
  void RevokeAndEvict(const std::string& device_id, const std::vector<std::string>& serials,
                      bool remove_device, int64_t now_ms);
  std::optional<auth::ThrottleDecision> Throttled(const std::string& address, int64_t now_ms);
  void RecordFailure(const std::string& address, int64_t now_ms);

  const PairingConfig config_;
  ca::DeviceCa ca_;
  const std::string broker_ca_pem_;
  directory::Directory* const directory_;
  store::Store* const store_;
  broker::BrokerControl* const broker_;

  std::mutex throttle_mu_;
  auth::LoginThrottle throttle_;  // guarded by throttle_mu_
  std::mutex operation_mu_;       // serialises Pair, Unpair, DeleteSystem, Start
};

}  // namespace ccc::relay::pairing
