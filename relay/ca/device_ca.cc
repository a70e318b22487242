#include "relay/ca/device_ca.h"

#include <fcntl.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <utility>

#include "common/crypto/openssl_helpers.h"

namespace ccc::relay::ca {
namespace {

constexpr int kCaValidityDays = 3650;
constexpr long kClockSkewSeconds = 5 * 60;
constexpr size_t kMaxSerialHexDigits = 40;  // RFC 5280: at most 20 octets
constexpr size_t kMaxCommonNameBytes = 64;  // RFC 5280 ub-common-name

Status OpensslInternal(std::string_view what) {
  return Internal(std::string(what) + ": " + crypto::OpensslErrorText());
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unavailable("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Writes data to path atomically: "<path>.tmp" with the given mode, fsync, rename, then
// fsync of the directory so the rename survives a crash.
Status WriteFileAtomically(const std::string& path, const std::string& data, mode_t mode) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Unavailable("cannot create " + tmp + ": " + std::strerror(errno));
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Unavailable("cannot write " + tmp + ": " + err);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Unavailable("cannot sync " + tmp + ": " + err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Unavailable("cannot rename " + tmp + " to " + path + ": " + err);
  }
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

// A positive random serial of 128 bits, the top bit cleared so DER needs no sign byte.
Result<crypto::IntPtr> RandomSerial() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return OpensslInternal("RAND_bytes");
  bytes[0] = static_cast<unsigned char>(bytes[0] & 0x7f);
  crypto::BnPtr bn(BN_bin2bn(bytes, sizeof(bytes), nullptr));
  if (bn == nullptr || BN_is_zero(bn.get())) return OpensslInternal("serial");
  crypto::IntPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (serial == nullptr) return OpensslInternal("BN_to_ASN1_INTEGER");
  return serial;
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  crypto::BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (bn == nullptr) return {};
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return {};
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

// serial_hex as the canonical form SerialHex() prints, or kInvalidArgument.
Result<std::string> CanonicalSerial(std::string_view serial_hex) {
  if (serial_hex.empty() || serial_hex.size() > kMaxSerialHexDigits) {
    return InvalidArgument("serial '" + std::string(serial_hex) + "' must be 1 to " +
                           std::to_string(kMaxSerialHexDigits) + " hex digits");
  }
  for (char c : serial_hex) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
      return InvalidArgument("serial '" + std::string(serial_hex) + "' is not hexadecimal");
    }
  }
  std::string digits(serial_hex);
  BIGNUM* raw = nullptr;
  if (BN_hex2bn(&raw, digits.c_str()) == 0) return OpensslInternal("BN_hex2bn");
  crypto::BnPtr bn(raw);
  if (BN_is_zero(bn.get())) return InvalidArgument("serial 0 is not a valid certificate serial");
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return OpensslInternal("BN_bn2hex");
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  crypto::ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
  if (ext == nullptr || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpensslInternal(std::string("extension ") + OBJ_nid2sn(nid));
  }
  return Status::Ok();
}

Result<crypto::NamePtr> CommonNameOnly(std::string_view common_name) {
  crypto::NamePtr name(X509_NAME_new());
  if (name == nullptr ||
      X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.data()),
                                 static_cast<int>(common_name.size()), -1, 0) != 1) {
    return OpensslInternal("subject name");
  }
  return name;
}

// The only CN of name, or kInvalidArgument when there is none, several, or it holds a NUL.
Result<std::string> SingleCommonName(const X509_NAME* name) {
  int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return InvalidArgument("CSR subject has no common name");
  if (X509_NAME_get_index_by_NID(name, NID_commonName, index) >= 0) {
    return InvalidArgument("CSR subject has more than one common name");
  }
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) {
    ERR_clear_error();
    return InvalidArgument("CSR common name is not valid text");
  }
  std::string cn(reinterpret_cast<char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  if (cn.find('\0') != std::string::npos) {
    return InvalidArgument("CSR common name contains a NUL byte");
  }
  return cn;
}

Status CheckLeafKey(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t length = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                         &length) != 1) {
        ERR_clear_error();
        return InvalidArgument("EC key without a named curve is not accepted");
      }
      std::string_view name(group, length);
      if (name == SN_X9_62_prime256v1 || name == SN_secp384r1) return Status::Ok();
      return InvalidArgument("EC curve " + std::string(name) +
                             " is not accepted (use P-256 or P-384)");
    }
    case EVP_PKEY_RSA: {
      int bits = EVP_PKEY_get_bits(key);
      if (bits >= 2048) return Status::Ok();
      return InvalidArgument("RSA key of " + std::to_string(bits) +
                             " bits is too small (at least 2048)");
    }
    default:
      return InvalidArgument("key type is not accepted (use EC P-256, P-384 or RSA >= 2048)");
  }
}

