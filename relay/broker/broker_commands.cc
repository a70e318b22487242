#include "relay/broker/broker_commands.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/crypto/openssl_helpers.h"

extern char** environ;

namespace ccc::relay::broker {
namespace {

constexpr size_t kMaxCapturedOutput = 4096;

std::string Errno(int err) { return std::strerror(err); }

std::string Joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

}  // namespace

Result<std::vector<std::string>> ParseCommandTemplate(std::string_view text,
                                                      const std::vector<std::string>& allowed,
                                                      const std::vector<std::string>& required) {
  std::vector<std::string> argv;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      if (!word.empty()) argv.push_back(std::move(word));
      word.clear();
    } else if (c == '\n' || c == '\r' || c == '\0') {
      return InvalidArgument("a command must be one line");
    } else {
      word += c;
    }
  }
  if (!word.empty()) argv.push_back(std::move(word));
  if (argv.empty()) return InvalidArgument("the command is empty");

  std::vector<std::string> seen;
  for (const auto& w : argv) {
    size_t pos = 0;
    while ((pos = w.find('{', pos)) != std::string::npos) {
      size_t end = w.find('}', pos);
      if (end == std::string::npos) return InvalidArgument("unclosed '{' in '" + w + "'");
      std::string name = w.substr(pos + 1, end - pos - 1);
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "{" : ", {") + a + "}";
        return InvalidArgument(
            "unknown placeholder {" + name + "}" +
            (list.empty() ? std::string(" (none allowed here)") : " (allowed: " + list + ")"));
      }
      seen.push_back(name);
      pos = end + 1;
    }
  }
  for (const auto& r : required) {
    if (std::find(seen.begin(), seen.end(), r) == seen.end()) {
      return InvalidArgument("the command must contain {" + r + "}");
    }
  }
  return argv;
}

std::vector<std::string> ExpandCommand(const std::vector<std::string>& argv_template,
                                       std::string_view name, std::string_view value) {
  const std::string placeholder = "{" + std::string(name) + "}";
  std::vector<std::string> out;
  out.reserve(argv_template.size());
  for (std::string word : argv_template) {
    size_t pos = 0;
    while ((pos = word.find(placeholder, pos)) != std::string::npos) {
      word.replace(pos, placeholder.size(), value);
      pos += value.size();
    }
    out.push_back(std::move(word));
  }
  return out;
}

Status RunCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  if (argv.empty()) return InvalidArgument("empty command");
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Internal("pipe: " + Errno(errno));
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDERR_FILENO);
  // The child gets default signal handling even if the relay blocks or ignores signals.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t no_signals, all_signals;
  sigemptyset(&no_signals);
  sigfillset(&all_signals);
  posix_spawnattr_setsigmask(&attr, &no_signals);
  posix_spawnattr_setsigdefault(&attr, &all_signals);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> c_argv;
  for (const auto& word : argv) c_argv.push_back(const_cast<char*>(word.c_str()));
  c_argv.push_back(nullptr);
  pid_t pid = 0;
  int err = ::posix_spawnp(&pid, c_argv[0], &actions, &attr, c_argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) return InvalidArgument("cannot run '" + argv[0] + "': " + Errno(err));
  write_end.Reset();

  // Read the output until EOF (the child and its children closed it) or the deadline.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string output;
  bool timed_out = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{read_end.get(), POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    char buffer[1024];
    ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (output.size() < kMaxCapturedOutput) {
      output.append(buffer,
                    std::min<size_t>(static_cast<size_t>(n), kMaxCapturedOutput - output.size()));
    }
  }

  int wstatus = 0;
  if (timed_out) {
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    return Unavailable("'" + Joined(argv) + "' did not finish within " +
                       std::to_string(timeout.count()) + " ms (killed)");
  }
  // EOF seen; the child may still be exiting, or a grandchild kept the pipe open and
  // finished later. Wait for the child itself, bounded by the same deadline.
  for (;;) {
    pid_t r = ::waitpid(pid, &wstatus, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return Internal("waitpid: " + Errno(errno));
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
      }
      return Unavailable("'" + Joined(argv) + "' did not exit within " +
                         std::to_string(timeout.count()) + " ms (killed)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return Status::Ok();
  std::string how = WIFEXITED(wstatus)
                        ? "exited with " + std::to_string(WEXITSTATUS(wstatus))
                        : "was killed by signal " + std::to_string(WTERMSIG(wstatus));
  return Unavailable("'" + Joined(argv) + "' " + how + (output.empty() ? "" : ": " + output));
}

Status ValidateCrlPem(std::string_view text) {
  if (text.size() > kMaxCrlBytes) return TooLarge("the CRL is larger than 64 MiB");
  static constexpr std::string_view kBegin = "-----BEGIN X509 CRL-----";
  static constexpr std::string_view kEnd = "-----END X509 CRL-----";
  size_t pos = 0;
  int count = 0;
  for (;;) {
    size_t start = text.find_first_not_of(" \t\r\n", pos);
    if (start == std::string_view::npos) break;
    if (text.substr(start, kBegin.size()) != kBegin) {
      return InvalidArgument("the CRL text holds something other than PEM X509 CRLs");
    }
    size_t end = text.find(kEnd, start);
    if (end == std::string_view::npos) return InvalidArgument("a PEM CRL has no END line");
    end += kEnd.size();
    auto bio = crypto::MemoryBio(text.substr(start, end - start));
    crypto::CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
    if (!crl) return InvalidArgument("a PEM CRL does not parse: " + crypto::OpensslErrorText());
    ++count;
    pos = end;
  }
  if (count == 0) return InvalidArgument("the CRL text is empty");
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view content, uint32_t mode) {
  const std::string tmp = path + ".tmp";
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) return Unavailable("cannot create " + tmp + ": " + Errno(errno));
  // fchmod, not the open mode: the umask must not make the file unreadable for the broker.
  if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) {
    return Unavailable("cannot chmod " + tmp + ": " + Errno(errno));
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return Unavailable("cannot write " + tmp + ": " + Errno(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Unavailable("cannot fsync " + tmp + ": " + Errno(err));
  }
  fd.Reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Unavailable("cannot rename " + tmp + " to " + path + ": " + Errno(err));
  }
  const size_t slash = path.rfind('/');
  const std::string folder =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  Fd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());  // best effort: the rename itself is done
  return Status::Ok();
}

