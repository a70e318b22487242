#include "agent/pairing/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "agent/pairing/test_relay.h"
#include "common/crypto/openssl_helpers.h"

namespace ccc::agent::pairing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::ReadWholeFile;

using crypto::BioPtr;
using crypto::PkeyPtr;
using crypto::ReqPtr;
using crypto::X509Ptr;

constexpr long kDay = 24 * 60 * 60;

// The BIO reads data in place: data must outlive it.
BioPtr MemBio(const std::string& data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

PkeyPtr NewEcKey() { return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

ReqPtr ParseCsr(const std::string& pem) {
  BioPtr bio = MemBio(pem);
  return ReqPtr(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(ext, nullptr);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A tiny device CA like the relay's: self-signed EC P-256, signs client certificates.
class TestCa {
 public:
  explicit TestCa(const std::string& name) : key_(NewEcKey()), cert_(X509_new()) {
    X509* cert = cert_.get();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    X509_gmtime_adj(X509_getm_notBefore(cert), -kDay);
    X509_gmtime_adj(X509_getm_notAfter(cert), 365 * kDay);
    X509_set_pubkey(cert, key_.get());
    AddExtension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
    X509_sign(cert, key_.get(), EVP_sha256());
  }

  std::string CertPem() const {
    BioPtr out(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(out.get(), cert_.get());
    return BioText(out.get());
  }

  // Signs the CSR's subject and key, valid from now+not_before_s to now+not_after_s.
  std::string Sign(const std::string& csr_pem, long not_before_s = -60,
                   long not_after_s = 30 * kDay) const {
    ReqPtr req = ParseCsr(csr_pem);
    EXPECT_NE(req, nullptr);
    PkeyPtr pub(X509_REQ_get_pubkey(req.get()));
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ++serial_);
    X509_set_subject_name(cert.get(), X509_REQ_get_subject_name(req.get()));
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert_.get()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), not_before_s);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), not_after_s);
    X509_set_pubkey(cert.get(), pub.get());
    AddExtension(cert.get(), cert_.get(), NID_basic_constraints, "critical,CA:FALSE");
    AddExtension(cert.get(), cert_.get(), NID_key_usage, "critical,digitalSignature");
    AddExtension(cert.get(), cert_.get(), NID_ext_key_usage, "clientAuth");
    X509_sign(cert.get(), key_.get(), EVP_sha256());
    BioPtr out(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(out.get(), cert.get());
    return BioText(out.get());
  }

 private:
  PkeyPtr key_;
  X509Ptr cert_;
  mutable long serial_ = 1;
};

class CredentialsTest : public testing::TempFolderTest {
 protected:
  // A fresh key at name and a certificate for serial from ca.
  std::string KeyAndCert(const std::string& name, const std::string& serial, const TestCa& ca,
                         long not_before_s = -60, long not_after_s = 30 * kDay) {
    auto key = CreatePrivateKey(Path(name));
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    auto csr = MakeCsr(Path(name), serial);
    EXPECT_TRUE(csr.ok()) << csr.status().ToString();
    return ca.Sign(*csr, not_before_s, not_after_s);
  }

  Status Store(const std::string& cert_pem, const TestCa& ca) {
    return StoreCertificate(Path("agent.key"), Path("agent.crt"), Path("ca.crt"), cert_pem,
                            ca.CertPem(), "dev-1");
  }

  void ExpectNothingStored() const {
    EXPECT_FALSE(fs::exists(dir_ / "agent.crt"));
    EXPECT_FALSE(fs::exists(dir_ / "ca.crt"));
    for (const auto& entry : fs::directory_iterator(dir_)) {
      EXPECT_THAT(entry.path().filename().string(), ::testing::Not(HasSubstr(".tmp.")));
    }
  }
};

TEST_F(CredentialsTest, CreatedKeyIsOwnerOnlyEvenWithPermissiveUmask) {
  const mode_t old_mask = ::umask(0);
  auto key = CreatePrivateKey(Path("agent.key"));
  ::umask(old_mask);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, Path("agent.key"));
  struct stat st {};
  ASSERT_EQ(::stat(key->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(CredentialsTest, CreatedKeyIsPkcs8PemForP256) {
  ASSERT_TRUE(CreatePrivateKey(Path("agent.key")).ok());
  const std::string pem = ReadWholeFile(Path("agent.key"));
  EXPECT_THAT(pem, HasSubstr("-----BEGIN PRIVATE KEY-----"));
  BioPtr bio = MemBio(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_NE(key, nullptr);
  char group[64] = {};
  size_t len = 0;
  ASSERT_EQ(EVP_PKEY_get_group_name(key.get(), group, sizeof group, &len), 1);
  EXPECT_STREQ(group, "prime256v1");
}

TEST_F(CredentialsTest, SecondCreateRefusesAndKeepsFirstKeyByteIdentical) {
  ASSERT_TRUE(CreatePrivateKey(Path("agent.key")).ok());
  const std::string first = ReadWholeFile(Path("agent.key"));
  auto again = CreatePrivateKey(Path("agent.key"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadWholeFile(Path("agent.key")), first);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(CredentialsTest, CreateInMissingFolderFails) {
  auto key = CreatePrivateKey(Path("missing/agent.key"));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), StatusCode::kNotFound);
}

TEST_F(CredentialsTest, KeyExistsTellsWhetherTheFileIsThere) {
  auto before = KeyExists(Path("agent.key"));
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(*before);
  ASSERT_TRUE(CreatePrivateKey(Path("agent.key")).ok());
  auto after = KeyExists(Path("agent.key"));
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*after);
}

TEST_F(CredentialsTest, CsrCarriesSerialAsCnAndVerifiesWithTheKey) {
  ASSERT_TRUE(CreatePrivateKey(Path("agent.key")).ok());
  auto csr = MakeCsr(Path("agent.key"), "dev-1");
  ASSERT_TRUE(csr.ok()) << csr.status().ToString();
  ReqPtr req = ParseCsr(*csr);
  ASSERT_NE(req, nullptr);
  PkeyPtr pub(X509_REQ_get_pubkey(req.get()));
  EXPECT_EQ(X509_REQ_verify(req.get(), pub.get()), 1);
  EXPECT_EQ(X509_REQ_get_signature_nid(req.get()), NID_ecdsa_with_SHA256);
  char cn[80] = {};
  X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req.get()), NID_commonName, cn, sizeof cn);
  EXPECT_STREQ(cn, "dev-1");

  const std::string key_pem = ReadWholeFile(Path("agent.key"));
  BioPtr bio = MemBio(key_pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(X509_REQ_check_private_key(req.get(), key.get()), 1);
}

TEST_F(CredentialsTest, CsrRefusesInvalidSerial) {
  ASSERT_TRUE(CreatePrivateKey(Path("agent.key")).ok());
  for (const char* serial : {"", ".hidden", "a/b", "a+b", "dev#1"}) {
    auto csr = MakeCsr(Path("agent.key"), serial);
    ASSERT_FALSE(csr.ok()) << serial;
    EXPECT_EQ(csr.status().code(), StatusCode::kInvalidArgument) << serial;
  }
  EXPECT_FALSE(MakeCsr(Path("agent.key"), std::string(65, 'a')).ok());
}

TEST_F(CredentialsTest, CsrForMissingKeyFails) {
  auto csr = MakeCsr(Path("agent.key"), "dev-1");
  ASSERT_FALSE(csr.ok());
  EXPECT_EQ(csr.status().code(), StatusCode::kNotFound);
}

TEST_F(CredentialsTest, StoresProperCertificateAndCaWithOwnerOnlyMode) {
  TestCa ca("Test Device CA");
  const std::string cert = KeyAndCert("agent.key", "dev-1", ca);
  ASSERT_TRUE(Store(cert, ca).ok()) << Store(cert, ca).ToString();
  EXPECT_EQ(ReadWholeFile(Path("agent.crt")), cert);
  EXPECT_EQ(ReadWholeFile(Path("ca.crt")), ca.CertPem());
  for (const char* name : {"agent.crt", "ca.crt"}) {
    struct stat st {};
    ASSERT_EQ(::stat(Path(name).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u) << name;
  }
}

TEST_F(CredentialsTest, StoreReplacesEarlierCertificate) {
  TestCa ca("Test Device CA");
  const std::string first = KeyAndCert("agent.key", "dev-1", ca);
  ASSERT_TRUE(Store(first, ca).ok());
  const std::string second = ca.Sign(*MakeCsr(Path("agent.key"), "dev-1"));
  ASSERT_NE(first, second);
  ASSERT_TRUE(Store(second, ca).ok());
  EXPECT_EQ(ReadWholeFile(Path("agent.crt")), second);
}

TEST_F(CredentialsTest, StoreRefusesCertificateForAnotherKey) {
  TestCa ca("Test Device CA");
  ASSERT_TRUE(CreatePrivateKey(Path("agent.key")).ok());
  const std::string other = KeyAndCert("other.key", "dev-1", ca);
  const Status status = Store(other, ca);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("another key"));
  ExpectNothingStored();
}

TEST_F(CredentialsTest, StoreRefusesWrongCn) {
  TestCa ca("Test Device CA");
  const Status status = Store(KeyAndCert("agent.key", "dev-2", ca), ca);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("'dev-2'"));
  ExpectNothingStored();
}

TEST_F(CredentialsTest, StoreRefusesCertificateFromAnotherCa) {
  TestCa ca("Test Device CA");
  TestCa impostor("Test Device CA");
  const Status status = Store(KeyAndCert("agent.key", "dev-1", impostor), ca);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("does not verify"));
  ExpectNothingStored();
}

