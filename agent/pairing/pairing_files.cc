#include "agent/pairing/pairing_files.h"

#include <fcntl.h>
#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "agent/pairing/file_io.h"
#include "common/crypto/openssl_helpers.h"

namespace ccc::agent::pairing {
namespace {

Result<int64_t> AsnTimeToUnix(const ASN1_TIME* time) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return InvalidArgument("certificate has a bad date");
  return static_cast<int64_t>(::timegm(&tm));
}

}  // namespace

std::string EncodePairingRecord(const PairingRecord& record) {
  boost::json::object o;
  o["device_id"] = record.device_id;
  o["relay_url"] = record.relay_url;
  o["broker"] = boost::json::object{{"host", record.broker_host}, {"port", record.broker_port}};
  o["paired_at"] = record.paired_at_s;
  return boost::json::serialize(o) + "\n";
}

Result<PairingRecord> DecodePairingRecord(std::string_view json) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(json, ec);
  const auto bad = [](std::string why) { return InvalidArgument("pairing record: " + why); };
  if (ec || !value.is_object()) return bad("not a JSON object");
  const auto& o = value.as_object();
  PairingRecord record;
  const auto* broker = o.if_contains("broker");
  if (broker == nullptr || !broker->is_object()) return bad("no broker object");
  const auto* host = broker->as_object().if_contains("host");
  const auto* port = broker->as_object().if_contains("port");
  if (host == nullptr || !host->is_string() || host->as_string().empty()) {
    return bad("broker.host missing");
  }
  if (port == nullptr || !port->is_int64() || port->as_int64() < 1 || port->as_int64() > 65535) {
    return bad("broker.port is not 1..65535");
  }
  record.broker_host = std::string(host->as_string());
  record.broker_port = static_cast<int>(port->as_int64());
  if (const auto* v = o.if_contains("device_id"); v != nullptr && v->is_string()) {
    record.device_id = std::string(v->as_string());
  }
  if (const auto* v = o.if_contains("relay_url"); v != nullptr && v->is_string()) {
    record.relay_url = std::string(v->as_string());
  }
  if (const auto* v = o.if_contains("paired_at"); v != nullptr && v->is_int64()) {
    record.paired_at_s = v->as_int64();
  }
  return record;
}

Result<PairingRecord> ReadPairingRecord(const std::string& path) {
  auto text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  auto record = DecodePairingRecord(*text);
  if (!record.ok()) return InvalidArgument(path + ": " + record.status().message());
  return record;
}

Result<std::string> ReadTextFile(const std::string& path) { return ReadSmallFile(path); }

Status WriteFileAtomically(const std::string& path, std::string_view data, unsigned mode) {
  TempFile temp;
  CCC_RETURN_IF_ERROR(temp.Write(path, data, mode));
  CCC_RETURN_IF_ERROR(temp.RenameTo(path));
  return FsyncFolder(DirOf(path));
}

Status EnsureParentFolder(const std::string& path) {
  const std::filesystem::path dir = DirOf(path);
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Status::Ok();
  std::filesystem::create_directories(dir, ec);
  if (ec) return FromErrno(ec.value(), "create folder " + dir.string());
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  return Status::Ok();
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Result<CertificateSummary> SummarizeCertificatePem(std::string_view pem) {
  crypto::BioPtr bio = crypto::MemoryBio(pem);
  if (!bio) return Internal("BIO_new_mem_buf: " + crypto::OpensslErrorText());
  crypto::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return InvalidArgument("not a PEM certificate: " + crypto::OpensslErrorText());
  }
  const X509_NAME* subject = X509_get_subject_name(cert.get());
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0 || X509_NAME_get_index_by_NID(subject, NID_commonName, index) >= 0) {
    return InvalidArgument("certificate subject has no single CN");
  }
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, value);
  if (len < 0) return InvalidArgument("certificate CN is not a valid string");
  CertificateSummary summary;
  summary.common_name.assign(reinterpret_cast<const char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  auto not_before = AsnTimeToUnix(X509_get0_notBefore(cert.get()));
  if (!not_before.ok()) return not_before.status();
  auto not_after = AsnTimeToUnix(X509_get0_notAfter(cert.get()));
  if (!not_after.ok()) return not_after.status();
  summary.not_before_s = *not_before;
  summary.not_after_s = *not_after;
  return summary;
}

Result<CertificateSummary> ReadCertificateSummary(const std::string& cert_path) {
  auto pem = ReadTextFile(cert_path);
  if (!pem.ok()) return pem.status();
  auto summary = SummarizeCertificatePem(*pem);
  if (!summary.ok()) return InvalidArgument(cert_path + ": " + summary.status().message());
  return summary;
}

std::string FormatUtc(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  struct tm tm {};
  ::gmtime_r(&t, &tm);
  char text[32] = {};
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

}  // namespace ccc::agent::pairing
