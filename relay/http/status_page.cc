#include "relay/http/status_page.h"

#include <fmt/format.h>

#include <cstddef>

namespace ccc::relay::http {
namespace {

// Only digits and the version string (from the build, not from a request) are inserted.
constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>ccc relay</title></head>
<body>
<h1>ccc relay {version}</h1>
<p>The relay is running. Registered systems: {registered}, online now: {online}.</p>
<p>The web portal is not part of this build yet; it will be served at this address.</p>
<p lang="de">Das Relay läuft. Registrierte Anlagen: {registered}, davon jetzt online: {online}.
Das Webportal ist in dieser Version noch nicht enthalten; es wird unter dieser Adresse
bereitgestellt.</p>
<ul>
<li><a href="/healthz">/healthz</a></li>
<li><a href="/readyz">/readyz</a></li>
<li><a href="/metrics">/metrics</a></li>
</ul>
</body>
</html>
)html";

}  // namespace

void AddStatusPage(Router& router, store::Store* store, std::string version) {
  router.Add(Method::kGet, "/", [store, version = std::move(version)](const Request&) {
    auto devices = store->ListDevices();
    if (!devices.ok()) {
      return JsonError(503, "store_unavailable", "the relay cannot read its database");
    }
    size_t online = 0;
    for (const auto& device : *devices) online += device.online ? 1 : 0;
    Response response;
    response.content_type = "text/html; charset=utf-8";
    response.headers = {{"Cache-Control", "no-store"},
                        {"Content-Security-Policy", "default-src 'none'"}};
    response.body =
        fmt::format(fmt::runtime(kPage), fmt::arg("version", version),
                    fmt::arg("registered", devices->size()), fmt::arg("online", online));
    return response;
  });
}

}  // namespace ccc::relay::http
