#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "agent/pairing/pair_command.h"
#include "agent/pairing/pairing_client.h"
#include "agent/pairing/pairing_files.h"
#include "common/status/status.h"

namespace ccc::agent::pairing {

// The bytes the device key signs to prove an unpair request: "ccc-unpair\n<serial>\n<ts>"
// with ts the Unix time in seconds as a decimal number (relay contract, issue 3).
std::string UnpairMessage(std::string_view serial, int64_t timestamp_s);

// ECDSA with SHA-256 by the private key at key_path over message: the DER signature as
// standard base64 with padding. kInvalidArgument when the file holds no private key.
Result<std::string> SignWithDeviceKey(const std::string& key_path, std::string_view message);

struct UnpairOptions {
  std::string serial;       // the PBX serial the certificate was issued for
  std::string config_file;  // named in messages
  CredentialPaths paths;
  PairingClientOptions relay;  // relay_url may be empty only with local_only
  // Delete the local credentials even when the relay cannot be told (unreachable, or it
  // refuses); the relay then still lists the system as paired.
  bool local_only = false;
  std::function<int64_t()> now_s;  // Unix seconds; empty: the system clock
};

// `ccc-agent unpair`: POST /api/v1/pairing/unpair {serial, certificate, timestamp,
// signature}. On 200, 409 not_paired or 404 (the relay no longer lists this system as
// paired) removes key, certificate, device CA and pairing.json. Otherwise keeps everything
// and returns kExitUnreachable / kExitRefused, unless local_only: then removes them anyway
// and warns. Without a certificate there is nothing to tell the relay: leftovers of a failed
// `pair` are removed and kExitOk returned. Returns an ExitCode. Blocking; call from main.
int RunUnpair(const UnpairOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ccc::agent::pairing
