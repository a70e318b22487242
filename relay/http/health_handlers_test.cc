#include "relay/http/health_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>

namespace ccc::relay::http {
namespace {

using ::testing::HasSubstr;

class HealthHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/health_handlers_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = store::OpenSqliteStore({dir_ + "/relay.db", false});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    AddHealthRoutes(router_,
                    {store_.get(), [this] { return connected_.load(); }, &metrics_.registry});
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Response Get(const std::string& path) {
    Request request;
    request.method = Method::kGet;
    request.path = path;
    return router_.Dispatch(request);
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::atomic<bool> connected_{false};
  metrics::RelayMetrics metrics_;
  Router router_;
};

TEST_F(HealthHandlersTest, HealthzIsAlwaysOk) {
  Response response = Get("/healthz");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(boost::json::parse(response.body).at("status"), "ok");
}

TEST_F(HealthHandlersTest, ReadyzNamesMqttWhileDisconnected) {
  Response response = Get("/readyz");
  EXPECT_EQ(response.status, 503);
  auto body = boost::json::parse(response.body);
  EXPECT_EQ(body.at("status"), "not_ready");
  EXPECT_EQ(body.at("reasons"), boost::json::array({"mqtt_disconnected"}));
}

TEST_F(HealthHandlersTest, ReadyzIsOkWhenStoreAnswersAndMqttIsConnected) {
  connected_ = true;
  EXPECT_EQ(Get("/readyz").status, 200);
}

TEST_F(HealthHandlersTest, MetricsAreServedAsPrometheusText) {
  metrics_.messages_in.Inc(3);
  Response response = Get("/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(response.body, HasSubstr("ccc_relay_messages_in_total 3\n"));
}

}  // namespace
}  // namespace ccc::relay::http
