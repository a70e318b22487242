#include "relay/http/status_page.h"

#include <fmt/format.h>

#include <cstddef>

namespace ccc::relay::http {
namespace {

// Only digits, the version string (from the build, not from a request) and the constant
// portal sentences below are inserted.
constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>ccc relay</title></head>
<body>
<h1>ccc relay {version}</h1>
<p>The relay is running. Registered systems: {registered}, online now: {online}.</p>
{portal_en}
<p lang="de">Das Relay läuft. Registrierte Anlagen: {registered}, davon jetzt online: {online}.
{portal_de}</p>
<ul>
<li><a href="/healthz">/healthz</a></li>
<li><a href="/readyz">/readyz</a></li>
<li><a href="/metrics">/metrics</a></li>
</ul>
</body>
</html>
)html";

constexpr std::string_view kNoPortalEn =
    "<p>The web portal is not part of this build; it would be served at this address.</p>";
constexpr std::string_view kNoPortalDe =
    "Das Webportal ist in diesem Build nicht enthalten; es würde unter dieser Adresse "
    "bereitgestellt.";
constexpr std::string_view kPortalEn = R"(<p>The web portal is at <a href="/">/</a>.</p>)";
constexpr std::string_view kPortalDe = R"(Das Webportal ist unter <a href="/">/</a> erreichbar.)";

}  // namespace

void AddStatusPage(Router& router, store::Store* store, std::string version, std::string path) {
  const bool portal_elsewhere = path != "/";
  router.Add(Method::kGet, path,
             [store, version = std::move(version), portal_elsewhere](const Request&) {
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
                               fmt::arg("registered", devices->size()), fmt::arg("online", online),
                               fmt::arg("portal_en", portal_elsewhere ? kPortalEn : kNoPortalEn),
                               fmt::arg("portal_de", portal_elsewhere ? kPortalDe : kNoPortalDe));
               return response;
             });
}

}  // namespace ccc::relay::http