struct LoadedCa {
  crypto::PkeyPtr key;
  crypto::X509Ptr cert;
  std::string cert_pem;
};

Result<LoadedCa> LoadCa(const std::string& key_path, const std::string& cert_path) {
  Result<std::string> key_pem = ReadFile(key_path);
  if (!key_pem.ok()) return key_pem.status();
  Result<std::string> cert_pem = ReadFile(cert_path);
  if (!cert_pem.ok()) return cert_pem.status();

  LoadedCa impl;
  crypto::BioPtr key_bio = crypto::MemoryBio(*key_pem);
  impl.key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (impl.key == nullptr) {
    return InvalidArgument("device CA key " + key_path +
                           " is not a PEM private key: " + crypto::OpensslErrorText());
  }
  crypto::BioPtr cert_bio = crypto::MemoryBio(*cert_pem);
  impl.cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (impl.cert == nullptr) {
    return InvalidArgument("device CA certificate " + cert_path +
                           " is not a PEM certificate: " + crypto::OpensslErrorText());
  }
  if (X509_check_ca(impl.cert.get()) == 0) {
    return InvalidArgument("device CA certificate " + cert_path + " is not a CA certificate");
  }
  if (X509_check_private_key(impl.cert.get(), impl.key.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument("device CA key " + key_path + " does not match certificate " +
                           cert_path);
  }
  crypto::BioPtr out(BIO_new(BIO_s_mem()));
  if (out == nullptr || PEM_write_bio_X509(out.get(), impl.cert.get()) != 1) {
    return OpensslInternal("CA PEM encoding");
  }
  impl.cert_pem = crypto::BioContents(out.get());
  return impl;
}

}  // namespace

struct DeviceCa::Impl {
  crypto::PkeyPtr key;
  crypto::X509Ptr cert;
  std::string cert_pem;  // immutable after construction
  mutable std::mutex mutex;
  std::map<std::string, int64_t> revoked;  // canonical serial -> revocation time (unix s)
};

DeviceCa::DeviceCa(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DeviceCa::DeviceCa(DeviceCa&&) noexcept = default;
DeviceCa& DeviceCa::operator=(DeviceCa&&) noexcept = default;
DeviceCa::~DeviceCa() = default;

Result<DeviceCa> DeviceCa::OpenOrCreate(const std::string& key_path, const std::string& cert_path,
                                        std::string_view common_name) {
  // A failed existence check must not look like "missing": creating would overwrite the CA.
  std::error_code key_error;
  std::error_code cert_error;
  const bool key_exists = std::filesystem::exists(key_path, key_error);
  const bool cert_exists = std::filesystem::exists(cert_path, cert_error);
  if (key_error || cert_error) {
    const std::string& path = key_error ? key_path : cert_path;
    return Unavailable("device CA: cannot check " + path + ": " +
                       (key_error ? key_error : cert_error).message());
  }
  if (key_exists != cert_exists) {
    const std::string& present = key_exists ? key_path : cert_path;
    const std::string& missing = key_exists ? cert_path : key_path;
    return InvalidArgument("device CA: " + present + " exists but " + missing +
                           " is missing; restore it or remove both to create a new CA");
  }
  if (!key_exists) {
    if (common_name.empty() || common_name.size() > kMaxCommonNameBytes) {
      return InvalidArgument("device CA common name must be 1 to 64 bytes");
    }
    crypto::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (key == nullptr) return OpensslInternal("CA key generation");
    crypto::X509Ptr cert(X509_new());
    Result<crypto::IntPtr> serial = RandomSerial();
    if (!serial.ok()) return serial.status();
    Result<crypto::NamePtr> name = CommonNameOnly(common_name);
    if (!name.ok()) return name.status();
    if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
        X509_set_serialNumber(cert.get(), serial->get()) != 1 ||
        X509_set_subject_name(cert.get(), name->get()) != 1 ||
        X509_set_issuer_name(cert.get(), name->get()) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kClockSkewSeconds) == nullptr ||
        X509_time_adj_ex(X509_getm_notAfter(cert.get()), kCaValidityDays, 0, nullptr) == nullptr ||
        X509_set_pubkey(cert.get(), key.get()) != 1) {
      return OpensslInternal("CA certificate");
    }
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    CCC_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE"));
    CCC_RETURN_IF_ERROR(
        AddExtension(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign"));
    CCC_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) return OpensslInternal("CA sign");

    crypto::BioPtr key_bio(BIO_new(BIO_s_mem()));
    crypto::BioPtr cert_bio(BIO_new(BIO_s_mem()));
    if (key_bio == nullptr || cert_bio == nullptr ||
        PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
            1 ||
        PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
      return OpensslInternal("CA PEM encoding");
    }
    // Key first: a crash in between leaves a key without a certificate, which the next
    // start reports instead of silently making a second CA.
    CCC_RETURN_IF_ERROR(WriteFileAtomically(key_path, crypto::BioContents(key_bio.get()), 0600));
    CCC_RETURN_IF_ERROR(WriteFileAtomically(cert_path, crypto::BioContents(cert_bio.get()), 0644));
  }
  Result<LoadedCa> loaded = LoadCa(key_path, cert_path);
  if (!loaded.ok()) return loaded.status();
  auto impl = std::make_unique<Impl>();
  impl->key = std::move(loaded->key);
  impl->cert = std::move(loaded->cert);
  impl->cert_pem = std::move(loaded->cert_pem);
  return DeviceCa(std::move(impl));
}

