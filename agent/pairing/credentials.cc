#include "agent/pairing/credentials.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "agent/pairing/file_io.h"
#include "common/crypto/openssl_helpers.h"
#include "common/protocol/topic.h"

namespace ccc::agent::pairing {
namespace {

// Erases a string holding key material before it is freed.
struct ScrubbedString {
  std::string data;
  ~ScrubbedString() { OPENSSL_cleanse(data.data(), data.size()); }
};

Result<crypto::PkeyPtr> LoadPrivateKey(const std::string& key_path) {
  auto pem = ReadSmallFile(key_path);
  if (!pem.ok()) return pem.status();
  ScrubbedString scrubbed{std::move(pem).value()};
  crypto::BioPtr bio = crypto::MemoryBio(scrubbed.data);
  if (!bio) return Internal("BIO_new_mem_buf: " + crypto::OpensslErrorText());
  crypto::PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    return InvalidArgument(key_path +
                           " does not hold a PEM private key: " + crypto::OpensslErrorText());
  }
  return key;
}

// Every certificate in pem, in order. kInvalidArgument when there is none or a block
// does not parse.
Result<std::vector<crypto::X509Ptr>> ParseCertificates(std::string_view pem,
                                                       const std::string& what) {
  if (pem.size() > kMaxSmallFileBytes) {
    return InvalidArgument(what + " is larger than 1 MiB");
  }
  crypto::BioPtr bio = crypto::MemoryBio(pem);
  if (!bio) return Internal("BIO_new_mem_buf: " + crypto::OpensslErrorText());
  std::vector<crypto::X509Ptr> certs;
  while (true) {
    crypto::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    certs.push_back(std::move(cert));
  }
  const unsigned long err = ERR_peek_last_error();
  const bool clean_end =
      ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
  if (certs.empty() || !clean_end) {
    const std::string detail = crypto::OpensslErrorText();
    return InvalidArgument(what + " is not a list of PEM certificates: " + detail);
  }
  ERR_clear_error();
  return certs;
}

Result<std::string> SubjectCommonName(X509* cert) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return InvalidArgument("certificate subject has no CN");
  if (X509_NAME_get_index_by_NID(subject, NID_commonName, index) >= 0) {
    return InvalidArgument("certificate subject has more than one CN");
  }
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, value);
  if (len < 0)
    return InvalidArgument("certificate CN is not a valid string: " + crypto::OpensslErrorText());
  std::string cn(reinterpret_cast<const char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return cn;
}

Result<std::string> EncodeCertificates(const std::vector<crypto::X509Ptr>& certs) {
  crypto::BioPtr out(BIO_new(BIO_s_mem()));
  if (!out) return Internal("BIO_new: " + crypto::OpensslErrorText());
  for (const auto& cert : certs) {
    if (PEM_write_bio_X509(out.get(), cert.get()) != 1) {
      return Internal("PEM_write_bio_X509: " + crypto::OpensslErrorText());
    }
  }
  return crypto::BioContents(out.get());
}

Status VerifyAgainstCa(X509* cert, const std::vector<crypto::X509Ptr>& ca_certs) {
  crypto::StorePtr store(X509_STORE_new());
  crypto::StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx) return Internal("X509_STORE_new: " + crypto::OpensslErrorText());
  for (const auto& ca : ca_certs) {
    if (X509_STORE_add_cert(store.get(), ca.get()) != 1) {
      return InvalidArgument("CA certificate cannot be used: " + crypto::OpensslErrorText());
    }
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr) != 1 ||
      X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT) != 1) {
    return Internal("X509_STORE_CTX_init: " + crypto::OpensslErrorText());
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return InvalidArgument(std::string("certificate does not verify against the CA: ") +
                           X509_verify_cert_error_string(err));
  }
  return Status::Ok();
}

Status CheckCurrentlyValid(X509* cert) {
  if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) {
    return InvalidArgument("certificate is not valid yet (notBefore is in the future)");
  }
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
    return InvalidArgument("certificate has expired (notAfter is in the past)");
  }
  return Status::Ok();
}

// Best effort: the zeros reach this file's current blocks, which is what a plain
// filesystem reuses; copy-on-write and flash layers may keep older copies.
void OverwriteWithZeros(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    const std::vector<char> zeros(4096, '\0');
    off_t left = st.st_size;
    while (left > 0) {
      const size_t chunk = static_cast<size_t>(std::min<off_t>(left, 4096));
      const ssize_t n = ::write(fd, zeros.data(), chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      left -= n;
    }
    ::fsync(fd);
  }
  ::close(fd);
}

}  // namespace