Status SignalPidFile(const std::string& pid_file) {
  std::ifstream in(pid_file);
  if (!in) return Unavailable("cannot read pid file " + pid_file + ": " + Errno(errno));
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const size_t first = s.find_first_not_of(" \t\r\n");
  const size_t last = s.find_last_not_of(" \t\r\n");
  if (first == std::string::npos) return Unavailable("pid file " + pid_file + " is empty");
  s = s.substr(first, last - first + 1);
  if (s.size() > 10 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Unavailable("pid file " + pid_file + " does not hold a pid: '" + s.substr(0, 40) + "'");
  }
  const long pid = std::stol(s);
  if (pid <= 1 || pid > 0x3fffffff) {
    return Unavailable("pid file " + pid_file + " holds an unusable pid " + s);
  }
  if (::kill(static_cast<pid_t>(pid), SIGHUP) != 0) {
    int err = errno;
    if (err == EPERM) {
      return {StatusCode::kPermissionDenied,
              "not allowed to signal pid " + s + " from " + pid_file +
                  " (the broker runs as another user: use reload_command)"};
    }
    return Unavailable("cannot signal pid " + s + " from " + pid_file + ": " + Errno(err));
  }
  return Status::Ok();
}

std::string DynsecEvictMessage(std::string_view device_id, std::string_view tag) {
  namespace json = boost::json;
  json::array commands;
  commands.push_back(json::object{{"command", "createClient"},
                                  {"username", device_id},
                                  {"correlationData", std::string(tag) + "-1"}});
  commands.push_back(json::object{{"command", "deleteClient"},
                                  {"username", device_id},
                                  {"correlationData", std::string(tag) + "-2"}});
  return json::serialize(json::object{{"commands", std::move(commands)}});
}

Status CheckDynsecResponse(std::string_view payload, std::string_view tag) {
  namespace json = boost::json;
  boost::system::error_code ec;
  json::value doc = json::parse(payload, ec);
  if (ec || !doc.is_object()) return InvalidArgument("dynsec response is not a JSON object");
  const json::value* responses = doc.as_object().if_contains("responses");
  if (responses == nullptr || !responses->is_array()) {
    return InvalidArgument("dynsec response has no 'responses' array");
  }
  const std::string prefix = std::string(tag) + "-";
  bool ours = false;
  for (const json::value& r : responses->as_array()) {
    if (!r.is_object()) return InvalidArgument("dynsec response entry is not an object");
    const json::object& o = r.as_object();
    const json::value* correlation = o.if_contains("correlationData");
    if (correlation == nullptr || !correlation->is_string() ||
        !correlation->as_string().starts_with(prefix)) {
      continue;
    }
    ours = true;
    const json::value* error = o.if_contains("error");
    if (error == nullptr) continue;
    const std::string command = o.contains("command") && o.at("command").is_string()
                                    ? std::string(o.at("command").as_string())
                                    : "?";
    const std::string text =
        error->is_string() ? std::string(error->as_string()) : json::serialize(*error);
    if ((command == "createClient" && text == "Client already exists") ||
        (command == "deleteClient" && text == "Client not found")) {
      continue;
    }
    return Internal("dynsec " + command + " failed: " + text);
  }
  if (!ours) return NotFound("no dynsec response for " + std::string(tag));
  return Status::Ok();
}

}  // namespace ccc::relay::broker
