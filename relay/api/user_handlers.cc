#include "relay/api/user_handlers.h"

#include <boost/json.hpp>

#include "relay/api/handler_support.h"
#include "relay/api/list_query.h"

namespace ccc::relay::api {
namespace {

boost::json::object UserItemJson(const directory::User& user) {
  boost::json::object item;
  item["id"] = user.id;
  item["email"] = user.email;
  item["name"] = user.name;
  return item;
}

}  // namespace

void AddUserRoutes(http::Router& router, const ApiServices& services) {
  router.Add(http::Method::kGet, "/api/v1/users",
             WithCaller(services, [&services](const http::Request& request, const Caller& caller) {
               auto query = ParseListQuery(request, {"email", "name", "created"});
               if (!query.ok()) return *query.failure;
               auto page = services.directory->ListUsers(caller.company_id, *query.query);
               if (!page.ok()) return StatusResponse(page.status());
               return ListResponse(page->items, page->total, UserItemJson);
             }));
}

}  // namespace ccc::relay::api
