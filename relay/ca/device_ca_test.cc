#include "relay/ca/device_ca.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "common/crypto/openssl_helpers.h"

namespace ccc::relay::ca {
namespace {

using std::chrono::hours;

using crypto::BioPtr;
using crypto::BnPtr;
using crypto::CrlPtr;
using crypto::PkeyPtr;
using crypto::ReqPtr;
using crypto::StoreCtxPtr;
using crypto::StorePtr;
using crypto::X509Ptr;

constexpr char kSerial[] = "CTX0012345";

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data);
  return std::string(data, static_cast<size_t>(size));
}

BioPtr ReadBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

PkeyPtr EcKey(const char* curve) {
  return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}

PkeyPtr RsaKey(size_t bits) { return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits)); }

ReqPtr MakeReq(EVP_PKEY* key, const std::string& cn) {
  ReqPtr req(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.data()),
                             static_cast<int>(cn.size()), -1, 0);
  X509_REQ_set_pubkey(req.get(), key);
  X509_REQ_sign(req.get(), key, EVP_sha256());
  return req;
}

std::string ReqPem(X509_REQ* req) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req);
  return BioText(bio.get());
}

std::string MakeCsr(EVP_PKEY* key, const std::string& cn) {
  ReqPtr req = MakeReq(key, cn);
  return ReqPem(req.get());
}

X509Ptr ParseCert(const std::string& pem) {
  BioPtr bio = ReadBio(pem);
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

CrlPtr ParseCrl(const std::string& pem) {
  BioPtr bio = ReadBio(pem);
  return CrlPtr(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
}

// X509_verify_cert result for leaf against the CA (client purpose); with crl_pem set, the
// CRL is added and checked. Returns X509_V_OK or the verification error.
int VerifyLeaf(const std::string& ca_pem, const std::string& leaf_pem,
               const std::string& crl_pem = "") {
  X509Ptr ca = ParseCert(ca_pem);
  X509Ptr leaf = ParseCert(leaf_pem);
  StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca.get());
  CrlPtr crl;
  if (!crl_pem.empty()) {
    crl = ParseCrl(crl_pem);
    X509_STORE_add_crl(store.get(), crl.get());
    X509_STORE_set_flags(store.get(), X509_V_FLAG_CRL_CHECK);
  }
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  int ok = X509_verify_cert(ctx.get());
  int error = X509_STORE_CTX_get_error(ctx.get());
  return ok == 1 ? X509_V_OK : (error == X509_V_OK ? -1 : error);
}

class DeviceCaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "relay_ca_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    key_path_ = (dir_ / "ca.key").string();
    cert_path_ = (dir_ / "ca.crt").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  DeviceCa Open() {
    Result<DeviceCa> ca = DeviceCa::OpenOrCreate(key_path_, cert_path_, "CCC Device CA");
    EXPECT_TRUE(ca.ok()) << ca.status().ToString();
    return std::move(ca).value();
  }

  void WriteFile(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  std::filesystem::path dir_;
  std::string key_path_;
  std::string cert_path_;
};

TEST_F(DeviceCaTest, ReopeningLoadsTheSameCa) {
  std::string first = Open().CaCertificatePem();
  std::string second = Open().CaCertificatePem();
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, second);
}

TEST_F(DeviceCaTest, CreatedCaIsASelfSignedCaCertificate) {
  X509Ptr cert = ParseCert(Open().CaCertificatePem());
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_check_ca(cert.get()), 1);
  EXPECT_NE(X509_get_extension_flags(cert.get()) & EXFLAG_SS, 0u);
  EXPECT_NE(X509_get_key_usage(cert.get()) & KU_KEY_CERT_SIGN, 0u);
  EXPECT_NE(X509_get_key_usage(cert.get()) & KU_CRL_SIGN, 0u);
  EXPECT_NE(X509_get0_subject_key_id(cert.get()), nullptr);
}

TEST_F(DeviceCaTest, KeyFileIsWrittenWithMode0600) {
  Open();
  struct stat st {};
  ASSERT_EQ(stat(key_path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(key_path_ + ".tmp"));
}

TEST_F(DeviceCaTest, MissingCertificateNextToAKeyIsAnErrorNamingIt) {
  Open();
  std::filesystem::remove(cert_path_);
  Result<DeviceCa> ca = DeviceCa::OpenOrCreate(key_path_, cert_path_, "CCC Device CA");
  ASSERT_FALSE(ca.ok());
  EXPECT_NE(ca.status().message().find(cert_path_), std::string::npos) << ca.status().message();
}

TEST_F(DeviceCaTest, KeyThatDoesNotMatchTheCertificateIsAnErrorNamingTheKey) {
  Open();
  PkeyPtr other = EcKey("P-256");
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), other.get(), nullptr, nullptr, 0, nullptr, nullptr);
  WriteFile(key_path_, BioText(bio.get()));
  Result<DeviceCa> ca = DeviceCa::OpenOrCreate(key_path_, cert_path_, "CCC Device CA");
  ASSERT_FALSE(ca.ok());
  EXPECT_NE(ca.status().message().find("does not match"), std::string::npos);
  EXPECT_NE(ca.status().message().find(key_path_), std::string::npos);
}

