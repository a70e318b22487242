#pragma once

#include <string>

#include "relay/http/router.h"
#include "relay/store/store.h"

namespace ccc::relay::http {

// GET `path` -> a small HTML page, in English and German, saying that the relay runs, how
// many registered systems there are and how many of them are online, with links to /healthz,
// /readyz and /metrics. Without a portal build it stands at "/", so that the address
// `make demo` prints answers with something true instead of a 404; with the portal at "/"
// it moves to "/status" and links to the portal. `store` must outlive the router.
void AddStatusPage(Router& router, store::Store* store, std::string version,
                   std::string path = "/");

}  // namespace ccc::relay::http
