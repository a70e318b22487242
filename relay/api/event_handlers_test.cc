#include "relay/api/event_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "relay/api/api_test_support.h"
#include "relay/api/session_handlers.h"
#include "relay/auth/secret_tokens.h"
#include "relay/events/event_hub.h"

namespace ccc::relay::api {
namespace {

using testing::ApiTestEnv;
using testing::CallOptions;
using testing::ExpectAnswer;
using testing::HeaderValue;
using testing::kTestPassword;
using namespace std::chrono_literals;

// The HTTP server's side of a stream, recording what the hub sends.
class RecordingSink : public http::StreamSink {
 public:
  bool Send(std::string chunk) override {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    text_ += chunk;
    changed_.notify_all();
    return true;
  }
  void Close() override {
    std::lock_guard lock(mu_);
    closed_ = true;
    changed_.notify_all();
  }
  bool closed() const override {
    std::lock_guard lock(mu_);
    return closed_;
  }
  bool WaitFor(const std::string& needle) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, 5s, [&] { return text_.find(needle) != std::string::npos; });
  }
  bool WaitClosed() {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, 5s, [&] { return closed_; });
  }
  std::string text() const {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::string text_;
  bool closed_ = false;
};

class EventsApi : public ::testing::Test {
 protected:
  void SetUp() override {
    company_ = env_.CreateCompany("Acme");
    user_ = env_.CreateUser(company_, "user@acme.example", kTestPassword);
    session_ = env_.CreateSession(user_);
  }

  void TearDown() override {
    if (hub_) hub_->Stop();
  }

  void StartHub(events::EventHubOptions options = {}) {
    options.poll_interval = 20ms;
    hub_ = std::make_unique<events::EventHub>(options, env_.directory());
    ASSERT_TRUE(hub_->Start().ok());
    env_.services().events = hub_.get();
  }

  // Registers the routes (after the hub is set: handlers keep a copy of the services).
  void AddRoutes() {
    AddSessionRoutes(env_.router(), env_.services());
    AddEventRoutes(env_.router(), env_.services());
  }

  http::Response Open(CallOptions options) {
    return env_.Call(http::Method::kGet, "/api/v1/events", "", options);
  }

  // Opens a stream as the test user and starts it on a fresh sink.
  std::shared_ptr<RecordingSink> Stream(const CallOptions& options) {
    http::Response response = Open(options);
    auto sink = std::make_shared<RecordingSink>();
    EXPECT_EQ(response.status, 200) << response.body;
    if (response.stream) response.stream(sink);
    return sink;
  }

  ApiTestEnv env_;
  std::unique_ptr<events::EventHub> hub_;
  int64_t company_ = 0;
  int64_t user_ = 0;
  testing::BrowserSession session_;
};

TEST_F(EventsApi, NeedsALogin) {
  StartHub();
  AddRoutes();
  ExpectAnswer(Open({}), 401, "not_authenticated");
}

TEST_F(EventsApi, IsUnavailableWithoutAHub) {
  AddRoutes();
  http::Response response = Open({.session = session_});
  ExpectAnswer(response, 503, "unavailable");
  EXPECT_EQ(HeaderValue(response, "Retry-After"), "10");
}

TEST_F(EventsApi, AnswersAnEventStreamThatNobodyCaches) {
  StartHub();
  AddRoutes();
  http::Response response = Open({.session = session_});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/event-stream");
  EXPECT_EQ(HeaderValue(response, "Cache-Control"), "no-store");
  EXPECT_EQ(HeaderValue(response, "X-Accel-Buffering"), "no");
  EXPECT_TRUE(static_cast<bool>(response.stream));
}

TEST_F(EventsApi, TheStreamCarriesChangesOfTheCallersCompany) {
  StartHub();
  AddRoutes();
  auto sink = Stream({.session = session_});
  ASSERT_TRUE(sink->WaitFor("event: ready\n"));
  const int64_t system = env_.CreateSystem(company_, user_, "PBX-EVENTS-1");
  EXPECT_TRUE(sink->WaitFor("event: systems\ndata: {\"ids\":[" + std::to_string(system) + "]}"))
      << sink->text();
}

