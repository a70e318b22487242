#include "relay/http/static_site.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <optional>
#include <system_error>
#include <utility>

namespace ccc::relay::http {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kNoCache = "no-cache";
constexpr std::string_view kGzipSuffix = ".gz";

// Sent with every portal answer. The portal has no inline scripts or styles (brief,
// "Portal"); data: images cover icons that CSS embeds.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kSecurityHeaders = {{
    {"Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
     "form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
}};

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerCopy(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Calls `fn` for each comma-separated, trimmed, non-empty item of a header value.
template <typename Fn>
void ForEachListItem(std::string_view value, Fn fn) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = Trim(value.substr(0, comma));
    if (!item.empty()) fn(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

std::string ContentTypeFor(std::string_view key) {
  size_t slash = key.rfind('/');
  size_t dot = key.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  const std::string ext = LowerCopy(key.substr(dot + 1));
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"webmanifest", "application/manifest+json"},
      {"gz", "application/gzip"},
  };
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// A strong validator: the first 128 bits of the body's SHA-256, quoted.
std::string EtagFor(std::string_view body, std::string_view suffix) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(body.data(), body.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    // Only on memory exhaustion at start-up; no ETag is then better than a wrong one.
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string etag = "\"";
  for (unsigned int i = 0; i < std::min(length, 16u); ++i) {
    etag += kHex[digest[i] >> 4];
    etag += kHex[digest[i] & 0xf];
  }
  etag += suffix;
  etag += '"';
  return etag;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = Lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The request path as a key of the file map ("/" + clean segments joined by '/', "" for
// the root), or nullopt when it could mean something else on some file system or to some
// proxy: ".." segments, NUL and other control characters, backslashes, encoded slashes,
// bad percent escapes. "." and empty segments are dropped.
std::optional<std::string> NormalisePath(std::string_view raw) {
  if (raw.empty() || raw.front() != '/') return std::nullopt;
  std::string key;
  std::string segment;
  auto finish_segment = [&]() -> bool {
    if (segment == "..") return false;
    if (!segment.empty() && segment != ".") key += "/" + segment;
    segment.clear();
    return true;
  };
  for (size_t i = 1; i <= raw.size(); ++i) {
    if (i == raw.size() || raw[i] == '/') {
      if (!finish_segment()) return std::nullopt;
      continue;
    }
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return std::nullopt;
      int high = HexValue(raw[i + 1]);
      int low = HexValue(raw[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      c = static_cast<char>(high * 16 + low);
      if (c == '/') return std::nullopt;
      i += 2;
    }
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || c == '\\') return std::nullopt;
    segment += c;
  }
  return key;
}

bool FirstSegmentIs(std::string_view key, std::string_view name) {
  if (key.size() < name.size() + 1 || key[0] != '/') return false;
  if (key.substr(1, name.size()) != name) return false;
  return key.size() == name.size() + 1 || key[name.size() + 1] == '/';
}

// "/", "/systems/12/information": paths the SPA's router answers.
bool IsAppRoute(std::string_view key) {
  if (FirstSegmentIs(key, "api") || FirstSegmentIs(key, "assets")) return false;
  std::string_view last = key.substr(key.rfind('/') + 1);
  return last.find('.') == std::string_view::npos;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<double> gzip_q;
  std::optional<double> any_q;
  ForEachListItem(accept_encoding, [&](std::string_view item) {
    size_t semicolon = item.find(';');
    const std::string coding = LowerCopy(Trim(item.substr(0, semicolon)));
    double q = 1.0;
    while (semicolon != std::string_view::npos) {
      item.remove_prefix(semicolon + 1);
      semicolon = item.find(';');
      std::string_view param = Trim(item.substr(0, semicolon));
      if (param.size() >= 2 && Lower(param[0]) == 'q' && param[1] == '=') {
        param.remove_prefix(2);
        double value = 0.0;
        auto [end, ec] = std::from_chars(param.data(), param.data() + param.size(), value);
        q = ec == std::errc() && end == param.data() + param.size() ? value : 0.0;
      }
    }
    if (coding == "gzip" || coding == "x-gzip") gzip_q = q;
    if (coding == "*") any_q = q;
  });
  if (gzip_q) return *gzip_q > 0;
  return any_q && *any_q > 0;
}

// Weak comparison, as RFC 9110 asks for If-None-Match.
bool NoneMatchHits(std::string_view if_none_match, std::string_view etag) {
  if (etag.empty()) return false;
  bool hit = false;
  ForEachListItem(if_none_match, [&](std::string_view tag) {
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == "*" || tag == etag) hit = true;
  });
  return hit;
}

void AddSecurityHeaders(Response& response) {
  for (const auto& [name, value] : kSecurityHeaders) response.headers.emplace_back(name, value);
}

Response PortalError(int status, std::string_view code, std::string_view message) {
  Response response = JsonError(status, code, message);
  response.headers.emplace_back("Cache-Control", "no-store");
  AddSecurityHeaders(response);
  return response;
}

bool IsInside(const fs::path& path, const fs::path& root) {
  auto [root_end, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end() && path_it != path.end();
}

Result<std::string> ReadWholeFile(const fs::path& path, uint64_t size) {
  std::ifstream in(path, std::ios::binary);
  std::string body(size, '\0');
  if (!in || !in.read(body.data(), static_cast<std::streamsize>(size)) ||
      in.gcount() != static_cast<std::streamsize>(size)) {
    return Unavailable("portal: cannot read " + path.string());
  }
  return body;
}

}  // namespace

Result<StaticSite> StaticSite::Load(const fs::path& root, StaticSiteLimits limits) {
  std::error_code ec;
  const fs::path canonical_root = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canonical_root, ec)) {
    return InvalidArgument("portal: " + root.string() + " is not a readable directory" +
                           (ec ? ": " + ec.message() : ""));
  }
  StaticSite site;
  site.root_ = canonical_root.string();
  uint64_t total_bytes = 0;
  size_t loaded = 0;
  fs::recursive_directory_iterator it(canonical_root, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    const fs::file_status link_status = entry.symlink_status(ec);
    if (ec) break;
    if (!name.empty() && name.front() == '.') {
      if (fs::is_directory(link_status)) it.disable_recursion_pending();
      continue;
    }
    fs::path source = entry.path();
    if (fs::is_symlink(link_status)) {
      std::error_code link_ec;
      fs::path target = fs::canonical(entry.path(), link_ec);
      if (link_ec || !IsInside(target, canonical_root) || !fs::is_regular_file(target, link_ec)) {
        spdlog::warn("portal: skipping {}: a link that leaves {} or names no file",
                     entry.path().string(), site.root_);
        continue;
      }
      source = target;
    } else if (!fs::is_regular_file(link_status)) {
      continue;
    }
    const std::string key = "/" + entry.path().lexically_relative(canonical_root).generic_string();
    if (NormalisePath(key) != key) {
      spdlog::warn("portal: skipping {}: its name cannot be requested", entry.path().string());
      continue;
    }
    if (++loaded > limits.max_files) {
      return ResourceExhausted("portal: " + site.root_ + " holds more than " +
                               std::to_string(limits.max_files) + " files");
    }
    const uint64_t size = fs::file_size(source, ec);
    if (ec) break;
    if (size > limits.max_file_bytes) {
      return TooLarge("portal: " + source.string() + " has " + std::to_string(size) +
                      " bytes, more than the limit of " + std::to_string(limits.max_file_bytes));
    }
    total_bytes += size;
    if (total_bytes > limits.max_total_bytes) {
      return TooLarge("portal: " + site.root_ + " holds more than " +
                      std::to_string(limits.max_total_bytes) + " bytes");
    }
    Result<std::string> body = ReadWholeFile(source, size);
    if (!body.ok()) return body.status();
    File file;
    file.body = std::move(body).value();
    file.content_type = ContentTypeFor(key);
    file.immutable = FirstSegmentIs(key, "assets");
    site.files_.emplace(key, std::move(file));
  }
  if (ec) return Unavailable("portal: cannot list " + site.root_ + ": " + ec.message());

  // "x.gz" beside "x" becomes x's gzip variant instead of a file of its own.
  for (auto gz = site.files_.begin(); gz != site.files_.end();) {
    const std::string_view key = gz->first;
    if (key.size() <= kGzipSuffix.size() || !key.ends_with(kGzipSuffix)) {
      ++gz;
      continue;
    }
    auto base = site.files_.find(key.substr(0, key.size() - kGzipSuffix.size()));
    if (base == site.files_.end()) {
      ++gz;
      continue;
    }
    base->second.gzip_body = std::move(gz->second.body);
    gz = site.files_.erase(gz);
  }
  for (auto& [key, file] : site.files_) {
    file.etag = EtagFor(file.body, "");
    if (!file.gzip_body.empty()) file.gzip_etag = EtagFor(file.body, "-gz");
  }
  if (site.files_.find("/index.html") == site.files_.end()) {
    return InvalidArgument("portal: " + site.root_ + " has no index.html");
  }
  return site;
}

