#pragma once

#include <string>
#include <string_view>

#include "common/status/status.h"

namespace ccc::agent::pairing {

// The agent's MQTT identity on disk: an EC P-256 private key made on the site (it never
// leaves it, FEATURES A3), the certificate the relay's device CA issued for it, and that CA.
// Every file is mode 0600 from the moment it exists. All functions are blocking file and
// crypto calls, safe to call from any thread (no shared state); they are meant for the
// `ccc-agent pair`/`unpair` commands, not for the data path.

// Whether a file exists at key_path. An error only when that cannot be told (e.g. EACCES).
Result<bool> KeyExists(const std::string& key_path);

// Makes a new EC P-256 key and writes it unencrypted as PKCS#8 PEM to key_path, mode 0600:
// written to a temporary file in the same folder (created 0600 with O_EXCL), fsynced, then
// linked into place so an existing file is never replaced, and the folder fsynced.
// kAlreadyExists when key_path exists (a second `pair` must not destroy a working identity;
// `unpair` first). The folder must exist. Returns key_path.
Result<std::string> CreatePrivateKey(const std::string& key_path);

// A PEM certificate signing request for the key at key_path with subject CN = serial,
// signed with SHA-256. kInvalidArgument when serial is not a valid device id
// (protocol::IsValidDeviceId) or the file is not a private key.
Result<std::string> MakeCsr(const std::string& key_path, std::string_view serial);

// Checks what the relay sent back and stores it. cert_pem must be a certificate whose public
// key matches the key at key_path, whose subject has exactly one CN equal to expected_cn,
// that is valid now, and that verifies against ca_pem (one or more PEM certificates) for
// TLS client use. Any failed check is kInvalidArgument naming it, and nothing is written.
// Then cert_path and ca_path are each replaced atomically (temporary file + rename, mode
// 0600) with the parsed certificates re-encoded as PEM. Both temporaries are written before
// either is renamed, so a failed write leaves the previous files; only a failure between
// the two renames (CA first) can leave the new CA beside the old certificate.
Status StoreCertificate(const std::string& key_path, const std::string& cert_path,
                        const std::string& ca_path, std::string_view cert_pem,
                        std::string_view ca_pem, std::string_view expected_cn);

// Deletes the three files for `unpair`. Files that do not exist are fine. The key is
// overwritten with zeros and fsynced before it is unlinked (best effort: journaling and
// flash storage may keep old blocks). Tries every file; returns the first failure.
Status RemoveCredentials(const std::string& key_path, const std::string& cert_path,
                         const std::string& ca_path);

}  // namespace ccc::agent::pairing
