#include "relay/broker/broker_commands.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "relay/ca/device_ca.h"

extern char** environ;

namespace ccc::relay::broker {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "broker_commands_test.XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string MakeCrl(const TempDir& dir, const std::string& name = "ca") {
  auto ca = ca::DeviceCa::OpenOrCreate((dir.path() / (name + ".key")).string(),
                                       (dir.path() / (name + ".crt")).string(), "test CA");
  EXPECT_TRUE(ca.ok()) << ca.status().ToString();
  EXPECT_TRUE(ca.value().Revoke("0A1B", 1'700'000'000).ok());
  auto crl = ca.value().CrlPem(std::chrono::hours(24));
  EXPECT_TRUE(crl.ok()) << crl.status().ToString();
  return crl.value();
}

TEST(ParseCommandTemplate, SplitsAtSpacesIntoArgvWords) {
  auto argv = ParseCommandTemplate("  systemctl   reload\tmosquitto ", {}, {});
  ASSERT_TRUE(argv.ok());
  EXPECT_EQ(argv.value(), (std::vector<std::string>{"systemctl", "reload", "mosquitto"}));
}

TEST(ParseCommandTemplate, KeepsQuotesAndShellCharactersLiterally) {
  auto argv = ParseCommandTemplate("echo '$HOME;' |x", {}, {});
  ASSERT_TRUE(argv.ok());
  EXPECT_EQ(argv.value(), (std::vector<std::string>{"echo", "'$HOME;'", "|x"}));
}

TEST(ParseCommandTemplate, RejectsAnEmptyCommand) {
  EXPECT_EQ(ParseCommandTemplate("   ", {}, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(ParseCommandTemplate, RejectsAMultiLineCommand) {
  EXPECT_FALSE(ParseCommandTemplate("true\nrm x", {}, {}).ok());
}

TEST(ParseCommandTemplate, RejectsAnUnknownPlaceholder) {
  auto argv = ParseCommandTemplate("kick {clientid}", {"device"}, {});
  ASSERT_FALSE(argv.ok());
  EXPECT_NE(argv.status().message().find("{clientid}"), std::string::npos);
}

TEST(ParseCommandTemplate, RejectsAnUnclosedBrace) {
  EXPECT_FALSE(ParseCommandTemplate("kick {device", {"device"}, {}).ok());
}

TEST(ParseCommandTemplate, RequiresTheRequiredPlaceholder) {
  auto argv = ParseCommandTemplate("vmq-admin session disconnect", {"device"}, {"device"});
  ASSERT_FALSE(argv.ok());
  EXPECT_NE(argv.status().message().find("{device}"), std::string::npos);
}

TEST(ParseCommandTemplate, AcceptsAPlaceholderInsideAWord) {
  EXPECT_TRUE(ParseCommandTemplate("vmq-admin session disconnect client-id={device}", {"device"},
                                   {"device"})
                  .ok());
}

TEST(ExpandCommand, ReplacesEveryOccurrenceWithoutSplittingWords) {
  auto out = ExpandCommand(
      {"curl", "-X", "DELETE", "http://h/api/v5/clients/{device}", "{device}{device}"}, "device",
      "A B");
  EXPECT_EQ(out, (std::vector<std::string>{"curl", "-X", "DELETE", "http://h/api/v5/clients/A B",
                                           "A BA B"}));
}

TEST(RunCommand, SucceedsWhenTheCommandExitsWithZero) {
  EXPECT_TRUE(RunCommand({"true"}, milliseconds(5000)).ok());
}

TEST(RunCommand, ReportsTheExitStatusAndOutputOfAFailingCommand) {
  Status s = RunCommand({"sh", "-c", "echo broker says no >&2; exit 3"}, milliseconds(5000));
  ASSERT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("exited with 3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("broker says no"), std::string::npos) << s.message();
}

TEST(RunCommand, ReportsAProgramThatDoesNotExist) {
  EXPECT_EQ(RunCommand({"/nonexistent/ccc-no-such-tool"}, milliseconds(5000)).code(),
            StatusCode::kInvalidArgument);
}

TEST(RunCommand, KillsACommandThatOutlivesTheTimeout) {
  const auto start = std::chrono::steady_clock::now();
  Status s = RunCommand({"sleep", "30"}, milliseconds(200));
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("killed"), std::string::npos) << s.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(RunCommand, PassesArgumentsWithoutAShell) {
  TempDir dir;
  const fs::path target = dir.path() / "a b;touch x";
  ASSERT_TRUE(RunCommand({"touch", target.string()}, milliseconds(5000)).ok());
  EXPECT_TRUE(fs::exists(target));
  EXPECT_FALSE(fs::exists(dir.path() / "x"));
}

TEST(ValidateCrlPem, AcceptsACrlOfTheDeviceCa) {
  TempDir dir;
  EXPECT_TRUE(ValidateCrlPem(MakeCrl(dir)).ok());
}

TEST(ValidateCrlPem, AcceptsSeveralConcatenatedCrls) {
  TempDir dir;
  EXPECT_TRUE(ValidateCrlPem(MakeCrl(dir, "a") + "\n" + MakeCrl(dir, "b")).ok());
}

TEST(ValidateCrlPem, RejectsACertificate) {
  TempDir dir;
  auto ca =
      ca::DeviceCa::OpenOrCreate((dir.path() / "k").string(), (dir.path() / "c").string(), "x");
  ASSERT_TRUE(ca.ok());
  EXPECT_EQ(ValidateCrlPem(ca.value().CaCertificatePem()).code(), StatusCode::kInvalidArgument);
}

TEST(ValidateCrlPem, RejectsTextAfterTheCrl) {
  TempDir dir;
  EXPECT_FALSE(ValidateCrlPem(MakeCrl(dir) + "junk\n").ok());
}

TEST(ValidateCrlPem, RejectsEmptyText) { EXPECT_FALSE(ValidateCrlPem(" \n").ok()); }

TEST(ValidateCrlPem, RejectsACorruptedCrl) {
  TempDir dir;
  std::string crl = MakeCrl(dir);
  crl[crl.find('\n') + 10] ^= 0x01;
  EXPECT_EQ(ValidateCrlPem(crl).code(), StatusCode::kInvalidArgument);
}

TEST(WriteFileAtomically, WritesTheContentReadableByOthersWhateverTheUmask) {
  TempDir dir;
  const fs::path p = dir.path() / "devices.crl";
  const mode_t old = ::umask(077);
  Status s = WriteFileAtomically(p.string(), "content", 0644);
  ::umask(old);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Slurp(p), "content");
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(WriteFileAtomically, ReplacesAnExistingFileAndLeavesNoTemporaryFile) {
  TempDir dir;
  const fs::path p = dir.path() / "devices.crl";
  ASSERT_TRUE(WriteFileAtomically(p.string(), "old, and longer", 0644).ok());
  ASSERT_TRUE(WriteFileAtomically(p.string(), "new", 0644).ok());
  EXPECT_EQ(Slurp(p), "new");
  EXPECT_FALSE(fs::exists(p.string() + ".tmp"));
}

TEST(WriteFileAtomically, NamesThePathWhenTheFolderIsMissing) {
  TempDir dir;
  const std::string p = (dir.path() / "missing" / "devices.crl").string();
  Status s = WriteFileAtomically(p, "x", 0644);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find(p), std::string::npos);
}

pid_t SpawnSleeper() {
  pid_t pid = 0;
  char sleep_word[] = "sleep";
  char seconds[] = "30";
  char* argv[] = {sleep_word, seconds, nullptr};
  EXPECT_EQ(::posix_spawnp(&pid, "sleep", nullptr, nullptr, argv, environ), 0);
  return pid;
}

TEST(SignalPidFile, SendsSighupToThePidInTheFile) {
  TempDir dir;
  const pid_t pid = SpawnSleeper();
  std::ofstream(dir.path() / "broker.pid") << pid << "\n";
  ASSERT_TRUE(SignalPidFile((dir.path() / "broker.pid").string()).ok());
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(wstatus));
  EXPECT_EQ(WTERMSIG(wstatus), SIGHUP);
}

TEST(SignalPidFile, RejectsAFileWithoutAPid) {
  TempDir dir;
  std::ofstream(dir.path() / "broker.pid") << "12ab\n";
  EXPECT_EQ(SignalPidFile((dir.path() / "broker.pid").string()).code(), StatusCode::kUnavailable);
}

TEST(SignalPidFile, RejectsAMissingFile) {
  TempDir dir;
  EXPECT_EQ(SignalPidFile((dir.path() / "none.pid").string()).code(), StatusCode::kUnavailable);
}

TEST(DynsecEvictMessage, CreatesThenDeletesTheDevicesClientWithTaggedCorrelation) {
  auto doc = boost::json::parse(DynsecEvictMessage("PBX-0001", "t7"));
  const auto& commands = doc.at("commands").as_array();
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].at("command").as_string(), "createClient");
  EXPECT_EQ(commands[0].at("username").as_string(), "PBX-0001");
  EXPECT_EQ(commands[0].at("correlationData").as_string(), "t7-1");
  EXPECT_EQ(commands[1].at("command").as_string(), "deleteClient");
  EXPECT_EQ(commands[1].at("username").as_string(), "PBX-0001");
  EXPECT_EQ(commands[1].at("correlationData").as_string(), "t7-2");
}

TEST(CheckDynsecResponse, AcceptsSuccessfulResponses) {
  EXPECT_TRUE(
      CheckDynsecResponse(R"({"responses":[{"command":"createClient","correlationData":"t-1"},)"
                          R"({"command":"deleteClient","correlationData":"t-2"}]})",
                          "t")
          .ok());
}

TEST(CheckDynsecResponse, AcceptsTheErrorsOfAConcurrentEviction) {
  EXPECT_TRUE(
      CheckDynsecResponse(
          R"({"responses":[{"command":"createClient","error":"Client already exists","correlationData":"t-1"},)"
          R"({"command":"deleteClient","error":"Client not found","correlationData":"t-2"}]})",
          "t")
          .ok());
}

TEST(CheckDynsecResponse, ReportsOtherErrors) {
  Status s = CheckDynsecResponse(
      R"({"responses":[{"command":"deleteClient","error":"Permission denied","correlationData":"t-2"}]})",
      "t");
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("Permission denied"), std::string::npos);
}

TEST(CheckDynsecResponse, IgnoresResponsesToOtherControllers) {
  EXPECT_EQ(CheckDynsecResponse(
                R"({"responses":[{"command":"listClients","correlationData":"tx-1"}]})", "t")
                .code(),
            StatusCode::kNotFound);
}

TEST(CheckDynsecResponse, RejectsAPayloadThatIsNotADynsecResponse) {
  EXPECT_EQ(CheckDynsecResponse("not json", "t").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckDynsecResponse(R"({"commands":[]})", "t").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ccc::relay::broker
