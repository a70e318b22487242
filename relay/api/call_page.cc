#include "relay/api/call_page.h"

#include <algorithm>

namespace ccc::relay::api {

Result<store::CallPage> ReadCallPage(store::Store& store, const store::CallQuery& query) {
  store::CallQuery first = query;
  // Capped just past the page: finding that many costs about what the page did.
  first.count_limit = std::max<uint64_t>(query.offset + query.limit, 1);
  Result<store::CallPage> page = store.Calls(first);
  if (!page.ok() || !page->total_capped) return page;

  // More matches than the page reaches. The newest kCountWindowCalls calls of the time
  // range begin after the call just past them (none: the range is smaller than the window).
  store::CallQuery edge;
  edge.filter.devices = query.filter.devices;
  edge.filter.from_ms = query.filter.from_ms;
  edge.filter.to_ms = query.filter.to_ms;
  edge.sort = store::CallSort::kTime;
  edge.descending = true;
  edge.limit = 1;
  edge.offset = kCountWindowCalls;
  edge.count_limit = 1;
  Result<store::CallPage> beyond = store.Calls(edge);
  if (!beyond.ok()) return beyond.status();
  const bool window_cut = !beyond->items.empty();

  store::CallQuery count = query;
  count.limit = 0;
  count.offset = 0;
  count.count_limit = kCallTotalLimit;
  if (window_cut) count.filter.from_ms = beyond->items.front().start_ms + 1;
  Result<store::CallPage> counted = store.Calls(count);
  if (!counted.ok()) return counted.status();
  if (!window_cut && !counted->total_capped) {
    page->total = counted->total;
    page->total_capped = false;
  } else {
    // A lower bound: the page itself showed there are more than offset + limit.
    page->total = std::max<uint64_t>(counted->total, first.count_limit + 1);
    page->total_capped = true;
  }
  return page;
}

}  // namespace ccc::relay::api