Result<SignedCertificate> DeviceCa::SignCsr(std::string_view csr_pem, std::string_view expected_cn,
                                            std::chrono::hours validity) const {
  if (csr_pem.size() > kMaxCsrBytes) {
    return TooLarge("CSR of " + std::to_string(csr_pem.size()) + " bytes exceeds " +
                    std::to_string(kMaxCsrBytes));
  }
  if (expected_cn.empty()) return InvalidArgument("expected serial is empty");
  if (validity.count() <= 0) return InvalidArgument("certificate validity must be positive");

  crypto::BioPtr bio = crypto::MemoryBio(csr_pem);
  crypto::ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (req == nullptr) {
    ERR_clear_error();
    return InvalidArgument("CSR is not a PEM certificate request");
  }
  EVP_PKEY* leaf_key = X509_REQ_get0_pubkey(req.get());
  if (leaf_key == nullptr) {
    ERR_clear_error();
    return InvalidArgument("CSR public key cannot be read");
  }
  if (X509_REQ_verify(req.get(), leaf_key) != 1) {
    ERR_clear_error();
    return InvalidArgument("CSR signature does not verify");
  }
  Result<std::string> cn = SingleCommonName(X509_REQ_get_subject_name(req.get()));
  if (!cn.ok()) return cn.status();
  if (*cn != expected_cn) {
    return InvalidArgument("CSR common name '" + *cn + "' does not match serial '" +
                           std::string(expected_cn) + "'");
  }
  CCC_RETURN_IF_ERROR(CheckLeafKey(leaf_key));

  const auto now = std::chrono::system_clock::now();
  const std::time_t not_after_time = std::chrono::system_clock::to_time_t(now + validity);
  Result<crypto::IntPtr> serial = RandomSerial();
  if (!serial.ok()) return serial.status();
  Result<crypto::NamePtr> subject = CommonNameOnly(*cn);
  if (!subject.ok()) return subject.status();

  std::lock_guard<std::mutex> lock(impl_->mutex);
  crypto::X509Ptr leaf(X509_new());
  if (leaf == nullptr || X509_set_version(leaf.get(), X509_VERSION_3) != 1 ||
      X509_set_serialNumber(leaf.get(), serial->get()) != 1 ||
      X509_set_subject_name(leaf.get(), subject->get()) != 1 ||
      X509_set_issuer_name(leaf.get(), X509_get_subject_name(impl_->cert.get())) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(leaf.get()), -kClockSkewSeconds) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(leaf.get()), not_after_time) == nullptr ||
      X509_set_pubkey(leaf.get(), leaf_key) != 1) {
    return OpensslInternal("leaf certificate");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, impl_->cert.get(), leaf.get(), nullptr, nullptr, 0);
  CCC_RETURN_IF_ERROR(AddExtension(leaf.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE"));
  CCC_RETURN_IF_ERROR(AddExtension(leaf.get(), &ctx, NID_key_usage, "critical,digitalSignature"));
  CCC_RETURN_IF_ERROR(AddExtension(leaf.get(), &ctx, NID_ext_key_usage, "clientAuth"));
  CCC_RETURN_IF_ERROR(AddExtension(leaf.get(), &ctx, NID_subject_key_identifier, "hash"));
  CCC_RETURN_IF_ERROR(AddExtension(leaf.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(leaf.get(), impl_->key.get(), EVP_sha256()) <= 0) {
    return OpensslInternal("leaf sign");
  }
  crypto::BioPtr out(BIO_new(BIO_s_mem()));
  if (out == nullptr || PEM_write_bio_X509(out.get(), leaf.get()) != 1) {
    return OpensslInternal("leaf PEM encoding");
  }
  return SignedCertificate{crypto::BioContents(out.get()), SerialHex(serial->get()),
                           std::chrono::system_clock::from_time_t(not_after_time)};
}

Status DeviceCa::Revoke(std::string_view serial_hex, int64_t when_unix) {
  if (when_unix < 0) return InvalidArgument("revocation time must not be negative");
  Result<std::string> serial = CanonicalSerial(serial_hex);
  if (!serial.ok()) return serial.status();
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->revoked.emplace(std::move(serial).value(), when_unix);
  return Status::Ok();
}

bool DeviceCa::IsRevoked(std::string_view serial_hex) const {
  Result<std::string> serial = CanonicalSerial(serial_hex);
  if (!serial.ok()) return false;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->revoked.count(*serial) != 0;
}

std::string DeviceCa::ExportRevocationList() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  std::string out;
  for (const auto& [serial, when] : impl_->revoked) {
    out += serial + " " + std::to_string(when) + "\n";
  }
  return out;
}

Status DeviceCa::LoadRevocationList(std::string_view text) {
  std::map<std::string, int64_t> loaded;
  std::istringstream in{std::string(text)};
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::istringstream fields(line);
    std::string serial_field;
    int64_t when = 0;
    std::string rest;
    if (!(fields >> serial_field >> when) || (fields >> rest)) {
      return InvalidArgument("revocation list line " + std::to_string(line_number) +
                             ": expected '<serial hex> <unix seconds>'");
    }
    if (when < 0) {
      return InvalidArgument("revocation list line " + std::to_string(line_number) +
                             ": negative time");
    }
    Result<std::string> serial = CanonicalSerial(serial_field);
    if (!serial.ok()) {
      return InvalidArgument("revocation list line " + std::to_string(line_number) + ": " +
                             serial.status().message());
    }
    loaded.emplace(std::move(serial).value(), when);
  }
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->revoked = std::move(loaded);
  return Status::Ok();
}

