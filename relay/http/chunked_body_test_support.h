#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

// For tests: a chunked HTTP/1.1 body (RFC 9112 7.1; the relay sends no extensions or
// trailers) taken apart the way a client decides whether a download is complete.
namespace ccc::relay::http::testing {

struct Dechunked {
  std::string data;
  bool complete = false;   // the zero-length last chunk arrived
  bool malformed = false;  // framing a client would reject
};

inline Dechunked Dechunk(std::string_view body) {
  Dechunked out;
  for (;;) {
    const size_t line_end = body.find("\r\n");
    if (line_end == std::string_view::npos) return out;  // cut short
    const std::string size_text(body.substr(0, line_end));
    char* end = nullptr;
    const size_t size = std::strtoul(size_text.c_str(), &end, 16);
    if (size_text.empty() || end != size_text.c_str() + size_text.size()) {
      out.malformed = true;
      return out;
    }
    body.remove_prefix(line_end + 2);
    if (size == 0) {
      out.complete = body == "\r\n";
      out.malformed = !out.complete;
      return out;
    }
    if (body.size() < size + 2) return out;  // cut short
    if (body.substr(size, 2) != "\r\n") {
      out.malformed = true;
      return out;
    }
    out.data += body.substr(0, size);
    body.remove_prefix(size + 2);
  }
}

}  // namespace ccc::relay::http::testing
