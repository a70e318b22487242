#include "relay/api/user_handlers.h"

#include <boost/json.hpp>

#include "relay/api/list_query.h"

namespace ccc::relay::api {

void AddUserRoutes(http::Router& router, const ApiServices& services) {
  router.Add(http::Method::kGet, "/api/v1/users",
             WithCaller(services, [&services](const http::Request& request, const Caller& caller) {
               auto query = ParseListQuery(request, {"email", "name", "created"});
               if (!query.ok()) return *query.failure;
               auto page = services.directory->ListUsers(caller.company_id, *query.query);
               if (!page.ok()) return StatusResponse(page.status());
               boost::json::array items;
               for (const directory::User& user : page->items) {
                 boost::json::object item;
                 item["id"] = user.id;
                 item["email"] = user.email;
                 item["name"] = user.name;
                 items.push_back(std::move(item));
               }
               boost::json::object body;
               body["items"] = std::move(items);
               body["total"] = page->total;
               return http::JsonResponse(200, boost::json::serialize(body));
             }));
}

}  // namespace ccc::relay::api