TEST_F(DeviceCaTest, SignedLeafVerifiesAsClientCertificate) {
  DeviceCa ca = Open();
  PkeyPtr key = EcKey("P-256");
  Result<SignedCertificate> leaf = ca.SignCsr(MakeCsr(key.get(), kSerial), kSerial, hours(24));
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_EQ(VerifyLeaf(ca.CaCertificatePem(), leaf->certificate_pem), X509_V_OK);
}

TEST_F(DeviceCaTest, SignedLeafCarriesTheRequestedIdentityAndLimits) {
  DeviceCa ca = Open();
  PkeyPtr key = EcKey("P-384");
  const auto before = std::chrono::system_clock::now();
  Result<SignedCertificate> leaf = ca.SignCsr(MakeCsr(key.get(), kSerial), kSerial, hours(48));
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  X509Ptr cert = ParseCert(leaf->certificate_pem);
  ASSERT_NE(cert, nullptr);

  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, kSerial);
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(cert.get())), 1);
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_NE(X509_get0_authority_key_id(cert.get()), nullptr);

  BnPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr));
  char* hex = BN_bn2hex(serial.get());
  EXPECT_EQ(leaf->serial_hex, hex);
  OPENSSL_free(hex);
  EXPECT_GE(BN_num_bits(serial.get()), 64);

  const auto expected = before + hours(48);
  EXPECT_LE(std::chrono::abs(leaf->not_after - expected), std::chrono::seconds(5));
  EXPECT_EQ(X509_cmp_time(X509_get0_notAfter(cert.get()), nullptr), 1);
}

TEST_F(DeviceCaTest, TwoLeavesGetDifferentSerials) {
  DeviceCa ca = Open();
  PkeyPtr key = EcKey("P-256");
  std::string csr = MakeCsr(key.get(), kSerial);
  Result<SignedCertificate> a = ca.SignCsr(csr, kSerial, hours(1));
  Result<SignedCertificate> b = ca.SignCsr(csr, kSerial, hours(1));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->serial_hex, b->serial_hex);
}

TEST_F(DeviceCaTest, CsrForAnotherSerialIsRefused) {
  DeviceCa ca = Open();
  PkeyPtr key = EcKey("P-256");
  Result<SignedCertificate> leaf = ca.SignCsr(MakeCsr(key.get(), "OTHER"), kSerial, hours(1));
  ASSERT_FALSE(leaf.ok());
  EXPECT_EQ(leaf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(leaf.status().message(), "CSR common name 'OTHER' does not match serial 'CTX0012345'");
}

TEST_F(DeviceCaTest, CsrWithTamperedSignatureIsRefused) {
  DeviceCa ca = Open();
  PkeyPtr key = EcKey("P-256");
  ReqPtr req = MakeReq(key.get(), kSerial);
  const ASN1_BIT_STRING* signature = nullptr;
  X509_REQ_get0_signature(req.get(), &signature, nullptr);
  ASSERT_NE(signature, nullptr);
  // The signature's bytes are owned by req; flipping one in place re-encodes it tampered.
  unsigned char* bytes = const_cast<unsigned char*>(ASN1_STRING_get0_data(signature));
  bytes[ASN1_STRING_length(signature) / 2] ^= 0x01;
  Result<SignedCertificate> leaf = ca.SignCsr(ReqPem(req.get()), kSerial, hours(1));
  ASSERT_FALSE(leaf.ok());
  EXPECT_EQ(leaf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(leaf.status().message(), "CSR signature does not verify");
}

TEST_F(DeviceCaTest, Rsa1024KeyIsRefused) {
  DeviceCa ca = Open();
  PkeyPtr key = RsaKey(1024);
  ASSERT_NE(key, nullptr);
  Result<SignedCertificate> leaf = ca.SignCsr(MakeCsr(key.get(), kSerial), kSerial, hours(1));
  ASSERT_FALSE(leaf.ok());
  EXPECT_EQ(leaf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(leaf.status().message().find("RSA key of 1024 bits is too small"), std::string::npos)
      << leaf.status().message();
}

TEST_F(DeviceCaTest, Rsa2048KeyIsAccepted) {
  DeviceCa ca = Open();
  PkeyPtr key = RsaKey(2048);
  Result<SignedCertificate> leaf = ca.SignCsr(MakeCsr(key.get(), kSerial), kSerial, hours(1));
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_EQ(VerifyLeaf(ca.CaCertificatePem(), leaf->certificate_pem), X509_V_OK);
}

TEST_F(DeviceCaTest, EcKeyOnAnUnlistedCurveIsRefused) {
  DeviceCa ca = Open();
  PkeyPtr key = EcKey("secp256k1");
  ASSERT_NE(key, nullptr);
  Result<SignedCertificate> leaf = ca.SignCsr(MakeCsr(key.get(), kSerial), kSerial, hours(1));
  ASSERT_FALSE(leaf.ok());
  EXPECT_NE(leaf.status().message().find("secp256k1"), std::string::npos);
}

TEST_F(DeviceCaTest, GarbagePemIsRefused) {
  DeviceCa ca = Open();
  Result<SignedCertificate> leaf = ca.SignCsr(
      "-----BEGIN CERTIFICATE REQUEST-----\nnot base64!\n"
      "-----END CERTIFICATE REQUEST-----\n",
      kSerial, hours(1));
  ASSERT_FALSE(leaf.ok());
  EXPECT_EQ(leaf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(leaf.status().message(), "CSR is not a PEM certificate request");
}

TEST_F(DeviceCaTest, OversizedCsrIsRefusedBeforeParsing) {
  DeviceCa ca = Open();
  Result<SignedCertificate> leaf =
      ca.SignCsr(std::string(DeviceCa::kMaxCsrBytes + 1, 'A'), kSerial, hours(1));
  ASSERT_FALSE(leaf.ok());
  EXPECT_EQ(leaf.status().code(), StatusCode::kTooLarge);
}

TEST_F(DeviceCaTest, CrlListsRevokedSerialAndIsSignedByTheCa) {
  DeviceCa ca = Open();
  ASSERT_TRUE(ca.Revoke("00abCDef01", 1700000000).ok());
  Result<std::string> pem = ca.CrlPem(hours(24));
  ASSERT_TRUE(pem.ok()) << pem.status().ToString();
  CrlPtr crl = ParseCrl(*pem);
  ASSERT_NE(crl, nullptr);

  X509Ptr ca_cert = ParseCert(ca.CaCertificatePem());
  EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(ca_cert.get())), 1);
  EXPECT_EQ(X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(ca_cert.get())), 0);

  BIGNUM* raw = nullptr;
  BN_hex2bn(&raw, "ABCDEF01");
  BnPtr bn(raw);
  ASN1_INTEGER* serial = BN_to_ASN1_INTEGER(bn.get(), nullptr);
  X509_REVOKED* entry = nullptr;
  EXPECT_EQ(X509_CRL_get0_by_serial(crl.get(), &entry, serial), 1);
  ASN1_INTEGER_free(serial);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_REVOKED_get0_revocationDate(entry), 1700000000), 0);
  EXPECT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())), 1);
}

