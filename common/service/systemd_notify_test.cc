#include "common/service/systemd_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace ccc::service {
namespace {

// A datagram socket standing in for the service manager.
class FakeServiceManager {
 public:
  explicit FakeServiceManager(const std::string& name) : name_(name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    if (name[0] == '@') address.sun_path[0] = '\0';
    const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), size), 0);
    timeval timeout{.tv_sec = 2, .tv_usec = 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~FakeServiceManager() {
    ::close(fd_);
    if (name_[0] == '/') std::filesystem::remove(name_);
  }
  std::string Receive() {
    char buffer[256];
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
  }

 private:
  std::string name_;
  int fd_ = -1;
};

class SystemdNotifyTest : public ::testing::Test {
 protected:
  void TearDown() override {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
  }
};

TEST_F(SystemdNotifyTest, WithoutNotifySocketNothingIsSent) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(NotifyServiceManager("READY=1"));
}

TEST_F(SystemdNotifyTest, SendsTheStateToAPathSocket) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("ccc-notify-" + std::to_string(::getpid())))
          .string();
  FakeServiceManager manager(path);
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  EXPECT_TRUE(NotifyServiceManager("READY=1"));
  EXPECT_EQ(manager.Receive(), "READY=1");
}

TEST_F(SystemdNotifyTest, SendsTheStateToAnAbstractSocket) {
  const std::string name = "@ccc-notify-test-" + std::to_string(::getpid());
  FakeServiceManager manager(name);
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  EXPECT_TRUE(NotifyServiceManager("WATCHDOG=1"));
  EXPECT_EQ(manager.Receive(), "WATCHDOG=1");
}

TEST_F(SystemdNotifyTest, RejectsARelativeSocketName) {
  ::setenv("NOTIFY_SOCKET", "relative/socket", 1);
  EXPECT_FALSE(NotifyServiceManager("READY=1"));
}

TEST_F(SystemdNotifyTest, WatchdogIntervalComesFromTheEnvironment) {
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  EXPECT_EQ(ServiceWatchdogInterval(), std::chrono::seconds(30));
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  EXPECT_EQ(ServiceWatchdogInterval(), std::chrono::seconds(30));
}

TEST_F(SystemdNotifyTest, WatchdogMeantForAnotherProcessIsIgnored) {
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);
  EXPECT_EQ(ServiceWatchdogInterval(), std::chrono::microseconds(0));
}

TEST_F(SystemdNotifyTest, MalformedWatchdogValueMeansNoWatchdog) {
  ::setenv("WATCHDOG_USEC", "30s", 1);
  EXPECT_EQ(ServiceWatchdogInterval(), std::chrono::microseconds(0));
}

}  // namespace
}  // namespace ccc::service
