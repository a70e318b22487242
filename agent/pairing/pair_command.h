#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "agent/pairing/pairing_client.h"
#include "agent/pairing/pairing_files.h"

namespace ccc::agent::pairing {

// Exit codes of `ccc-agent pair` and `ccc-agent unpair`.
enum ExitCode : int {
  kExitOk = 0,
  kExitRefused = 1,      // the relay answered and said no (or sent something unusable)
  kExitUsage = 2,        // bad code, config or local state (e.g. already paired), local I/O
  kExitUnreachable = 3,  // no answer from the relay (network, TLS, timeout, 5xx): try later
};

// Characters of a confirmation code: the relay's kConfirmationCodeAlphabet
// (relay/auth/secret_tokens.h), repeated here since the agent does not link the relay.
inline constexpr std::string_view kConfirmationCodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

// "7kq4mz2hx9rc", "7KQ4-MZ2H-X9RC", " 7kq4-mz2h-x9rc " -> "7KQ4-MZ2H-X9RC": upper-cases,
// drops dashes and surrounding blanks, then wants exactly 12 alphabet characters.
// nullopt otherwise.
std::optional<std::string> NormalizeConfirmationCode(std::string_view input);

struct PairOptions {
  std::string serial;       // the PBX serial = CSR CN = expected device id
  std::string config_file;  // named in messages
  CredentialPaths paths;
  PairingClientOptions relay;
  // "host:port" when [mqtt] host is set in the config file: it wins over the relay's broker
  // address, which the success message then mentions.
  std::optional<std::string> configured_broker;
  std::function<int64_t()> now_s;  // Unix seconds; empty: the system clock
};

// `ccc-agent pair CODE`: checks the code, refuses when a certificate exists, makes the key
// if there is none (a failed attempt keeps it, so a retry sends the same public key), sends
// {serial, code, csr} to POST /api/v1/pairing, and on 200 stores certificate + device CA
// (StoreCertificate checks them), the broker CA and pairing.json. Any failure stores
// nothing besides the key. Prints progress to out and one explanation per error to err.
// Returns an ExitCode. Blocking; call from main.
int RunPair(const PairOptions& options, std::string_view code, std::ostream& out,
            std::ostream& err);

}  // namespace ccc::agent::pairing
