#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relay/http/stream_sink.h"

namespace ccc::relay::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method method);

// A request as handlers see it, independent of the HTTP library.
struct Request {
  Method method = Method::kGet;
  std::string target;  // as received: path plus optional "?query"
  std::string path;    // percent-decoding is left to handlers
  std::string query;   // without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;  // peer IP as text; "" when unknown (tests)
  std::map<std::string, std::string, std::less<>> params;  // filled by Router from {name}

  // Empty when absent. `name` is matched case-insensitively.
  std::string_view Header(std::string_view name) const;
  std::string_view Param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // Set: a streaming response (stream_sink.h). The server writes status and headers
  // without a length ("Connection: close", the body runs until the stream ends), then
  // calls `stream` with the sink; `body` is ignored. A HEAD request gets the head only.
  StreamStart stream;
};

// {"error":{"code":code,"message":message}} with the given HTTP status.
Response JsonError(int status, std::string_view code, std::string_view message);
// A JSON body that is already serialized.
Response JsonResponse(int status, std::string body);

// Handlers run on an HTTP server thread; they must not block for long and must be safe to
// run concurrently with each other.
using Handler = std::function<Response(const Request&)>;

// Maps method + path to handlers. Patterns are literal segments or "{name}" placeholders
// that match one non-empty segment ("/api/v1/systems/{id}"). Literal segments win over
// placeholders. Unknown path -> 404 not_found, known path with another method -> 405
// method_not_allowed with an Allow header. HEAD is answered by the GET handler when no HEAD
// route matches (the server drops the body). Register everything before serving; Dispatch
// is then safe from several threads.
class Router {
 public:
  void Add(Method method, std::string_view pattern, Handler handler);
  // Answers GET and HEAD requests whose path matches no route and lies outside /api/ (the
  // portal, static_site.h). Without it they get the 404 above; /api/ always does.
  void SetFallback(Handler handler);

  Response Dispatch(Request& request) const;
  // Every registered (method, pattern), in registration order: the OpenAPI test compares
  // them with the published document.
  std::vector<std::pair<Method, std::string>> Routes() const;

 private:
  struct Route {
    Method method;
    std::vector<std::string> segments;
    int literal_count = 0;
    Handler handler;
  };

  static bool Match(const Route& route, const std::vector<std::string_view>& segments,
                    std::map<std::string, std::string, std::less<>>* params);

  std::vector<Route> routes_;
  Handler fallback_;
};

}  // namespace ccc::relay::http
