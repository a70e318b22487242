#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "agent/pairing/file_io.h"  // RemoveFileIfPresent
#include "common/status/status.h"

namespace ccc::agent::pairing {

// Where a paired agent keeps what pairing produced. `pair` writes all of them, `unpair`
// removes all but broker_ca_file (a public trust anchor, replaced by the next `pair`).
struct CredentialPaths {
  std::string key_file;        // [mqtt] key_file: the private key, 0600, never leaves the site
  std::string cert_file;       // [mqtt] cert_file: the certificate the relay's device CA issued
  std::string device_ca_file;  // <data_dir>/device-ca.crt: the device CA (the chain)
  std::string broker_ca_file;  // [mqtt] ca_file: trust anchor for the broker's certificate
  std::string state_file;      // <data_dir>/pairing.json: PairingRecord
};

// <data_dir>/pairing.json: what the relay said at pairing besides the certificate.
// `ccc-agent run` takes the broker address from it for what [mqtt] host/port leave out.
struct PairingRecord {
  std::string device_id;
  std::string relay_url;
  std::string broker_host;
  int broker_port = 0;
  int64_t paired_at_s = 0;  // Unix seconds
};

std::string EncodePairingRecord(const PairingRecord& record);
// kInvalidArgument when the text is not such a record (broker_host empty, port out of range).
Result<PairingRecord> DecodePairingRecord(std::string_view json);
// kNotFound when the file does not exist (the agent is not paired, or was paired before
// pairing.json existed).
Result<PairingRecord> ReadPairingRecord(const std::string& path);

// Replaces path with data: a temporary file in the same folder (mode `mode`), fsynced,
// renamed over path, folder fsynced. A failure leaves the previous file.
Status WriteFileAtomically(const std::string& path, std::string_view data, unsigned mode);
// Creates the folder that will hold path (and its parents) with mode 0700 when missing.
Status EnsureParentFolder(const std::string& path);
bool FileExists(const std::string& path);

// What `ccc-agent status` shows about the certificate.
struct CertificateSummary {
  std::string common_name;
  int64_t not_before_s = 0;  // Unix seconds
  int64_t not_after_s = 0;
};
// The first certificate in a PEM text / file. kInvalidArgument when there is none or it has
// no single CN; kNotFound when the file does not exist.
Result<CertificateSummary> SummarizeCertificatePem(std::string_view pem);
Result<CertificateSummary> ReadCertificateSummary(const std::string& cert_path);

// Whole small file (at most 1 MiB). kNotFound when missing.
Result<std::string> ReadTextFile(const std::string& path);

// "2027-03-01 12:00:00 UTC".
std::string FormatUtc(int64_t unix_seconds);

}  // namespace ccc::agent::pairing
