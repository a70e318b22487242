#include "agent/pairing/pairing_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent/pairing/credentials.h"
#include "agent/pairing/test_relay.h"

namespace ccc::agent::pairing {
namespace {

namespace fs = std::filesystem;

class PairingFilesTest : public testing::TempFolderTest {
 protected:
};

TEST_F(PairingFilesTest, PairingRecordSurvivesAWriteAndRead) {
  const PairingRecord record{"pbx-0001", "https://relay.example.com", "mqtt.example.com", 8883,
                             1'700'000'000};
  ASSERT_TRUE(WriteFileAtomically(Path("pairing.json"), EncodePairingRecord(record), 0644).ok());

  auto read = ReadPairingRecord(Path("pairing.json"));

  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->device_id, "pbx-0001");
  EXPECT_EQ(read->relay_url, "https://relay.example.com");
  EXPECT_EQ(read->broker_host, "mqtt.example.com");
  EXPECT_EQ(read->broker_port, 8883);
  EXPECT_EQ(read->paired_at_s, 1'700'000'000);
}

TEST_F(PairingFilesTest, MissingPairingRecordIsNotFound) {
  EXPECT_EQ(ReadPairingRecord(Path("pairing.json")).status().code(), StatusCode::kNotFound);
}

TEST_F(PairingFilesTest, PairingRecordWithoutBrokerPortIsInvalid) {
  EXPECT_EQ(DecodePairingRecord(R"({"broker":{"host":"h"}})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePairingRecord("not json").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PairingFilesTest, AtomicWriteReplacesTheFileWithTheGivenMode) {
  ASSERT_TRUE(WriteFileAtomically(Path("f"), "old", 0600).ok());
  ASSERT_TRUE(WriteFileAtomically(Path("f"), "new", 0644).ok());
  std::ifstream in(Path("f"));
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "new");
  struct stat st {};
  ASSERT_EQ(::stat(Path("f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(PairingFilesTest, EnsureParentFolderCreatesMissingFolders) {
  ASSERT_TRUE(EnsureParentFolder(Path("a/b/agent.key")).ok());
  EXPECT_TRUE(fs::is_directory(dir_ / "a" / "b"));
}

TEST_F(PairingFilesTest, CertificateSummaryHasCommonNameAndValidity) {
  testing::TestCa ca("device-ca");
  ASSERT_TRUE(CreatePrivateKey(Path("agent.key")).ok());
  auto csr = MakeCsr(Path("agent.key"), "pbx-0001");
  ASSERT_TRUE(csr.ok());
  const std::string cert = ca.SignCsr(*csr);

  auto summary = SummarizeCertificatePem(cert);

  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->common_name, "pbx-0001");
  const int64_t now = ::time(nullptr);
  EXPECT_NEAR(static_cast<double>(summary->not_after_s), static_cast<double>(now + 30 * 86400),
              120);
  EXPECT_LT(summary->not_before_s, now);
}

TEST_F(PairingFilesTest, FormatUtcPrintsTheDateInUtc) {
  EXPECT_EQ(FormatUtc(0), "1970-01-01 00:00:00 UTC");
  EXPECT_EQ(FormatUtc(1'700'000'000), "2023-11-14 22:13:20 UTC");
}

}  // namespace
}  // namespace ccc::agent::pairing
