#pragma once

// Test helpers for the pairing tests (linked into agent_pairing_test only): a fresh folder
// per test, a small device CA and an in-process HTTP(S) server on 127.0.0.1 that plays the
// relay with canned answers.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ccc::agent::pairing::testing {

// A fixture with a fresh folder under the test temp dir (dir_), removed with its contents
// after the test. Subclasses that override SetUp call TempFolderTest::SetUp() first.
class TempFolderTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

// The whole file ("" when it cannot be read).
std::string ReadWholeFile(const std::string& path);
// The permission bits of path (0 when it does not exist).
unsigned ModeOf(const std::string& path);

// A self-signed EC P-256 CA. Not thread-safe.
class TestCa {
 public:
  explicit TestCa(const std::string& name);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  std::string CertPem() const;
  // A client certificate for the CSR's subject and key, valid from now-60 s to now+30 days.
  std::string SignCsr(const std::string& csr_pem) const;
  // A server certificate with subjectAltName IP:127.0.0.1 and a fresh key; {cert, key}.
  std::pair<std::string, std::string> ServerCertificate() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The CN of a PEM CSR ("" when it does not parse).
std::string CsrCommonName(const std::string& csr_pem);
// Whether base64_signature (DER ECDSA) over message verifies with cert_pem's public key.
bool VerifySignature(const std::string& cert_pem, const std::string& message,
                     const std::string& base64_signature);

struct RecordedRequest {
  std::string method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

struct CannedReply {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
  bool never_answer = false;  // reads the request, then holds the connection silently
};

// The relay's JSON error answer {"error":{"code","message"}}.
CannedReply ErrorReply(int status, const std::string& code, const std::string& message);

// Accepts connections on 127.0.0.1:<port()> on a thread of its own; each request is
// recorded and answered by the handler (called on the server thread). Stops in the
// destructor.
class TestHttpServer {
 public:
  using Handler = std::function<CannedReply(const RecordedRequest&)>;
  // tls_cert/tls_key empty: plain HTTP.
  explicit TestHttpServer(Handler handler, std::string tls_cert = {}, std::string tls_key = {});
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  int port() const;
  std::vector<RecordedRequest> requests() const;
  std::string url() const;  // "http(s)://127.0.0.1:<port>"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// An unused port on 127.0.0.1 (bound, then released): nothing listens there.
int ClosedPort();

}  // namespace ccc::agent::pairing::testing
