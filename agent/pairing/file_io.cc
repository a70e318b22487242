#include "agent/pairing/file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace ccc::agent::pairing {

Status FromErrno(int err, const std::string& what) {
  const std::string message = what + ": " + std::strerror(err);
  if (err == ENOENT || err == ENOTDIR) return NotFound(message);
  if (err == EACCES || err == EPERM) return {StatusCode::kPermissionDenied, message};
  return Internal(message);
}

std::string DirOf(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status FsyncFolder(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FromErrno(errno, "open folder " + dir);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return FromErrno(err, "fsync folder " + dir);
  return Status::Ok();
}

Status RemoveFileIfPresent(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return FromErrno(errno, "remove " + path);
  return Status::Ok();
}

Result<std::string> ReadSmallFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FromErrno(errno, "open " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return FromErrno(err, "stat " + path);
  }
  if (!S_ISREG(st.st_mode) || st.st_size > static_cast<off_t>(kMaxSmallFileBytes)) {
    ::close(fd);
    return InvalidArgument(path + " is not a regular file of at most 1 MiB");
  }
  std::string data(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return FromErrno(err, "read " + path);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(done);
  return data;
}

TempFile::~TempFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

Status TempFile::Write(const std::string& final_path, std::string_view data, unsigned mode) {
  std::string name = final_path + ".tmp.XXXXXX";
  // mkstemp opens with O_CREAT | O_EXCL and mode 0600, so the bytes are never readable
  // by others, not even before the chmod.
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return FromErrno(errno, "create temporary file for " + final_path);
  path_ = name;
  // Sets the mode exactly: a restrictive umask may have taken bits away.
  Status status = Status::Ok();
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) status = FromErrno(errno, "chmod " + path_);
  size_t done = 0;
  while (status.ok() && done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = FromErrno(errno, "write " + path_);
    } else {
      done += static_cast<size_t>(n);
    }
  }
  if (status.ok() && ::fsync(fd) != 0) status = FromErrno(errno, "fsync " + path_);
  if (::close(fd) != 0 && status.ok()) status = FromErrno(errno, "close " + path_);
  return status;
}

Status TempFile::RenameTo(const std::string& final_path) {
  if (::rename(path_.c_str(), final_path.c_str()) != 0) {
    return FromErrno(errno, "rename " + path_ + " to " + final_path);
  }
  path_.clear();
  return Status::Ok();
}

Status TempFile::LinkToIfAbsent(const std::string& final_path) {
  // link(2) fails with EEXIST instead of replacing, so two racing writers cannot both win.
  if (::link(path_.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    if (err == EEXIST) return {StatusCode::kAlreadyExists, final_path + " already exists"};
    return FromErrno(err, "link " + path_ + " to " + final_path);
  }
  ::unlink(path_.c_str());
  path_.clear();
  return Status::Ok();
}

}  // namespace ccc::agent::pairing
