#include "core/atomic_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AtomicFileTest, WritesCompleteContentAndLeavesNoTemporary) {
  testing::TempDir dir;
  WriteFileAtomically(dir / "report.json", "{\"a\": 1}\n");
  WriteFileAtomically(dir / "report.json", "{\"b\": 2}\n");
  EXPECT_EQ(Read(dir / "report.json"), "{\"b\": 2}\n");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(AtomicFileTest, UnwritablePlaceIsAnOutputError) {
  testing::TempDir dir;
  try {
    WriteFileAtomically(dir / "missing/sub/report.json", "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kOutputFailed);
    EXPECT_NE(std::string(e.what()).find("missing/sub/report.json"), std::string::npos);
  }
}

TEST(AtomicFileTest, EnsureWritableDirectoryRejectsAFile) {
  testing::TempDir dir;
  WriteFileAtomically(dir / "plain", "x");
  EXPECT_THROW(EnsureWritableDirectory(dir / "plain"), Error);
  EXPECT_NO_THROW(EnsureWritableDirectory(dir / "new/nested"));
  EXPECT_TRUE(std::filesystem::is_directory(dir / "new/nested"));
}

}  // namespace
}  // namespace margo