TEST_F(EventsApi, ABearerTokenOpensAStreamToo) {
  StartHub();
  AddRoutes();
  auto sink = Stream({.bearer = env_.CreateApiToken(user_)});
  EXPECT_TRUE(sink->WaitFor("event: ready\n"));
}

TEST_F(EventsApi, TooManyStreamsOfOneUserAre429) {
  events::EventHubOptions options;
  options.max_streams_per_user = 1;
  StartHub(options);
  AddRoutes();
  auto first = Stream({.session = session_});
  http::Response second = Open({.session = session_});
  ExpectAnswer(second, 429, "too_many_streams");
  EXPECT_EQ(HeaderValue(second, "Retry-After"), "10");
}

TEST_F(EventsApi, TooManyStreamsOfTheRelayAre503) {
  events::EventHubOptions options;
  options.max_streams = 1;
  StartHub(options);
  AddRoutes();
  auto first = Stream({.session = session_});
  const int64_t other = env_.CreateUser(company_, "other@acme.example", kTestPassword);
  ExpectAnswer(Open({.session = env_.CreateSession(other)}), 503, "unavailable");
}

TEST_F(EventsApi, AnAnswerThatNeverStreamedFreesItsSlot) {
  StartHub();
  AddRoutes();
  {
    http::Response response = Open({.session = session_});
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(hub_->stream_count(), 1u);
  }
  EXPECT_EQ(hub_->stream_count(), 0u);
}

TEST_F(EventsApi, LoggingOutClosesTheStream) {
  StartHub();
  AddRoutes();
  auto sink = Stream({.session = session_});
  ASSERT_TRUE(sink->WaitFor("event: ready\n"));
  ExpectAnswer(env_.Call(http::Method::kDelete, "/api/v1/session", "", {.session = session_}), 204);
  EXPECT_TRUE(sink->WaitClosed());
}

// --- CredentialStillValid ------------------------------------------------------------------

class CredentialCheck : public EventsApi {
 protected:
  Caller SessionCaller() {
    Caller caller;
    caller.user_id = user_;
    caller.company_id = company_;
    caller.session_digest = auth::TokenDigest(session_.token);
    return caller;
  }
};

TEST_F(CredentialCheck, HoldsForALiveSession) {
  EXPECT_TRUE(CredentialStillValid(env_.services(), SessionCaller(), {})());
}

TEST_F(CredentialCheck, EndsWithTheSession) {
  auto check = CredentialStillValid(env_.services(), SessionCaller(), {});
  testing::Must(env_.directory().DeleteSession(auth::TokenDigest(session_.token)));
  EXPECT_FALSE(check());
}

TEST_F(CredentialCheck, EndsWhenTheSessionIdlesTooLongWithoutBeingRefreshed) {
  auto check = CredentialStillValid(env_.services(), SessionCaller(), {});
  env_.Advance(std::chrono::hours(11));
  EXPECT_TRUE(check());
  env_.Advance(std::chrono::hours(2));
  EXPECT_FALSE(check());
}

TEST_F(CredentialCheck, EndsWhenTheUserIsDisabled) {
  auto check = CredentialStillValid(env_.services(), SessionCaller(), {});
  testing::Must(env_.directory().SetDisabled(user_, true, testing::OperatorActor()));
  EXPECT_FALSE(check());
}

TEST_F(CredentialCheck, EndsWithADeletedApiToken) {
  const std::string token = env_.CreateApiToken(user_);
  Caller caller = SessionCaller();
  caller.via_api_token = true;
  caller.session_digest.clear();
  http::Request request;
  request.headers.emplace_back("authorization", "Bearer " + token);
  auto check = CredentialStillValid(env_.services(), caller, request);
  EXPECT_TRUE(check());
  auto found = testing::Must(env_.directory().FindApiTokenByDigest(auth::TokenDigest(token)));
  ASSERT_TRUE(found.has_value());
  testing::Must(env_.directory().DeleteApiToken(user_, found->id, testing::OperatorActor()));
  EXPECT_FALSE(check());
}

}  // namespace
}  // namespace ccc::relay::api
