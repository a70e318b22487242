#include "agent/pairing/test_relay.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/crypto/openssl_helpers.h"

namespace ccc::agent::pairing::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using crypto::BioPtr;
using crypto::PkeyPtr;
using crypto::ReqPtr;
using crypto::X509Ptr;

constexpr long kDay = 24 * 60 * 60;

PkeyPtr NewEcKey() { return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) throw std::runtime_error("bad extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string CertText(X509* cert) {
  BioPtr out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(out.get(), cert);
  return crypto::BioContents(out.get());
}

std::string KeyText(EVP_PKEY* key) {
  BioPtr out(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(out.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return crypto::BioContents(out.get());
}

ReqPtr ParseCsr(const std::string& pem) {
  BioPtr bio = crypto::MemoryBio(pem);
  return ReqPtr(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
}

}  // namespace

struct TestCa::Impl {
  PkeyPtr key = NewEcKey();
  X509Ptr cert{X509_new()};
  mutable long serial = 1;

  X509Ptr NewCert(X509_NAME* subject, EVP_PKEY* public_key) const {
    X509Ptr c(X509_new());
    X509_set_version(c.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c.get()), ++serial);
    X509_set_subject_name(c.get(), subject);
    X509_set_issuer_name(c.get(), X509_get_subject_name(cert.get()));
    X509_gmtime_adj(X509_getm_notBefore(c.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(c.get()), 30 * kDay);
    X509_set_pubkey(c.get(), public_key);
    AddExtension(c.get(), cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    return c;
  }
};

TestCa::TestCa(const std::string& name) : impl_(std::make_unique<Impl>()) {
  X509* cert = impl_->cert.get();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  X509_gmtime_adj(X509_getm_notBefore(cert), -kDay);
  X509_gmtime_adj(X509_getm_notAfter(cert), 365 * kDay);
  X509_set_pubkey(cert, impl_->key.get());
  AddExtension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(cert, cert, NID_subject_key_identifier, "hash");
  X509_sign(cert, impl_->key.get(), EVP_sha256());
}

TestCa::~TestCa() = default;

std::string TestCa::CertPem() const { return CertText(impl_->cert.get()); }

std::string TestCa::SignCsr(const std::string& csr_pem) const {
  ReqPtr req = ParseCsr(csr_pem);
  if (!req) throw std::runtime_error("CSR does not parse");
  PkeyPtr pub(X509_REQ_get_pubkey(req.get()));
  X509Ptr c = impl_->NewCert(X509_REQ_get_subject_name(req.get()), pub.get());
  AddExtension(c.get(), impl_->cert.get(), NID_key_usage, "critical,digitalSignature");
  AddExtension(c.get(), impl_->cert.get(), NID_ext_key_usage, "clientAuth");
  X509_sign(c.get(), impl_->key.get(), EVP_sha256());
  return CertText(c.get());
}

std::pair<std::string, std::string> TestCa::ServerCertificate() const {
  PkeyPtr key = NewEcKey();
  crypto::NamePtr name(X509_NAME_new());
  X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("relay.test"), -1, -1, 0);
  X509Ptr c = impl_->NewCert(name.get(), key.get());
  AddExtension(c.get(), impl_->cert.get(), NID_subject_alt_name, "IP:127.0.0.1");
  AddExtension(c.get(), impl_->cert.get(), NID_ext_key_usage, "serverAuth");
  X509_sign(c.get(), impl_->key.get(), EVP_sha256());
  return {CertText(c.get()), KeyText(key.get())};
}

std::string CsrCommonName(const std::string& csr_pem) {
  ReqPtr req = ParseCsr(csr_pem);
  if (!req) return "";
  X509_NAME* subject = X509_REQ_get_subject_name(req.get());
  char cn[256] = {};
  if (X509_NAME_get_text_by_NID(subject, NID_commonName, cn, sizeof(cn)) < 0) return "";
  return cn;
}

bool VerifySignature(const std::string& cert_pem, const std::string& message,
                     const std::string& base64_signature) {
  BioPtr bio = crypto::MemoryBio(cert_pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return false;
  std::vector<unsigned char> der(base64_signature.size());
  const int n =
      EVP_DecodeBlock(der.data(), reinterpret_cast<const unsigned char*>(base64_signature.data()),
                      static_cast<int>(base64_signature.size()));
  if (n < 0) return false;
  size_t length = static_cast<size_t>(n);
  // EVP_DecodeBlock counts padding as zero bytes.
  if (base64_signature.ends_with("==")) {
    length -= 2;
  } else if (base64_signature.ends_with("=")) {
    length -= 1;
  }
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, der.data(), length,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

struct TestHttpServer::Impl {
  Handler handler;
  bool tls = false;
  asio::io_context io_context;
  ssl::context tls_context{ssl::context::tls_server};
  tcp::acceptor acceptor{io_context};
  std::thread thread;
  int port = 0;
  mutable std::mutex mu;
  std::vector<RecordedRequest> requests;

  template <typename Stream>
  asio::awaitable<void> Serve(Stream& stream) {
    boost::system::error_code ec;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    co_await http::async_read(stream, buffer, request,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    RecordedRequest recorded;
    recorded.method = std::string(request.method_string());
    recorded.target = std::string(request.target());
    recorded.body = request.body();
    for (const auto& field : request) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      recorded.headers[name] = std::string(field.value());
    }
    {
      std::lock_guard lock(mu);
      requests.push_back(recorded);
    }
    CannedReply reply = handler(recorded);
    if (reply.never_answer) {
      asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::hours(1));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      co_return;
    }
    http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
    response.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : reply.headers) response.set(name, value);
    response.body() = reply.body;
    response.prepare_payload();
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::awaitable<void> Connection(tcp::socket socket) {
    if (!tls) {
      co_await Serve(socket);
      co_return;
    }
    beast::ssl_stream<tcp::socket> stream(std::move(socket), tls_context);
    boost::system::error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    co_await Serve(stream);
  }

  asio::awaitable<void> Accept() {
    while (true) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(io_context, Connection(std::move(socket)), asio::detached);
    }
  }
};

TestHttpServer::TestHttpServer(Handler handler, std::string tls_cert, std::string tls_key)
    : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  impl_->tls = !tls_cert.empty();
  if (impl_->tls) {
    impl_->tls_context.use_certificate_chain(asio::buffer(tls_cert));
    impl_->tls_context.use_private_key(asio::buffer(tls_key), ssl::context::pem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io_context, impl_->Accept(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io_context.run(); });
}

TestHttpServer::~TestHttpServer() {
  impl_->io_context.stop();
  impl_->thread.join();
}

int TestHttpServer::port() const { return impl_->port; }

std::vector<RecordedRequest> TestHttpServer::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests;
}

std::string TestHttpServer::url() const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

int ClosedPort() {
  asio::io_context io_context;
  tcp::acceptor acceptor(io_context, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

void TempFolderTest::SetUp() {
  std::string tmpl = (std::filesystem::path(::testing::TempDir()) / "ccc-pairing-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  dir_ = tmpl;
}

void TempFolderTest::TearDown() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

unsigned ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

CannedReply ErrorReply(int status, const std::string& code, const std::string& message) {
  return CannedReply{status,
                     boost::json::serialize(
                         boost::json::object{{"error", {{"code", code}, {"message", message}}}}),
                     {},
                     false};
}

}  // namespace ccc::agent::pairing::testing