Result<std::string> DeviceCa::CrlPem(std::chrono::hours next_update) const {
  if (next_update.count() <= 0) return InvalidArgument("CRL next update must be positive");
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  const std::time_t next =
      now + static_cast<std::time_t>(
                std::chrono::duration_cast<std::chrono::seconds>(next_update).count());

  std::lock_guard<std::mutex> lock(impl_->mutex);
  crypto::CrlPtr crl(X509_CRL_new());
  crypto::TimePtr last_time(ASN1_TIME_set(nullptr, now));
  crypto::TimePtr next_time(ASN1_TIME_set(nullptr, next));
  if (crl == nullptr || last_time == nullptr || next_time == nullptr ||
      X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(impl_->cert.get())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last_time.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_time.get()) != 1) {
    return OpensslInternal("CRL");
  }
  for (const auto& [serial_hex, when] : impl_->revoked) {
    BIGNUM* raw = nullptr;
    if (BN_hex2bn(&raw, serial_hex.c_str()) == 0) return OpensslInternal("CRL serial");
    crypto::BnPtr bn(raw);
    crypto::IntPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    crypto::TimePtr revoked_at(ASN1_TIME_set(nullptr, static_cast<std::time_t>(when)));
    crypto::RevokedPtr entry(X509_REVOKED_new());
    if (serial == nullptr || revoked_at == nullptr || entry == nullptr ||
        X509_REVOKED_set_serialNumber(entry.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(entry.get(), revoked_at.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), entry.get()) != 1) {
      return OpensslInternal("CRL entry");
    }
    entry.release();  // now owned by crl
  }
  crypto::IntPtr number(ASN1_INTEGER_new());
  if (number == nullptr || ASN1_INTEGER_set_int64(number.get(), now) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1) {
    return OpensslInternal("CRL number");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, impl_->cert.get(), nullptr, nullptr, crl.get(), 0);
  crypto::ExtPtr aki(
      X509V3_EXT_nconf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  if (aki == nullptr || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1) {
    return OpensslInternal("CRL authority key identifier");
  }
  if (X509_CRL_sort(crl.get()) != 1 ||
      X509_CRL_sign(crl.get(), impl_->key.get(), EVP_sha256()) <= 0) {
    return OpensslInternal("CRL sign");
  }
  crypto::BioPtr out(BIO_new(BIO_s_mem()));
  if (out == nullptr || PEM_write_bio_X509_CRL(out.get(), crl.get()) != 1) {
    return OpensslInternal("CRL PEM encoding");
  }
  return crypto::BioContents(out.get());
}

std::string DeviceCa::CaCertificatePem() const { return impl_->cert_pem; }

}  // namespace ccc::relay::ca