Response StaticSite::Serve(const Request& request) const {
  if (request.method != Method::kGet && request.method != Method::kHead) {
    Response response = PortalError(405, "method_not_allowed",
                                    std::string(MethodName(request.method)) + " is not allowed");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  std::optional<std::string> key = NormalisePath(request.path);
  if (!key) return PortalError(404, "not_found", "no such file");
  auto it = files_.find(*key);
  if (it != files_.end()) return Answer(request, it->second);
  if (IsAppRoute(*key)) return Answer(request, files_.find("/index.html")->second);
  return PortalError(404, "not_found", "no such file");
}

Response StaticSite::Answer(const Request& request, const File& file) const {
  const bool gzip = !file.gzip_body.empty() && AcceptsGzip(request.Header("accept-encoding"));
  const std::string& etag = gzip ? file.gzip_etag : file.etag;
  Response response;
  response.content_type = file.content_type;
  response.headers.emplace_back("Cache-Control", file.immutable ? kImmutable : kNoCache);
  response.headers.emplace_back("Vary", "Accept-Encoding");
  if (!etag.empty()) response.headers.emplace_back("ETag", etag);
  AddSecurityHeaders(response);
  if (NoneMatchHits(request.Header("if-none-match"), etag)) {
    response.status = 304;
    return response;
  }
  if (gzip) response.headers.emplace_back("Content-Encoding", "gzip");
  response.body = gzip ? file.gzip_body : file.body;
  return response;
}

std::string ResolveWebRoot(const std::string& configured, const fs::path& executable) {
  if (!configured.empty()) return configured;
  if (executable.empty()) return {};
  const fs::path candidate = (executable.parent_path() / ".." / "web").lexically_normal();
  std::error_code ec;
  return fs::is_regular_file(candidate / "index.html", ec) ? candidate.string() : std::string();
}

void ServePortal(Router& router, const StaticSite& site) {
  router.SetFallback([&site](const Request& request) { return site.Serve(request); });
}

}  // namespace ccc::relay::http
