#include "agent/pairing/file_io.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "agent/pairing/test_relay.h"

namespace ccc::agent::pairing {
namespace {

namespace fs = std::filesystem;
using testing::ModeOf;
using testing::TempFolderTest;

class FileIoTest : public TempFolderTest {};

TEST_F(FileIoTest, RenamedTempFileReplacesTheFileWithTheGivenMode) {
  std::ofstream(Path("state.json")) << "old";
  TempFile temp;
  ASSERT_TRUE(temp.Write(Path("state.json"), "new", 0644).ok());
  ASSERT_TRUE(temp.RenameTo(Path("state.json")).ok());
  EXPECT_EQ(*ReadSmallFile(Path("state.json")), "new");
  EXPECT_EQ(ModeOf(Path("state.json")), 0644u);
}

TEST_F(FileIoTest, LinkToIfAbsentKeepsAnExistingFile) {
  std::ofstream(Path("agent.key")) << "first";
  TempFile temp;
  ASSERT_TRUE(temp.Write(Path("agent.key"), "second").ok());
  EXPECT_EQ(temp.LinkToIfAbsent(Path("agent.key")).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*ReadSmallFile(Path("agent.key")), "first");
}

TEST_F(FileIoTest, ATempFileThatIsNotMovedIsRemoved) {
  {
    TempFile temp;
    ASSERT_TRUE(temp.Write(Path("agent.crt"), "pem").ok());
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(FileIoTest, ReadSmallFileRefusesFoldersAndLargeFiles) {
  EXPECT_EQ(ReadSmallFile(dir_.string()).status().code(), StatusCode::kInvalidArgument);
  std::ofstream(Path("big")) << std::string(kMaxSmallFileBytes + 1, 'x');
  EXPECT_EQ(ReadSmallFile(Path("big")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadSmallFile(Path("missing")).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ccc::agent::pairing
