#pragma once

#include <cstdint>

#include "common/status/status.h"
#include "relay/store/store.h"

// One page of calls and how many match, at a cost that stays bounded with millions of
// stored calls (the call data page's `total` / `total_capped`).
//
// Counting every match of a filter means reading every call of its time range; with a text
// filter that can be hundreds of thousands of rows per request. So:
//  1. The page is read with the count capped just past it (count_limit = offset + limit + 1):
//     about what reading the page costs anyway. Fewer matches than that: the total is exact.
//     A q the store answers from its trigram index comes back with its exact total (the
//     store reads every candidate anyway), however many match.
//  2. Otherwise the matches are counted among the newest kCountWindowCalls calls of the
//     time range only, and at most kCallTotalLimit of them. When the range holds no more
//     calls than the window and the count stayed below the limit, it is exact; else
//     total_capped is true and total is a lower bound (at least total calls match).
// Thread: any; every step is one Store call.
namespace ccc::relay::api {

inline constexpr uint64_t kCallTotalLimit = 10'000;
inline constexpr size_t kCountWindowCalls = 20'000;

// query.count_limit is ignored (this decides it).
Result<store::CallPage> ReadCallPage(store::Store& store, const store::CallQuery& query);

}  // namespace ccc::relay::api
