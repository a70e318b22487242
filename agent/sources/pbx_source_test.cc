#include "agent/sources/pbx_source.h"

#include <gtest/gtest.h>

namespace ccc::agent::sources {
namespace {

// The wire names are tested with their definitions (common/protocol/pbx_wire_test.cc).
class IdentityOnlySource : public PbxSource {
 public:
  Result<PbxIdentity> Identity() override { return PbxIdentity{"SN", "m", "f"}; }
};

TEST(PbxSource, FeaturesAnAdapterDoesNotImplementAnswerUnsupported) {
  IdentityOnlySource source;
  EXPECT_EQ(source.Registrations(0).status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(source.CallsAfter(0, 10, 0).status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(source.Information(0).status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace ccc::agent::sources
