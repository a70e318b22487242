#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status/status.h"

// The relay's device CA: signs the client certificates agents present to the MQTT broker
// (issue 3, pairing) and publishes the revocation list the broker reads (`crlfile`).
// OpenSSL stays behind this interface; certificates, CSRs and CRLs travel as PEM text.
namespace ccc::relay::ca {

// A leaf certificate issued for one device.
struct SignedCertificate {
  std::string certificate_pem;
  // Canonical serial: upper-case hex of whole bytes, no leading zero bytes (as OpenSSL
  // prints it). This is the form Revoke() expects and ExportRevocationList() writes.
  std::string serial_hex;
  std::chrono::system_clock::time_point not_after;  // whole seconds
};

// Owns the CA key (EC P-256) and its self-signed certificate, plus the in-memory list of
// revoked leaf serials. All methods may be called from any thread; they serialise on an
// internal mutex. Movable, not copyable; a moved-from DeviceCa may only be destroyed.
class DeviceCa {
 public:
  // Largest CSR PEM SignCsr accepts.
  static constexpr size_t kMaxCsrBytes = 16 * 1024;

  // Loads the CA from key_path (PEM private key) and cert_path (PEM certificate). When both
  // files are missing, creates a P-256 key and a 10-year self-signed CA certificate with
  // subject CN=common_name and writes them (each to "<path>.tmp", fsync, rename; the key
  // file with mode 0600, unencrypted, so the file mode is its protection). common_name is
  // used only when creating. Errors (naming the file): only one of the two files exists,
  // a file is unreadable or not PEM, the certificate is not a CA, the key does not match
  // the certificate, or writing fails.
  static Result<DeviceCa> OpenOrCreate(const std::string& key_path, const std::string& cert_path,
                                       std::string_view common_name);

  DeviceCa(DeviceCa&&) noexcept;
  DeviceCa& operator=(DeviceCa&&) noexcept;
  DeviceCa(const DeviceCa&) = delete;
  DeviceCa& operator=(const DeviceCa&) = delete;
  ~DeviceCa();

  // Issues a client certificate for the key in csr_pem. The CSR must be at most
  // kMaxCsrBytes (else kTooLarge), carry a valid self-signature, have exactly one subject
  // CN equal to expected_cn (the PBX serial), and hold an EC P-256/P-384 or RSA >= 2048
  // key; anything else is kInvalidArgument with a sentence saying why. Extensions and
  // other subject fields requested in the CSR are ignored. The leaf has a random 128-bit
  // serial, subject CN only, CA:FALSE, keyUsage digitalSignature, extendedKeyUsage
  // clientAuth, SKI/AKI, notBefore now-5min (clock skew) and notAfter now+validity.
  Result<SignedCertificate> SignCsr(std::string_view csr_pem, std::string_view expected_cn,
                                    std::chrono::hours validity) const;

  // Adds serial_hex (any case, leading zeros allowed, at most 20 bytes) to the revocation
  // list with revocation time when_unix (seconds since the epoch, >= 0). Revoking a serial
  // twice keeps the first time. kInvalidArgument for a malformed or zero serial.
  Status Revoke(std::string_view serial_hex, int64_t when_unix);

  bool IsRevoked(std::string_view serial_hex) const;

  // The revocation list as text, one "<SERIAL_HEX> <when_unix>" line per entry, sorted by
  // serial; LoadRevocationList() reads it back. The caller stores it (the CA keeps no file).
  std::string ExportRevocationList() const;

  // Replaces the in-memory list with the one in text (blank lines ignored). All or
  // nothing: on kInvalidArgument (naming the line) the current list is unchanged.
  Status LoadRevocationList(std::string_view text);

  // A v2 CRL signed by the CA key (SHA-256) listing every revoked serial, lastUpdate now,
  // nextUpdate now+next_update, with AKI and a CRL number (the current unix time, so
  // later CRLs carry larger numbers). PEM, as Mosquitto's `crlfile` reads it.
  Result<std::string> CrlPem(std::chrono::hours next_update) const;

  std::string CaCertificatePem() const;

 private:
  struct Impl;
  explicit DeviceCa(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace ccc::relay::ca
