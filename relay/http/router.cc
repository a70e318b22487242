#include "relay/http/router.h"

#include <algorithm>
#include <boost/json.hpp>
#include <stdexcept>

namespace ccc::relay::http {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

// "/a/b/" -> {"a", "b", ""}; "/" -> {""}. A trailing slash is a distinct path.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

bool IsPlaceholder(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

std::string_view Request::Param(std::string_view name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

Response JsonError(int status, std::string_view code, std::string_view message) {
  boost::json::object error;
  error["code"] = code;
  error["message"] = message;
  boost::json::object root;
  root["error"] = std::move(error);
  return JsonResponse(status, boost::json::serialize(root));
}

Response JsonResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

void Router::Add(Method method, std::string_view pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  Route route{method, {}, 0, std::move(handler)};
  for (std::string_view segment : SplitPath(pattern)) {
    if (!IsPlaceholder(segment)) ++route.literal_count;
    route.segments.emplace_back(segment);
  }
  routes_.push_back(std::move(route));
  // More literal segments first, so "/systems/new" beats "/systems/{id}".
  std::stable_sort(routes_.begin(), routes_.end(), [](const Route& a, const Route& b) {
    return a.literal_count > b.literal_count;
  });
}

void Router::SetFallback(Handler handler) { fallback_ = std::move(handler); }

bool Router::Match(const Route& route, const std::vector<std::string_view>& segments,
                   std::map<std::string, std::string, std::less<>>* params) {
  if (route.segments.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = route.segments[i];
    if (IsPlaceholder(want)) {
      if (segments[i].empty()) return false;
    } else if (want != segments[i]) {
      return false;
    }
  }
  if (params != nullptr) {
    for (size_t i = 0; i < segments.size(); ++i) {
      const std::string& want = route.segments[i];
      if (IsPlaceholder(want)) {
        (*params)[want.substr(1, want.size() - 2)] = std::string(segments[i]);
      }
    }
  }
  return true;
}

Response Router::Dispatch(Request& request) const {
  std::vector<std::string_view> segments = SplitPath(request.path);
  std::string allow;
  const Route* get_for_head = nullptr;
  for (const Route& route : routes_) {
    if (!Match(route, segments, nullptr)) continue;
    if (route.method == request.method) {
      request.params.clear();
      Match(route, segments, &request.params);
      return route.handler(request);
    }
    if (request.method == Method::kHead && route.method == Method::kGet && !get_for_head) {
      get_for_head = &route;
    }
    std::string_view name = MethodName(route.method);
    if (allow.find(name) == std::string::npos) {
      if (!allow.empty()) allow += ", ";
      allow += name;
    }
  }
  if (get_for_head != nullptr) {
    request.params.clear();
    Match(*get_for_head, segments, &request.params);
    return get_for_head->handler(request);
  }
  if (allow.empty()) {
    if (fallback_ && (request.method == Method::kGet || request.method == Method::kHead) &&
        !IsApiPath(request.path)) {
      return fallback_(request);
    }
    return JsonError(404, "not_found", "no resource at " + request.path);
  }
  Response response =
      JsonError(405, "method_not_allowed",
                std::string(MethodName(request.method)) + " is not allowed on " + request.path);
  response.headers.emplace_back("Allow", allow);
  return response;
}

std::vector<std::pair<Method, std::string>> Router::Routes() const {
  std::vector<std::pair<Method, std::string>> routes;
  routes.reserve(routes_.size());
  for (const Route& route : routes_) {
    std::string pattern;
    for (const std::string& segment : route.segments) pattern += "/" + segment;
    routes.emplace_back(route.method, pattern.empty() ? "/" : pattern);
  }
  return routes;
}

}  // namespace ccc::relay::http
