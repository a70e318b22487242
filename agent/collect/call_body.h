#pragma once

#include <string>

#include "agent/sources/pbx_source.h"

namespace ccc::agent::collect {

// The JSON body of a "calls" record, one per call (issue 5 contract, section 1), compact:
//   {"id","start_ms","duration_s","direction","result","external_number","external_name",
//    "billing_number","billing_name","real_name","own_number","call_type"}
// id, start_ms and duration_s are JSON integers (ids stay below 2^53, so every JSON reader
// gets them exactly); direction and result by their wire names; empty texts are "".
std::string CallBody(const sources::CallRecord& call);

}  // namespace ccc::agent::collect
