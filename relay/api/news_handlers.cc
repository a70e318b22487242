#include "relay/api/news_handlers.h"

#include <boost/json.hpp>

#include "relay/api/handler_support.h"
#include "relay/api/list_query.h"

namespace ccc::relay::api {
namespace {

boost::json::object NewsJson(const directory::NewsItem& item) {
  return boost::json::object{{"id", item.id},
                             {"title", item.title},
                             {"body", item.body},
                             {"published_at", Rfc3339(item.published_ms)}};
}

http::Response ListNews(const ApiServices& services, const http::Request& request, const Caller&) {
  auto query = ParseListQuery(request, {"published"});
  if (!query.ok()) return *query.failure;
  auto page = services.directory->ListNews(*query.query);
  if (!page.ok()) return StatusResponse(page.status());
  return ListResponse(page->items, page->total, NewsJson);
}

}  // namespace

void AddNewsRoutes(http::Router& router, const ApiServices& services) {
  router.Add(http::Method::kGet, "/api/v1/news", BindWithCaller(services, ListNews));
}

}  // namespace ccc::relay::api
