#include "relay/api/pbxdata_handlers.h"

#include <memory>

#include "relay/api/calls_handlers.h"
#include "relay/api/fleet_actions_handlers.h"
#include "relay/api/licences_handlers.h"
#include "relay/api/registration_handlers.h"

namespace ccc::relay::api {

void AddPbxDataRoutes(http::Router& router, const ApiServices& services,
                      const CallExportOptions& exports) {
  AddFleetActionRoutes(router, services);
  AddRegistrationRoutes(router, services);
  AddLicencesRoutes(router, services);
  std::shared_ptr<CallExporter> exporter;
  if (services.store != nullptr) exporter = std::make_shared<CallExporter>(services.store, exports);
  AddCallRoutes(router, services, exporter);
}

}  // namespace ccc::relay::api
