#include "relay/api/api_routes.h"

#include "relay/api/api_token_handlers.h"
#include "relay/api/audit_handlers.h"
#include "relay/api/authorisation_handlers.h"
#include "relay/api/event_handlers.h"
#include "relay/api/group_handlers.h"
#include "relay/api/news_handlers.h"
#include "relay/api/oidc_handlers.h"
#include "relay/api/openapi_document.h"
#include "relay/api/pairing_handlers.h"
#include "relay/api/pbxdata_handlers.h"
#include "relay/api/session_handlers.h"
#include "relay/api/status_handlers.h"
#include "relay/api/system_handlers.h"
#include "relay/api/user_handlers.h"

namespace ccc::relay::api {

void AddApiRoutes(http::Router& router, const ApiServices& services, oidc::OidcClient* oidc) {
  AddSessionRoutes(router, services);
  AddStatusRoutes(router, services);
  AddUserRoutes(router, services);
  AddApiTokenRoutes(router, services);
  AddAuditRoutes(router, services);
  AddSystemRoutes(router, services);
  AddPairingRoutes(router, services);
  AddAuthorisationRoutes(router, services);
  AddGroupRoutes(router, services);
  AddOidcRoutes(router, services, oidc);
  AddNewsRoutes(router, services);
  AddEventRoutes(router, services);
  AddPbxDataRoutes(router, services);
  AddOpenApiRoute(router);
}

}  // namespace ccc::relay::api
