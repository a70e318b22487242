#include "common/config/config_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace ccc::config {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

ConfigReader Read(std::string_view toml) { return ConfigReader::FromString(toml, "agent.toml"); }

// The ConfigError message the call throws, or "" (and a test failure) when it does not throw.
std::string ErrorOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

class TempDir {
 public:
  TempDir() {
    path_ =
        std::filesystem::temp_directory_path() /
        ("config_reader_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, std::string_view content) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream(file) << content;
    return file.string();
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(ConfigReader, ReadsFileAndKeepsItsNameAsSource) {
  TempDir dir;
  const std::string file = dir.Write("agent.toml", "[mqtt]\nhost = \"broker\"\n");
  ConfigReader reader = ConfigReader::FromFile(file);
  EXPECT_EQ(reader.String("mqtt.host"), "broker");
  EXPECT_EQ(reader.source(), file);
}

TEST(ConfigReader, MissingFileNamesTheFile) {
  EXPECT_THAT(ErrorOf([] { ConfigReader::FromFile("/nonexistent/agent.toml"); }),
              HasSubstr("/nonexistent/agent.toml: cannot read configuration file"));
}

TEST(ConfigReader, DirectoryInsteadOfFileNamesIt) {
  TempDir dir;
  EXPECT_THAT(ErrorOf([&] { ConfigReader::FromFile(dir.path().string()); }),
              HasSubstr("is a directory"));
}

TEST(ConfigReader, SyntaxErrorNamesFileLineAndColumn) {
  TempDir dir;
  const std::string file = dir.Write("bad.toml", "[mqtt]\nport = = 5\n");
  EXPECT_THAT(ErrorOf([&] { ConfigReader::FromFile(file); }),
              HasSubstr(file + ":2:8: TOML syntax error"));
}

TEST(ConfigReader, SyntaxErrorInStringNamesSource) {
  EXPECT_THAT(ErrorOf([] { Read("a = \"unterminated\n"); }), HasSubstr("agent.toml:1:"));
}

TEST(ConfigReader, ReadsNestedString) {
  EXPECT_EQ(Read("[mqtt.tls]\nca = \"x\"").String("mqtt.tls.ca"), "x");
}

TEST(ConfigReader, StringFallsBackWhenMissing) {
  EXPECT_EQ(Read("").String("mqtt.host", "localhost"), "localhost");
}

TEST(ConfigReader, MissingRequiredKeyNamesFileAndKey) {
  EXPECT_EQ(ErrorOf([] { Read("[mqtt]").String("mqtt.host"); }),
            "agent.toml: missing required key 'mqtt.host'");
}

TEST(ConfigReader, KeyBelowANonTableIsMissing) {
  EXPECT_THAT(ErrorOf([] { Read("mqtt = 5").String("mqtt.host"); }),
              HasSubstr("missing required key 'mqtt.host'"));
}

TEST(ConfigReader, StringOfWrongTypeNamesValue) {
  EXPECT_EQ(ErrorOf([] { Read("[mqtt]\nhost = 5").String("mqtt.host"); }),
            "agent.toml: key 'mqtt.host' has value 5, expected a string");
}

TEST(ConfigReader, TableWhereValueExpectedIsNamed) {
  EXPECT_THAT(ErrorOf([] { Read("[mqtt]\nx = 1").String("mqtt"); }),
              HasSubstr("key 'mqtt' has value a table"));
}

TEST(ConfigReader, OneOfAcceptsAllowedValue) {
  EXPECT_EQ(Read(R"(level = "debug")").OneOf("level", {"info", "debug"}), "debug");
}

TEST(ConfigReader, OneOfRejectsOtherValueAndListsAllowed) {
  EXPECT_EQ(ErrorOf([] {
              Read(R"(level = "loud")").OneOf("level", {"info", "debug"});
            }),
            R"(agent.toml: key 'level' has value "loud", expected one of "info", "debug")");
}

TEST(ConfigReader, OneOfFallsBackWhenMissing) {
  EXPECT_EQ(Read("").OneOf("level", {"info"}, "info"), "info");
}

TEST(ConfigReader, IntReadsValueInRange) {
  EXPECT_EQ(Read("[mqtt]\nport = 8883").Int("mqtt.port", 1, 65535), 8883);
}

TEST(ConfigReader, IntBoundsAreInclusive) {
  EXPECT_EQ(Read("a = 1\nb = 65535").Int("a", 1, 65535), 1);
  EXPECT_EQ(Read("a = 1\nb = 65535").Int("b", 1, 65535), 65535);
}

TEST(ConfigReader, IntOutOfRangeNamesFileKeyValueAndRange) {
  EXPECT_EQ(ErrorOf([] { Read("[mqtt]\nport = 70000").Int("mqtt.port", 1, 65535); }),
            "agent.toml: key 'mqtt.port' has value 70000, expected an integer from 1 to 65535");
}

TEST(ConfigReader, IntRejectsFloat) {
  EXPECT_THAT(ErrorOf([] { Read("port = 80.0").Int("port", 1, 65535); }),
              HasSubstr("has value 80.0, expected an integer"));
}

TEST(ConfigReader, IntRejectsString) {
  EXPECT_THAT(ErrorOf([] { Read(R"(port = "80")").Int("port", 1, 65535); }),
              HasSubstr(R"(has value "80", expected an integer)"));
}

TEST(ConfigReader, IntFallsBackWhenMissing) { EXPECT_EQ(Read("").Int("port", 1, 10, 7), 7); }

TEST(ConfigReader, DoubleReadsFloat) { EXPECT_DOUBLE_EQ(Read("r = 0.25").Double("r", 0, 1), 0.25); }

TEST(ConfigReader, DoubleAcceptsInteger) { EXPECT_DOUBLE_EQ(Read("r = 1").Double("r", 0, 1), 1.0); }

TEST(ConfigReader, DoubleOutOfRangeNamesValueAndRange) {
  EXPECT_EQ(ErrorOf([] { Read("r = 1.5").Double("r", 0, 1); }),
            "agent.toml: key 'r' has value 1.5, expected a number from 0 to 1");
}

TEST(ConfigReader, DoubleRejectsNan) {
  EXPECT_THAT(ErrorOf([] { Read("r = nan").Double("r", 0, 1); }), HasSubstr("has value nan"));
}

TEST(ConfigReader, DoubleRejectsBool) {
  EXPECT_THAT(ErrorOf([] { Read("r = true").Double("r", 0, 1); }), HasSubstr("has value true"));
}

TEST(ConfigReader, DoubleFallsBackWhenMissing) {
  EXPECT_DOUBLE_EQ(Read("").Double("r", 0, 1, 0.5), 0.5);
}

TEST(ConfigReader, BoolReadsValue) { EXPECT_FALSE(Read("tls = false").Bool("tls")); }

TEST(ConfigReader, BoolRejectsString) {
  EXPECT_EQ(ErrorOf([] { Read(R"(tls = "true")").Bool("tls"); }),
            R"(agent.toml: key 'tls' has value "true", expected true or false)");
}

TEST(ConfigReader, BoolFallsBackWhenMissing) { EXPECT_TRUE(Read("").Bool("tls", true)); }

TEST(ConfigReader, PathKeepsAbsolutePath) {
  EXPECT_EQ(Read(R"(db = "/var/lib/ccc/outbox.db")").Path("db"), "/var/lib/ccc/outbox.db");
}

TEST(ConfigReader, PathResolvesRelativeToConfigFolder) {
  TempDir dir;
  const std::string file = dir.Write("agent.toml", R"(db = "data/../outbox.db")");
  EXPECT_EQ(ConfigReader::FromFile(file).Path("db"), (dir.path() / "outbox.db").string());
}

TEST(ConfigReader, PathFromStringResolvesAgainstCurrentDir) {
  EXPECT_EQ(Read(R"(db = "outbox.db")").Path("db"),
            (std::filesystem::current_path() / "outbox.db").string());
}

TEST(ConfigReader, PathFallbackResolvesRelativeToConfigFolder) {
  TempDir dir;
  const std::string file = dir.Write("agent.toml", "");
  EXPECT_EQ(ConfigReader::FromFile(file).Path("db", "outbox.db"),
            (dir.path() / "outbox.db").string());
}

TEST(ConfigReader, PathRejectsEmptyString) {
  EXPECT_EQ(ErrorOf([] { Read(R"(db = "")").Path("db"); }),
            R"(agent.toml: key 'db' has value "", expected a non-empty path)");
}

TEST(ConfigReader, DurationReadsEveryUnit) {
  ConfigReader reader = Read(R"(a = "250ms"
b = "2s"
c = "5m"
d = "1h"
e = "7d")");
  const milliseconds max = std::chrono::days(30);
  EXPECT_EQ(reader.Duration("a", milliseconds(0), max), milliseconds(250));
  EXPECT_EQ(reader.Duration("b", milliseconds(0), max), std::chrono::seconds(2));
  EXPECT_EQ(reader.Duration("c", milliseconds(0), max), std::chrono::minutes(5));
  EXPECT_EQ(reader.Duration("d", milliseconds(0), max), std::chrono::hours(1));
  EXPECT_EQ(reader.Duration("e", milliseconds(0), max), std::chrono::days(7));
}

TEST(ConfigReader, DurationRejectsBareInteger) {
  EXPECT_THAT(ErrorOf([] { Read("t = 30").Duration("t", milliseconds(0), std::chrono::hours(1)); }),
              HasSubstr("agent.toml: key 't' has value 30, expected a duration"));
}

TEST(ConfigReader, DurationRejectsNumberStringWithoutUnit) {
  EXPECT_THAT(
      ErrorOf([] { Read(R"(t = "30")").Duration("t", milliseconds(0), std::chrono::hours(1)); }),
      HasSubstr(R"(has value "30", expected a duration)"));
}

TEST(ConfigReader, DurationRejectsUnknownUnit) {
  EXPECT_THAT(
      ErrorOf([] { Read(R"(t = "5w")").Duration("t", milliseconds(0), std::chrono::hours(1)); }),
      HasSubstr(R"(has value "5w")"));
}

TEST(ConfigReader, DurationRejectsFraction) {
  EXPECT_THAT(
      ErrorOf([] { Read(R"(t = "1.5s")").Duration("t", milliseconds(0), std::chrono::hours(1)); }),
      HasSubstr(R"(has value "1.5s")"));
}

TEST(ConfigReader, DurationRejectsOverflow) {
  EXPECT_THAT(
      ErrorOf([] {
        Read(R"(t = "99999999999999999d")").Duration("t", milliseconds(0), std::chrono::hours(1));
      }),
      HasSubstr("expected a duration"));
}

TEST(ConfigReader, DurationOutOfRangeShowsBoundsWithUnits) {
  EXPECT_THAT(
      ErrorOf([] { Read(R"(t = "2h")").Duration("t", milliseconds(250), std::chrono::hours(1)); }),
      HasSubstr(R"(key 't' has value "2h", expected a duration)"));
  EXPECT_THAT(
      ErrorOf([] { Read(R"(t = "2h")").Duration("t", milliseconds(250), std::chrono::hours(1)); }),
      HasSubstr("from 250ms to 1h"));
}

TEST(ConfigReader, DurationBoundsAreInclusive) {
  EXPECT_EQ(Read(R"(t = "1h")").Duration("t", milliseconds(250), std::chrono::hours(1)),
            std::chrono::hours(1));
}

TEST(ConfigReader, DurationFallsBackWhenMissing) {
  EXPECT_EQ(Read("").Duration("t", milliseconds(0), std::chrono::hours(1), milliseconds(5)),
            milliseconds(5));
}

TEST(ConfigReader, BytesReadsBinaryAndDecimalUnits) {
  ConfigReader reader = Read(R"(a = "64MiB"
b = "512KiB"
c = "1GiB"
d = "100MB"
e = "4096"
f = "10 kB")");
  constexpr uint64_t kMax = uint64_t{1} << 40;
  EXPECT_EQ(reader.Bytes("a", 0, kMax), 64u * 1024 * 1024);
  EXPECT_EQ(reader.Bytes("b", 0, kMax), 512u * 1024);
  EXPECT_EQ(reader.Bytes("c", 0, kMax), 1024u * 1024 * 1024);
  EXPECT_EQ(reader.Bytes("d", 0, kMax), 100'000'000u);
  EXPECT_EQ(reader.Bytes("e", 0, kMax), 4096u);
  EXPECT_EQ(reader.Bytes("f", 0, kMax), 10'000u);
}

TEST(ConfigReader, BytesAcceptsTomlInteger) {
  EXPECT_EQ(Read("s = 4096").Bytes("s", 0, 1 << 20), 4096u);
}

TEST(ConfigReader, BytesRejectsNegativeInteger) {
  EXPECT_THAT(ErrorOf([] { Read("s = -1").Bytes("s", 0, 1 << 20); }),
              HasSubstr("key 's' has value -1, expected a size"));
}

TEST(ConfigReader, BytesRejectsUnknownUnit) {
  EXPECT_THAT(ErrorOf([] { Read(R"(s = "64Mb")").Bytes("s", 0, 1 << 30); }),
              HasSubstr(R"(has value "64Mb", expected a size)"));
}

TEST(ConfigReader, BytesRejectsOverflow) {
  EXPECT_THAT(ErrorOf([] { Read(R"(s = "99999999999GiB")").Bytes("s", 0, UINT64_MAX); }),
              HasSubstr("expected a size"));
}

TEST(ConfigReader, BytesOutOfRangeShowsBoundsWithUnits) {
  EXPECT_THAT(ErrorOf([] { Read(R"(s = "2GiB")").Bytes("s", 1024, 1024 * 1024 * 1024); }),
              HasSubstr(R"(agent.toml: key 's' has value "2GiB", expected a size)"));
  EXPECT_THAT(ErrorOf([] { Read(R"(s = "2GiB")").Bytes("s", 1024, 1024 * 1024 * 1024); }),
              HasSubstr("from 1KiB to 1GiB"));
}

TEST(ConfigReader, BytesFallsBackWhenMissing) { EXPECT_EQ(Read("").Bytes("s", 0, 10, 3), 3u); }

TEST(ConfigReader, HasFindsValuesAndTables) {
  ConfigReader reader = Read("[mqtt]\nport = 1");
  EXPECT_TRUE(reader.Has("mqtt"));
  EXPECT_TRUE(reader.Has("mqtt.port"));
  EXPECT_FALSE(reader.Has("mqtt.host"));
  EXPECT_FALSE(reader.Has(""));
}

TEST(ConfigReader, AcceptsFileWhoseKeysWereAllRead) {
  ConfigReader reader = Read("[mqtt]\nport = 1\nhost = \"h\"");
  (void)reader.Int("mqtt.port", 1, 2);
  (void)reader.String("mqtt.host");
  (void)reader.Bool("mqtt.tls", true);
  EXPECT_NO_THROW(reader.RejectUnknownKeys());
}

TEST(ConfigReader, AcceptsAnEmptySectionWhoseKeysTheProgramReads) {
  ConfigReader reader = Read("[site]\n");
  (void)reader.Bool("site.monitoring", false);
  EXPECT_NO_THROW(reader.RejectUnknownKeys());
}

TEST(ConfigReader, RejectsAnEmptySectionNobodyReads) {
  ConfigReader reader = Read("[sight]\n");
  (void)reader.Bool("site.monitoring", false);
  EXPECT_EQ(ErrorOf([&] { reader.RejectUnknownKeys(); }), "agent.toml: unknown key 'sight'");
}

TEST(ConfigReader, RejectsUnknownKeyAsTypo) {
  ConfigReader reader = Read("[mqtt]\nprot = 1");
  (void)reader.Int("mqtt.port", 1, 65535, 8883);
  EXPECT_EQ(ErrorOf([&] { reader.RejectUnknownKeys(); }), "agent.toml: unknown key 'mqtt.prot'");
}

TEST(ConfigReader, ListsEveryUnknownKey) {
  ConfigReader reader = Read("a = 1\n[b]\nc = 2\n[d]");
  const std::string message = ErrorOf([&] { reader.RejectUnknownKeys(); });
  EXPECT_THAT(message, HasSubstr("unknown key 'a'"));
  EXPECT_THAT(message, HasSubstr("unknown key 'b.c'"));
  EXPECT_THAT(message, HasSubstr("unknown key 'd'"));
}

TEST(ConfigReader, HasDoesNotCountAsReading) {
  ConfigReader reader = Read("a = 1");
  EXPECT_TRUE(reader.Has("a"));
  EXPECT_THAT(ErrorOf([&] { reader.RejectUnknownKeys(); }), HasSubstr("unknown key 'a'"));
}

}  // namespace
}  // namespace ccc::config
