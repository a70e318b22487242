#include "relay/pairing/pairing_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "agent/pairing/credentials.h"
#include "agent/pairing/unpair_command.h"
#include "common/crypto/openssl_helpers.h"
#include "relay/broker/broker_control.h"
#include "relay/directory/directory_test_util.h"
#include "relay/store/store.h"

namespace ccc::relay::pairing {
namespace {

using directory::Ms;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Records what the service asks of the broker; the real control is tested in relay/broker.
class RecordingBroker : public broker::BrokerControl {
 public:
  Status AdmitDevice(const std::string& device_id) override {
    admitted.push_back(device_id);
    return Status::Ok();
  }
  Status EvictDevice(const std::string& device_id, const std::string& crl_pem) override {
    evicted.push_back(device_id);
    last_crl = crl_pem;
    return Status::Ok();
  }
  Status InstallCrl(const std::string& crl_pem) override {
    ++installs;
    last_crl = crl_pem;
    return Status::Ok();
  }

  std::vector<std::string> admitted;
  std::vector<std::string> evicted;
  int installs = 0;
  std::string last_crl;
};

// Serials (upper-case hex) listed in a PEM CRL.
std::vector<std::string> CrlSerials(const std::string& crl_pem) {
  crypto::BioPtr bio = crypto::MemoryBio(crl_pem);
  crypto::CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  std::vector<std::string> serials;
  if (!crl) return serials;
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    const ASN1_INTEGER* serial = X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i));
    crypto::BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    char* hex = BN_bn2hex(bn.get());
    serials.emplace_back(hex);
    OPENSSL_free(hex);
  }
  return serials;
}

std::string CommonName(const std::string& cert_pem) {
  crypto::BioPtr bio = crypto::MemoryBio(cert_pem);
  crypto::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return "";
  char cn[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn);
  return cn;
}

class PairingServiceTest : public directory::testutil::DirectoryTest {
 protected:
  static constexpr Ms kLater = kNow + 60'000;  // codes from MakeSystem are valid until +24h

  void SetUp() override {
    DirectoryTest::SetUp();
    auto store = store::OpenSqliteStore({Options().ingest_path, false});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    Reopen();  // attaches the ingest database that exists now

    auto broker_ca =
        ca::DeviceCa::OpenOrCreate(Path("broker-ca.key"), Path("broker-ca.crt"), "test broker CA");
    ASSERT_TRUE(broker_ca.ok()) << broker_ca.status().ToString();
    config_.broker_host = "broker.example.net";
    config_.broker_port = 8884;
    config_.broker_ca_file = Path("broker-ca.crt");
    config_.ca_key_file = Path("device-ca.key");
    config_.ca_cert_file = Path("device-ca.crt");
    OpenService();

    company_ = MakeCompany();
    owner_ = MakeUser(company_);
    system_ = MakeSystem(company_, owner_, "PBX-000001");
  }

