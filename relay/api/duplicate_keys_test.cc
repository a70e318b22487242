#include "relay/api/duplicate_keys.h"

#include <gtest/gtest.h>

namespace ccc::relay::api {
namespace {

TEST(FirstDuplicateKey, FindsNoneInAnObjectWithDistinctNames) {
  EXPECT_EQ(FirstDuplicateKey(R"({"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]})"), std::nullopt);
}

TEST(FirstDuplicateKey, FindsARepeatedTopLevelName) {
  EXPECT_EQ(FirstDuplicateKey(R"({"role":"monitoring","name":"x","role":"administrator"})"),
            "role");
}

TEST(FirstDuplicateKey, FindsARepeatedNameInANestedObject) {
  EXPECT_EQ(FirstDuplicateKey(R"({"a":{"b":1,"b":2}})"), "b");
}

TEST(FirstDuplicateKey, FindsARepeatInsideAnArrayElement) {
  EXPECT_EQ(FirstDuplicateKey(R"({"items":[{"x":1},{"x":1,"x":2}]})"), "x");
}

TEST(FirstDuplicateKey, ComparesNamesAfterUnescaping) {
  EXPECT_EQ(FirstDuplicateKey(R"({"name":1,"n\u0061me":2})"), "name");
}

TEST(FirstDuplicateKey, TreatsNamesAsCaseSensitive) {
  EXPECT_EQ(FirstDuplicateKey(R"({"name":1,"Name":2})"), std::nullopt);
}

TEST(FirstDuplicateKey, LeavesInvalidJsonToTheParser) {
  EXPECT_EQ(FirstDuplicateKey(R"({"a":1,)"), std::nullopt);
  EXPECT_EQ(
      FirstDuplicateKey(
          "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 32),
      std::nullopt);
}

}  // namespace
}  // namespace ccc::relay::api
