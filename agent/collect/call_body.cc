#include "agent/collect/call_body.h"

#include <boost/json.hpp>

namespace ccc::agent::collect {

std::string CallBody(const sources::CallRecord& call) {
  boost::json::object o;
  o.reserve(12);
  o.emplace("id", call.id);
  o.emplace("start_ms", call.start_ms);
  o.emplace("duration_s", call.duration_s);
  o.emplace("direction", sources::ToWire(call.direction));
  o.emplace("result", sources::ToWire(call.result));
  o.emplace("external_number", call.external_number);
  o.emplace("external_name", call.external_name);
  o.emplace("billing_number", call.billing_number);
  o.emplace("billing_name", call.billing_name);
  o.emplace("real_name", call.real_name);
  o.emplace("own_number", call.own_number);
  o.emplace("call_type", call.call_type);
  return boost::json::serialize(o);
}

}  // namespace ccc::agent::collect