  void OpenService() {
    service_.reset();
    auto service = PairingService::Open(config_, &dir(), store_.get(), &broker_);
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    service_ = std::move(*service);
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // A fresh agent key for `serial` (one per key_name) and a CSR with CN = cn.
  std::string Csr(const std::string& key_name, const std::string& cn) {
    const std::string key = Path(key_name);
    if (!std::filesystem::exists(key)) {
      auto created = agent::pairing::CreatePrivateKey(key);
      EXPECT_TRUE(created.ok()) << created.status().ToString();
    }
    auto csr = agent::pairing::MakeCsr(key, cn);
    EXPECT_TRUE(csr.ok()) << csr.status().ToString();
    return csr.ok() ? *csr : "";
  }

  std::string CurrentCode(int64_t system_id) {
    auto system = dir().GetSystem(system_id);
    if (!system.ok() || !system->has_value() || !(*system)->code) {
      ADD_FAILURE() << "system " << system_id << " has no code";
      return "";
    }
    return (*system)->code->code;
  }

  PairOutcome PairWith(const std::string& serial, const std::string& code, const std::string& csr,
                       Ms now = kLater, const std::string& address = "198.51.100.7") {
    return service_->Pair(PairRequest{serial, code, csr, address}, now);
  }

  // Pairs PBX-000001 with key "agent.key"; returns the certificate.
  std::string PairFirstSystem() {
    PairOutcome outcome =
        PairWith("PBX-000001", CurrentCode(system_), Csr("agent.key", "PBX-000001"));
    EXPECT_TRUE(outcome.ok()) << outcome.message;
    return outcome.grant.certificate_pem;
  }

  UnpairRequest SignedUnpair(const std::string& serial, const std::string& cert, int64_t timestamp,
                             const std::string& key_name = "agent.key") {
    auto signature = agent::pairing::SignWithDeviceKey(
        Path(key_name), agent::pairing::UnpairMessage(serial, timestamp));
    EXPECT_TRUE(signature.ok()) << signature.status().ToString();
    return UnpairRequest{serial, cert, timestamp, signature.ok() ? *signature : "", "198.51.100.7"};
  }

  directory::System SystemNow(int64_t id) {
    auto system = dir().GetSystem(id);
    EXPECT_TRUE(system.ok() && system->has_value());
    return system.ok() && system->has_value() ? **system : directory::System{};
  }

  bool Registered(const std::string& serial) {
    auto device = store_->FindDevice(serial);
    EXPECT_TRUE(device.ok());
    return device.ok() && device->has_value();
  }

  std::vector<std::string> FailedPairingReasons() {
    std::vector<std::string> reasons;
    for (const directory::AuditEntry& entry : AuditOf(company_)) {
      if (entry.action == "pairing.failed") reasons.push_back(entry.details_json);
    }
    return reasons;
  }

  PairingConfig config_;
  std::unique_ptr<store::Store> store_;
  RecordingBroker broker_;
  std::unique_ptr<PairingService> service_;
  int64_t company_ = 0;
  int64_t owner_ = 0;
  int64_t system_ = 0;
};

TEST_F(PairingServiceTest, NewCodeIsValidForTheConfiguredTime) {
  directory::PairingCode code = service_->NewCode(kNow);
  EXPECT_THAT(code.code, ::testing::MatchesRegex("[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}"));
  EXPECT_EQ(code.created_ms, kNow);
  EXPECT_EQ(code.expires_ms, kNow + 24 * 3600 * 1000);
}

TEST_F(PairingServiceTest, PairingWithAValidCodeReturnsCertificateCaAndBroker) {
  PairOutcome outcome =
      PairWith("PBX-000001", CurrentCode(system_), Csr("agent.key", "PBX-000001"));
  ASSERT_TRUE(outcome.ok()) << outcome.message;
  EXPECT_EQ(outcome.grant.device_id, "PBX-000001");
  EXPECT_EQ(CommonName(outcome.grant.certificate_pem), "PBX-000001");
  EXPECT_EQ(outcome.grant.ca_pem, service_->DeviceCaPem());
  EXPECT_EQ(outcome.grant.broker_host, "broker.example.net");
  EXPECT_EQ(outcome.grant.broker_port, 8884);
  EXPECT_THAT(outcome.grant.broker_ca_pem, HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_NE(outcome.grant.broker_ca_pem, outcome.grant.ca_pem);
}

TEST_F(PairingServiceTest, PairingStoresThePairingAndOpensIngestAndBroker) {
  PairFirstSystem();
  directory::System system = SystemNow(system_);
  EXPECT_TRUE(system.paired);
  EXPECT_TRUE(system.cert_serial.has_value());
  EXPECT_EQ(system.first_registration_ms, kLater);
  EXPECT_TRUE(Registered("PBX-000001"));
  EXPECT_THAT(broker_.admitted, ElementsAre("PBX-000001"));
}

TEST_F(PairingServiceTest, PairingForgivesCaseSpacesAndMissingDashesInTheCode) {
  std::string code = CurrentCode(system_);
  code.erase(std::remove(code.begin(), code.end(), '-'), code.end());
  std::transform(code.begin(), code.end(), code.begin(), ::tolower);
  code.insert(6, " ");
  PairOutcome outcome = PairWith("PBX-000001", code, Csr("agent.key", "PBX-000001"));
  EXPECT_TRUE(outcome.ok()) << outcome.message;
}

TEST_F(PairingServiceTest, AnExpiredCodeIsRefusedAndAudited) {
  PairOutcome outcome = PairWith("PBX-000001", CurrentCode(system_), Csr("agent.key", "PBX-000001"),
                                 kNow + 24 * 3600 * 1000);
  EXPECT_EQ(outcome.error, PairError::kCodeExpired);
  EXPECT_FALSE(SystemNow(system_).paired);
  EXPECT_FALSE(Registered("PBX-000001"));
  EXPECT_THAT(FailedPairingReasons(), ElementsAre(HasSubstr("pairing_code_expired")));
}

TEST_F(PairingServiceTest, AUsedCodeIsRefused) {
  const std::string code = CurrentCode(system_);
  PairFirstSystem();
  PairOutcome outcome = PairWith("PBX-000001", code, Csr("agent.key", "PBX-000001"));
  EXPECT_EQ(outcome.error, PairError::kCodeUsed);
  EXPECT_EQ(PairErrorCode(outcome.error), "pairing_code_used");
}

TEST_F(PairingServiceTest, ARenewedCodeReplacesTheOldOne) {
  const std::string old_code = CurrentCode(system_);
  ASSERT_TRUE(dir().RenewPairingCode(system_, service_->NewCode(kNow + 1), ActorFor(owner_)).ok());
  PairOutcome outcome = PairWith("PBX-000001", old_code, Csr("agent.key", "PBX-000001"));
  EXPECT_EQ(outcome.error, PairError::kCodeReplaced);
  EXPECT_FALSE(SystemNow(system_).paired);
}

TEST_F(PairingServiceTest, ACancelledCodeCountsAsReplaced) {
  const std::string code = CurrentCode(system_);
  ASSERT_TRUE(dir().CancelPairingCode(system_, kNow + 1, ActorFor(owner_)).ok());
  EXPECT_EQ(PairWith("PBX-000001", code, Csr("agent.key", "PBX-000001")).error,
            PairError::kCodeReplaced);
}

TEST_F(PairingServiceTest, AnUnknownCodeIsRefusedAndAuditedForTheSerialsCompany) {
  PairOutcome outcome = PairWith("PBX-000001", "ZZZZ-ZZZZ-ZZZZ", Csr("agent.key", "PBX-000001"));
  EXPECT_EQ(outcome.error, PairError::kCodeUnknown);
  EXPECT_THAT(FailedPairingReasons(), ElementsAre(HasSubstr("pairing_code_unknown")));
}

TEST_F(PairingServiceTest, ACodeOfAnotherSystemIsASerialMismatch) {
  MakeSystem(company_, owner_, "PBX-000002");
  PairOutcome outcome =
      PairWith("PBX-000002", CurrentCode(system_), Csr("agent.key", "PBX-000002"));
  EXPECT_EQ(outcome.error, PairError::kSerialMismatch);
  EXPECT_FALSE(SystemNow(system_).paired);
}

TEST_F(PairingServiceTest, ACsrWhoseCommonNameIsNotTheSerialIsInvalid) {
  PairOutcome outcome =
      PairWith("PBX-000001", CurrentCode(system_), Csr("agent.key", "PBX-999999"));
  EXPECT_EQ(outcome.error, PairError::kInvalidCsr);
  EXPECT_FALSE(SystemNow(system_).paired);
}

TEST_F(PairingServiceTest, AGarbageCsrIsInvalid) {
  PairOutcome outcome =
      PairWith("PBX-000001", CurrentCode(system_), "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n");
  EXPECT_EQ(outcome.error, PairError::kInvalidCsr);
  EXPECT_FALSE(outcome.message.empty());
  EXPECT_FALSE(Registered("PBX-000001"));
}

TEST_F(PairingServiceTest, RepeatedFailuresFromOneAddressAreThrottled) {
  const std::string csr = Csr("agent.key", "PBX-000001");
  for (int i = 0; i < kMaxPairingFailuresPerAddress; ++i) {
    EXPECT_EQ(PairWith("PBX-000001", "ZZZZ-ZZZZ-ZZZZ", csr).error, PairError::kCodeUnknown);
  }
  PairOutcome throttled = PairWith("PBX-000001", CurrentCode(system_), csr);
  EXPECT_EQ(throttled.error, PairError::kTooManyAttempts);
  EXPECT_GT(throttled.retry_after.count(), 0);
  EXPECT_TRUE(PairWith("PBX-000001", CurrentCode(system_), csr, kLater, "203.0.113.9").ok());
}

TEST_F(PairingServiceTest, UnpairingWithTheSignedRequestRevokesEverywhere) {
  const std::string cert = PairFirstSystem();
  const std::string cert_serial = *SystemNow(system_).cert_serial;
  UnpairOutcome outcome = service_->Unpair(SignedUnpair("PBX-000001", cert, kLater / 1000), kLater);
  ASSERT_TRUE(outcome.ok()) << outcome.message;
  EXPECT_FALSE(SystemNow(system_).paired);
  EXPECT_FALSE(Registered("PBX-000001"));
  EXPECT_THAT(broker_.evicted, ElementsAre("PBX-000001"));
  EXPECT_THAT(CrlSerials(broker_.last_crl), ElementsAre(cert_serial));
  auto revoked = dir().RevokedCertificates();
  ASSERT_TRUE(revoked.ok());
  ASSERT_EQ(revoked->size(), 1u);
  EXPECT_EQ((*revoked)[0].first, cert_serial);
}

TEST_F(PairingServiceTest, UnpairingWithASignatureOfAnotherKeyIsRefused) {
  const std::string cert = PairFirstSystem();
  Csr("intruder.key", "PBX-000001");
  UnpairOutcome outcome =
      service_->Unpair(SignedUnpair("PBX-000001", cert, kLater / 1000, "intruder.key"), kLater);
  EXPECT_EQ(outcome.error, UnpairError::kInvalidSignature);
  EXPECT_TRUE(SystemNow(system_).paired);
  EXPECT_THAT(broker_.evicted, IsEmpty());
}

TEST_F(PairingServiceTest, UnpairingWithASignatureOverAnotherTimestampIsRefused) {
  const std::string cert = PairFirstSystem();
  UnpairRequest request = SignedUnpair("PBX-000001", cert, kLater / 1000);
  request.timestamp += 1;
  EXPECT_EQ(service_->Unpair(request, kLater).error, UnpairError::kInvalidSignature);
}

TEST_F(PairingServiceTest, UnpairingWithGarbageSignatureOrCertificateIsRefused) {
  const std::string cert = PairFirstSystem();
  UnpairRequest request = SignedUnpair("PBX-000001", cert, kLater / 1000);
  request.signature_b64 = "not base64!";
  EXPECT_EQ(service_->Unpair(request, kLater).error, UnpairError::kInvalidSignature);
  request = SignedUnpair("PBX-000001", "-----BEGIN CERTIFICATE-----\nAAAA\n", kLater / 1000);
  EXPECT_EQ(service_->Unpair(request, kLater).error, UnpairError::kInvalidSignature);
  EXPECT_TRUE(SystemNow(system_).paired);
}

TEST_F(PairingServiceTest, UnpairingWithAStaleTimestampIsRefused) {
  const std::string cert = PairFirstSystem();
  const int64_t now_s = kLater / 1000;
  EXPECT_EQ(service_->Unpair(SignedUnpair("PBX-000001", cert, now_s - 301), kLater).error,
            UnpairError::kStaleTimestamp);
  EXPECT_EQ(service_->Unpair(SignedUnpair("PBX-000001", cert, now_s + 301), kLater).error,
            UnpairError::kStaleTimestamp);
  EXPECT_TRUE(SystemNow(system_).paired);
  EXPECT_TRUE(service_->Unpair(SignedUnpair("PBX-000001", cert, now_s - 300), kLater).ok());
}

TEST_F(PairingServiceTest, UnpairingWithTheOldCertificateAfterRePairingIsRefused) {
  const std::string old_cert = PairFirstSystem();
  ASSERT_TRUE(service_->Unpair(SignedUnpair("PBX-000001", old_cert, kLater / 1000), kLater).ok());
  ASSERT_TRUE(dir().RenewPairingCode(system_, service_->NewCode(kLater), ActorFor(owner_)).ok());
  PairOutcome again =
      PairWith("PBX-000001", CurrentCode(system_), Csr("agent.key", "PBX-000001"), kLater + 1);
  ASSERT_TRUE(again.ok()) << again.message;

  UnpairOutcome outcome =
      service_->Unpair(SignedUnpair("PBX-000001", old_cert, kLater / 1000), kLater + 2);
  EXPECT_EQ(outcome.error, UnpairError::kInvalidSignature);
  EXPECT_TRUE(SystemNow(system_).paired);
}

TEST_F(PairingServiceTest, UnpairingWithACertificateOfAnotherCaIsRefused) {
  PairFirstSystem();
  auto other = ca::DeviceCa::OpenOrCreate(Path("other.key"), Path("other.crt"), "other CA");
  ASSERT_TRUE(other.ok());
  auto forged =
      other->SignCsr(Csr("agent.key", "PBX-000001"), "PBX-000001", std::chrono::hours(24));
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(
      service_->Unpair(SignedUnpair("PBX-000001", forged->certificate_pem, kLater / 1000), kLater)
          .error,
      UnpairError::kInvalidSignature);
}

TEST_F(PairingServiceTest, UnpairingAnUnknownOrUnpairedSystemSaysSo) {
  EXPECT_EQ(
      service_->Unpair(UnpairRequest{"PBX-777777", "x", kLater / 1000, "AAAA", ""}, kLater).error,
      UnpairError::kNotFound);
  EXPECT_EQ(
      service_->Unpair(UnpairRequest{"PBX-000001", "x", kLater / 1000, "AAAA", ""}, kLater).error,
      UnpairError::kNotPaired);
}

TEST_F(PairingServiceTest, APairedSystemCannotBePairedAgainWithoutUnpairing) {
  PairFirstSystem();
  ASSERT_TRUE(dir().RenewPairingCode(system_, service_->NewCode(kLater), ActorFor(owner_)).ok());
  PairOutcome outcome =
      PairWith("PBX-000001", CurrentCode(system_), Csr("agent.key", "PBX-000001"), kLater + 1);
  EXPECT_EQ(outcome.error, PairError::kAlreadyPaired);
}

TEST_F(PairingServiceTest, DeletingAPairedSystemRevokesItsCertificate) {
  PairFirstSystem();
  const std::string cert_serial = *SystemNow(system_).cert_serial;
  ASSERT_TRUE(service_->DeleteSystem(system_, ActorFor(owner_), kLater + 1).ok());
  auto gone = dir().GetSystem(system_);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_FALSE(Registered("PBX-000001"));
  EXPECT_THAT(broker_.evicted, ElementsAre("PBX-000001"));
  EXPECT_THAT(CrlSerials(broker_.last_crl), ElementsAre(cert_serial));
}

TEST_F(PairingServiceTest, UnpairingFromThePortalRevokesTheCertificateAndKeepsTheSystem) {
  PairFirstSystem();
  const std::string cert_serial = *SystemNow(system_).cert_serial;
  ASSERT_TRUE(service_->UnpairSystem(system_, ActorFor(owner_), kLater + 1).ok());
  directory::System kept = SystemNow(system_);
  EXPECT_FALSE(kept.paired);
  EXPECT_TRUE(kept.first_registration_ms.has_value());
  EXPECT_FALSE(Registered("PBX-000001"));
  EXPECT_THAT(broker_.evicted, ElementsAre("PBX-000001"));
  EXPECT_THAT(CrlSerials(broker_.last_crl), ElementsAre(cert_serial));
  EXPECT_EQ(service_->UnpairSystem(system_, ActorFor(owner_), kLater + 2).code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(PairingServiceTest, UnpairingAnUnknownSystemFromThePortalIsNotFound) {
  EXPECT_EQ(service_->UnpairSystem(system_ + 1000, ActorFor(owner_), kLater).code(),
            StatusCode::kNotFound);
}

TEST_F(PairingServiceTest, DeletingAnUnpairedSystemNeedsNoBroker) {
  ASSERT_TRUE(service_->DeleteSystem(system_, ActorFor(owner_), kLater).ok());
  EXPECT_THAT(broker_.evicted, IsEmpty());
  EXPECT_EQ(service_->DeleteSystem(system_, ActorFor(owner_), kLater).code(),
            StatusCode::kNotFound);
}

TEST_F(PairingServiceTest, StartInstallsTheRevocationListKeptInTheDirectory) {
  const std::string cert = PairFirstSystem();
  const std::string cert_serial = *SystemNow(system_).cert_serial;
  ASSERT_TRUE(service_->Unpair(SignedUnpair("PBX-000001", cert, kLater / 1000), kLater).ok());

  OpenService();  // a restarted relay: the CA's in-memory list starts empty
  broker_.last_crl.clear();
  ASSERT_TRUE(service_->Start(kLater, false).ok());
  EXPECT_EQ(broker_.installs, 1);
  EXPECT_THAT(CrlSerials(broker_.last_crl), ElementsAre(cert_serial));
}

TEST_F(PairingServiceTest, StartRegistersPairedSystemsForIngest) {
  PairFirstSystem();
  ASSERT_TRUE(store_->RemoveDevice("PBX-000001").ok());
  ASSERT_TRUE(service_->Start(kLater, false).ok());
  EXPECT_TRUE(Registered("PBX-000001"));
}

TEST_F(PairingServiceTest, StartRemovesUnpairedDevicesOnlyWhenAskedTo) {
  ASSERT_TRUE(store_->RegisterDevice("manual-device", kNow).ok());
  ASSERT_TRUE(service_->Start(kLater, false).ok());
  EXPECT_TRUE(Registered("manual-device"));
  ASSERT_TRUE(service_->Start(kLater, true).ok());
  EXPECT_FALSE(Registered("manual-device"));
}

TEST(UnpairMessage, IsTheAgreedBytes) {
  EXPECT_EQ(UnpairMessage("PBX-1", 1700000000), "ccc-unpair\nPBX-1\n1700000000");
  EXPECT_EQ(UnpairMessage("PBX-1", 5), agent::pairing::UnpairMessage("PBX-1", 5));
}

}  // namespace
}  // namespace ccc::relay::pairing