TEST_F(CredentialsTest, StoreRefusesExpiredCertificate) {
  TestCa ca("Test Device CA");
  const Status status = Store(KeyAndCert("agent.key", "dev-1", ca, -2 * kDay, -kDay), ca);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("expired"));
  ExpectNothingStored();
}

TEST_F(CredentialsTest, StoreRefusesCertificateNotYetValid) {
  TestCa ca("Test Device CA");
  const Status status = Store(KeyAndCert("agent.key", "dev-1", ca, kDay, 2 * kDay), ca);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("not valid yet"));
  ExpectNothingStored();
}

TEST_F(CredentialsTest, StoreRefusesGarbageInsteadOfPem) {
  TestCa ca("Test Device CA");
  ASSERT_TRUE(CreatePrivateKey(Path("agent.key")).ok());
  const Status status = Store("not a certificate", ca);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  ExpectNothingStored();
}

TEST_F(CredentialsTest, StoreRefusesFailedCheckWithoutTouchingEarlierFiles) {
  TestCa ca("Test Device CA");
  const std::string good = KeyAndCert("agent.key", "dev-1", ca);
  ASSERT_TRUE(Store(good, ca).ok());
  TestCa impostor("Test Device CA");
  const std::string bad = impostor.Sign(*MakeCsr(Path("agent.key"), "dev-1"));
  EXPECT_FALSE(Store(bad, ca).ok());
  EXPECT_EQ(ReadWholeFile(Path("agent.crt")), good);
  EXPECT_EQ(ReadWholeFile(Path("ca.crt")), ca.CertPem());
}