Result<bool> KeyExists(const std::string& key_path) {
  struct stat st {};
  if (::lstat(key_path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  return FromErrno(errno, "stat " + key_path);
}

Result<std::string> CreatePrivateKey(const std::string& key_path) {
  auto exists = KeyExists(key_path);
  if (!exists.ok()) return exists.status();
  if (*exists) {
    return Status(StatusCode::kAlreadyExists,
                  key_path + " already exists; run `ccc-agent unpair` before pairing again");
  }

  crypto::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256") != 1) {
    return Internal("EC key setup: " + crypto::OpensslErrorText());
  }
  EVP_PKEY* raw_key = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw_key) != 1) {
    return Internal("EC key generation: " + crypto::OpensslErrorText());
  }
  crypto::PkeyPtr key(raw_key);

  // A secmem BIO clears its buffer on every reallocation and on free, so no copy of the
  // key is left in freed memory; the std::string copy is scrubbed by ScrubbedString.
  crypto::BioPtr out(BIO_new(BIO_s_secmem()));
  if (!out) return Internal("BIO_new: " + crypto::OpensslErrorText());
  // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY"), unencrypted.
  if (PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Internal("PEM_write_bio_PrivateKey: " + crypto::OpensslErrorText());
  }
  ScrubbedString pem{crypto::BioContents(out.get())};

  TempFile temp;
  CCC_RETURN_IF_ERROR(temp.Write(key_path, pem.data));
  CCC_RETURN_IF_ERROR(temp.LinkToIfAbsent(key_path));
  CCC_RETURN_IF_ERROR(FsyncFolder(DirOf(key_path)));
  return key_path;
}

Result<std::string> MakeCsr(const std::string& key_path, std::string_view serial) {
  if (!protocol::IsValidDeviceId(serial)) {
    return InvalidArgument("serial '" + std::string(serial.substr(0, 80)) +
                           "' is not a valid device id (1..64 of [A-Za-z0-9._-], not "
                           "starting with '.')");
  }
  auto key = LoadPrivateKey(key_path);
  if (!key.ok()) return key.status();

  crypto::ReqPtr req(X509_REQ_new());
  if (!req) return Internal("X509_REQ_new: " + crypto::OpensslErrorText());
  X509_NAME* subject = X509_REQ_get_subject_name(req.get());
  const std::string cn(serial);
  if (X509_REQ_set_version(req.get(), 0) != 1 ||
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_REQ_set_pubkey(req.get(), key->get()) != 1) {
    return Internal("building CSR: " + crypto::OpensslErrorText());
  }
  if (X509_REQ_sign(req.get(), key->get(), EVP_sha256()) <= 0) {
    return Internal("signing CSR: " + crypto::OpensslErrorText());
  }
  crypto::BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_X509_REQ(out.get(), req.get()) != 1) {
    return Internal("PEM_write_bio_X509_REQ: " + crypto::OpensslErrorText());
  }
  return crypto::BioContents(out.get());
}

Status StoreCertificate(const std::string& key_path, const std::string& cert_path,
                        const std::string& ca_path, std::string_view cert_pem,
                        std::string_view ca_pem, std::string_view expected_cn) {
  auto key = LoadPrivateKey(key_path);
  if (!key.ok()) return key.status();
  auto certs = ParseCertificates(cert_pem, "certificate");
  if (!certs.ok()) return certs.status();
  if (certs->size() != 1) return InvalidArgument("expected exactly one certificate");
  X509* cert = certs->front().get();
  auto ca_certs = ParseCertificates(ca_pem, "CA");
  if (!ca_certs.ok()) return ca_certs.status();

  if (X509_check_private_key(cert, key->get()) != 1) {
    ERR_clear_error();
    return InvalidArgument("certificate is for another key than " + key_path);
  }
  auto cn = SubjectCommonName(cert);
  if (!cn.ok()) return cn.status();
  if (*cn != expected_cn) {
    return InvalidArgument("certificate CN '" + *cn + "' is not the expected '" +
                           std::string(expected_cn) + "'");
  }
  CCC_RETURN_IF_ERROR(CheckCurrentlyValid(cert));
  CCC_RETURN_IF_ERROR(VerifyAgainstCa(cert, *ca_certs));

  auto cert_out = EncodeCertificates(*certs);
  if (!cert_out.ok()) return cert_out.status();
  auto ca_out = EncodeCertificates(*ca_certs);
  if (!ca_out.ok()) return ca_out.status();

  TempFile cert_temp;
  TempFile ca_temp;
  CCC_RETURN_IF_ERROR(cert_temp.Write(cert_path, *cert_out));
  CCC_RETURN_IF_ERROR(ca_temp.Write(ca_path, *ca_out));
  CCC_RETURN_IF_ERROR(ca_temp.RenameTo(ca_path));
  CCC_RETURN_IF_ERROR(cert_temp.RenameTo(cert_path));
  CCC_RETURN_IF_ERROR(FsyncFolder(DirOf(cert_path)));
  if (DirOf(ca_path) != DirOf(cert_path)) CCC_RETURN_IF_ERROR(FsyncFolder(DirOf(ca_path)));
  return Status::Ok();
}

Status RemoveCredentials(const std::string& key_path, const std::string& cert_path,
                         const std::string& ca_path) {
  OverwriteWithZeros(key_path);
  Status first;
  for (const std::string* path : {&key_path, &cert_path, &ca_path}) {
    Status removed = RemoveFileIfPresent(*path);
    if (!removed.ok() && first.ok()) first = std::move(removed);
  }
  std::vector<std::string> dirs;
  for (const std::string* path : {&key_path, &cert_path, &ca_path}) {
    std::string dir = DirOf(*path);
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(std::move(dir));
  }
  for (const auto& dir : dirs) {
    Status synced = FsyncFolder(dir);
    if (!synced.ok() && first.ok() && synced.code() != StatusCode::kNotFound) {
      first = std::move(synced);
    }
  }
  return first;
}

}  // namespace ccc::agent::pairing
