#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "common/status/status.h"
#include "relay/http/router.h"

namespace ccc::relay::http {

// Limits for StaticSite::Load. A directory above them is refused rather than served in part.
struct StaticSiteLimits {
  uint64_t max_file_bytes = 16ull << 20;
  size_t max_files = 2000;
  uint64_t max_total_bytes = 256ull << 20;  // bodies plus .gz siblings
};

// The built portal (Vite's output directory), read into memory once at start-up and served
// from there: the file system is never touched per request, so a request can only reach a
// file that was loaded, by its normalised path.
//
// Loading: every regular file under the root, recursively. Names starting with '.' (files
// and folders, e.g. Vite's .vite/manifest.json) are skipped, and so are symbolic links
// that resolve outside the root (links inside it are followed for files, never for
// folders). "x.gz" next to "x" is not a file of its own but x's gzip variant (written by
// relay/web/scripts/precompress.mjs). The root must hold index.html.
//
// Serving (Serve; GET and HEAD only, the server drops the body of HEAD answers):
// - "/" and app routes (no '.' in the last segment, not under /api/ or /assets/) that name
//   no file -> index.html with status 200, so the SPA's router takes over;
// - other unknown paths, and paths that are not clean ("..", NUL, backslash, bad or
//   encoded slashes, control characters) -> 404 JSON error;
// - /assets/* (content-hashed names) -> Cache-Control: public, max-age=31536000, immutable;
//   everything else -> Cache-Control: no-cache;
// - a strong ETag per representation; If-None-Match naming it (or "*") -> 304;
// - the .gz variant with Content-Encoding: gzip when Accept-Encoding allows gzip; every
//   answer says Vary: Accept-Encoding;
// - every answer, errors included, carries the portal's security headers (strict CSP,
//   nosniff, no framing, no referrer, no camera/microphone/geolocation).
//
// Immutable after Load: Serve is safe from several threads at once.
class StaticSite {
 public:
  // Reads `root`. InvalidArgument when it is not a directory or has no index.html,
  // TooLarge/ResourceExhausted above `limits`, Unavailable when a file cannot be read.
  static Result<StaticSite> Load(const std::filesystem::path& root, StaticSiteLimits limits = {});

  Response Serve(const Request& request) const;

  // The canonical root directory and the number of files served (gzip variants not
  // counted).
  const std::string& root() const { return root_; }
  size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string body;
    std::string gzip_body;  // empty: no precompressed variant
    std::string content_type;
    std::string etag;       // quoted, for `body`
    std::string gzip_etag;  // quoted, for `gzip_body`
    bool immutable = false;
  };

  StaticSite() = default;  // only Load makes one: Serve relies on index.html being there

  Response Answer(const Request& request, const File& file) const;

  std::string root_;
  std::map<std::string, File, std::less<>> files_;  // key: "/assets/app-1a2b.js"
};

// The portal directory to serve: `configured` ([http] web_root, already absolute) when it
// is not empty; otherwise <folder of `executable`>/../web when it holds index.html (a build
// tree's bin/ccc-relay finds the build's web/); otherwise "" (no portal).
std::string ResolveWebRoot(const std::string& configured, const std::filesystem::path& executable);

// Makes `site` answer every GET/HEAD that no route takes outside /api/ (Router::SetFallback).
// `site` must outlive the router.
void ServePortal(Router& router, const StaticSite& site);

}  // namespace ccc::relay::http