TEST_F(CredentialsTest, RemoveDeletesAllThreeFiles) {
  TestCa ca("Test Device CA");
  ASSERT_TRUE(Store(KeyAndCert("agent.key", "dev-1", ca), ca).ok());
  ASSERT_TRUE(RemoveCredentials(Path("agent.key"), Path("agent.crt"), Path("ca.crt")).ok());
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(CredentialsTest, RemoveToleratesMissingFiles) {
  ASSERT_TRUE(CreatePrivateKey(Path("agent.key")).ok());
  EXPECT_TRUE(RemoveCredentials(Path("agent.key"), Path("agent.crt"), Path("ca.crt")).ok());
  EXPECT_TRUE(fs::is_empty(dir_));
  EXPECT_TRUE(RemoveCredentials(Path("agent.key"), Path("agent.crt"), Path("ca.crt")).ok());
}

TEST_F(CredentialsTest, RemoveLetsPairingStartAgain) {
  ASSERT_TRUE(CreatePrivateKey(Path("agent.key")).ok());
  ASSERT_TRUE(RemoveCredentials(Path("agent.key"), Path("agent.crt"), Path("ca.crt")).ok());
  EXPECT_TRUE(CreatePrivateKey(Path("agent.key")).ok());
}

}  // namespace
}  // namespace ccc::agent::pairing