TEST_F(DeviceCaTest, LeafFailsCrlCheckOnlyAfterRevocation) {
  DeviceCa ca = Open();
  PkeyPtr key = EcKey("P-256");
  Result<SignedCertificate> leaf = ca.SignCsr(MakeCsr(key.get(), kSerial), kSerial, hours(24));
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();

  Result<std::string> before = ca.CrlPem(hours(24));
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(VerifyLeaf(ca.CaCertificatePem(), leaf->certificate_pem, *before), X509_V_OK);

  ASSERT_TRUE(ca.Revoke(leaf->serial_hex, 1700000000).ok());
  EXPECT_TRUE(ca.IsRevoked(leaf->serial_hex));
  Result<std::string> after = ca.CrlPem(hours(24));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(VerifyLeaf(ca.CaCertificatePem(), leaf->certificate_pem, *after),
            X509_V_ERR_CERT_REVOKED);
}

TEST_F(DeviceCaTest, MalformedSerialCannotBeRevoked) {
  DeviceCa ca = Open();
  EXPECT_EQ(ca.Revoke("xyz", 1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ca.Revoke("", 1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ca.Revoke("00", 1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ca.Revoke(std::string(41, 'A'), 1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ca.ExportRevocationList(), "");
}

TEST_F(DeviceCaTest, RevocationListSurvivesExportAndLoad) {
  DeviceCa ca = Open();
  ASSERT_TRUE(ca.Revoke("0a", 100).ok());
  ASSERT_TRUE(ca.Revoke("ff01", 200).ok());
  ASSERT_TRUE(ca.Revoke("FF01", 300).ok());  // same serial: first time kept
  std::string text = ca.ExportRevocationList();
  EXPECT_EQ(text, "0A 100\nFF01 200\n");

  DeviceCa reopened = Open();
  EXPECT_FALSE(reopened.IsRevoked("0A"));
  ASSERT_TRUE(reopened.LoadRevocationList(text).ok());
  EXPECT_TRUE(reopened.IsRevoked("0a"));
  EXPECT_TRUE(reopened.IsRevoked("FF01"));
  EXPECT_EQ(reopened.ExportRevocationList(), text);
}

TEST_F(DeviceCaTest, BadRevocationListLeavesTheCurrentOneUnchanged) {
  DeviceCa ca = Open();
  ASSERT_TRUE(ca.Revoke("0A", 100).ok());
  Status status = ca.LoadRevocationList("0B 1\nnot-hex 2\n");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("line 2"), std::string::npos) << status.message();
  EXPECT_EQ(ca.ExportRevocationList(), "0A 100\n");
}

}  // namespace
}  // namespace ccc::relay::ca
