#include "core/atomic_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

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

void Touch(const std::filesystem::path& p) { std::ofstream(p) << "x"; }

TEST(AtomicFileTest, RemoveTemporariesTakesOnlyTemporariesOfTheNamedFiles) {
  testing::TempDir dir;
  const std::string own = std::to_string(::getpid());
  // This process's temporaries of both forms, another process's, and files that only look alike.
  const std::filesystem::path mine = TemporarySibling(dir / "report.json");
  const std::filesystem::path mine_ext = TemporarySiblingKeepingExtension(dir / "labels.nii.gz");
  Touch(mine);
  Touch(mine_ext);
  Touch(dir / ".labels.nii.tmp-1-2");              // another process, gzip stage name
  Touch(dir / (".tmp-" + own + "-7-labels.nii"));  // ours, before gzip
  for (const char* keep :
       {"report.json", ".report.json.tmp-x-1", ".tmp-12-notes", "notes.tmp-1-2", ".other.txt.tmp-1-2"}) {
    Touch(dir / keep);
  }
  // Own process, names given: ours of report.json and labels.nii.gz only.
  auto removed = RemoveTemporaries(dir.path(), {"report.json", "labels.nii.gz"}, false);
  EXPECT_EQ(removed.size(), 3u);
  EXPECT_FALSE(std::filesystem::exists(mine));
  EXPECT_FALSE(std::filesystem::exists(mine_ext));
  EXPECT_TRUE(std::filesystem::exists(dir / ".labels.nii.tmp-1-2"));
  // Any process: the other one's too; never a file that is not a temporary of a named file.
  removed = RemoveTemporaries(dir.path(), {"report.json", "labels.nii.gz"}, true);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].filename(), ".labels.nii.tmp-1-2");
  for (const char* keep :
       {"report.json", ".report.json.tmp-x-1", ".tmp-12-notes", "notes.tmp-1-2", ".other.txt.tmp-1-2"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / keep)) << keep;
  }
  // No names: every temporary of this process (what an interrupted run sweeps), none of another's.
  Touch(TemporarySibling(dir / "truth.json"));
  removed = RemoveTemporaries(dir.path(), {}, false);
  EXPECT_EQ(removed.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(dir / ".other.txt.tmp-1-2"));
}

// A DICOM phantom writes its slices into series folders: a stopped run's
// temporaries there go too, and IsTemporaryName knows both forms.
TEST(AtomicFileTest, RemoveTemporariesInTreeLooksIntoTheFoldersDirectlyInside) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "pre_ct/deeper");
  const std::filesystem::path top = TemporarySibling(dir / "truth.json");
  const std::filesystem::path slice = TemporarySibling(dir / "pre_ct/slice_0001.dcm");
  const std::filesystem::path deeper = TemporarySibling(dir / "pre_ct/deeper/x.dcm");
  for (const auto& p : {top, slice, deeper}) Touch(p);
  Touch(dir / "pre_ct/slice_0001.dcm");
  EXPECT_TRUE(IsTemporaryName(slice.filename().string()));
  EXPECT_TRUE(IsTemporaryName(TemporarySiblingKeepingExtension(dir / "a.nii.gz").filename().string()));
  EXPECT_FALSE(IsTemporaryName("slice_0001.dcm"));
  EXPECT_EQ(RemoveTemporariesInTree(dir.path(), false).size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(top));
  EXPECT_FALSE(std::filesystem::exists(slice));
  EXPECT_TRUE(std::filesystem::exists(deeper)) << "one level down only";
  EXPECT_TRUE(std::filesystem::exists(dir / "pre_ct/slice_0001.dcm"));
}

}  // namespace
}  // namespace margo
