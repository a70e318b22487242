#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status/status.h"

// Small POSIX file helpers shared by the pairing code (credentials, pairing.json). Every
// function may be called from any thread; none keeps state.
namespace ccc::agent::pairing {

// The largest file ReadSmallFile reads: keys, a few certificates, pairing.json.
inline constexpr std::size_t kMaxSmallFileBytes = 1 << 20;

// errno as a Status naming `what`: ENOENT/ENOTDIR kNotFound, EACCES/EPERM
// kPermissionDenied, anything else kInternal.
Status FromErrno(int err, const std::string& what);

// The folder part of path: "." without a slash, "/" for a file in the root.
std::string DirOf(const std::string& path);

// fsyncs a folder, so that a rename, link or unlink in it is durable.
Status FsyncFolder(const std::string& dir);

// Unlinks path; a missing file is fine.
Status RemoveFileIfPresent(const std::string& path);

// The whole of a regular file of at most kMaxSmallFileBytes. kNotFound when it is missing,
// kInvalidArgument when it is not a regular file or too large.
Result<std::string> ReadSmallFile(const std::string& path);

// A temporary file beside its final path, written completely, fsynced and closed; the
// caller then moves it into place. The destructor unlinks it unless it was moved. Neither
// method fsyncs the folder: call FsyncFolder(DirOf(final_path)) after the last move.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();

  // Creates "<final_path>.tmp.XXXXXX" with permissions `mode` and writes data to it.
  Status Write(const std::string& final_path, std::string_view data, unsigned mode = 0600);
  // Replaces final_path atomically.
  Status RenameTo(const std::string& final_path);
  // Puts the file at final_path only if nothing is there (kAlreadyExists otherwise).
  Status LinkToIfAbsent(const std::string& final_path);

 private:
  std::string path_;
};

}  // namespace ccc::agent::pairing
