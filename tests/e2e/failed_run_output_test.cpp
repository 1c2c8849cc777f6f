// A run that fails leaves no empty --out folder it created, and never
// removes a folder that was there before, or anything in one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/e2e/cli_harness.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

namespace fs = std::filesystem;

class FailedRunOutputTest : public testing::PhantomSuite {
 protected:
  // assess on the phantom into `out` with --pre-ct `pre_ct`, and `extra` options.
  static testing::CliRun Assess(const std::string& out, const std::string& pre_ct,
                                const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = AssessArgs({"--out", out, "--registration", "none", "--quiet"}, pre_ct);
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::Run(args);
  }
};

TEST_F(FailedRunOutputTest, MissingInputRemovesTheFoldersTheRunCreated) {
  testing::TempDir dir;
  const auto run = Assess(dir / "new/out/", dir / "missing.nii.gz");
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_FALSE(fs::exists(dir / "new")) << "the missing parent is taken back too";
  EXPECT_TRUE(fs::exists(dir.path()));
}

TEST_F(FailedRunOutputTest, UsageErrorAfterParsingRemovesTheFolderTheRunCreated) {
  testing::TempDir dir;
  const auto run = Assess(dir / "out", In("pre_ct.nii.gz"), {"--landmarks-pre", In("tumours.nii.gz")});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST_F(FailedRunOutputTest, UnreachableArchiveRemovesTheFolderTheRunCreated) {
  testing::TempDir dir;
  // Port 1 on loopback: refused at once (exit 10), after --out was claimed.
  const auto run = Assess(dir / "out", "dicomweb:1.2.3", {"--dicomweb-url", "http://127.0.0.1:1/dicom-web"});
  EXPECT_EQ(run.exit_code, 10) << run.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST_F(FailedRunOutputTest, PhantomFailureRemovesTheFolderItCreated) {
  testing::TempDir dir;
  // Labels on another grid than the CT: refused after the case folder was made.
  const auto run = testing::Run({"phantom", "--out", dir / "case", "--hybrid-ct", In("pre_ct.nii.gz"),
                                 "--hybrid-labels", In("ablation.nii.gz"), "--quiet"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_FALSE(fs::exists(dir / "case"));
}

TEST_F(FailedRunOutputTest, FolderThatExistedIsKeptWithWhatItHolds) {
  testing::TempDir dir;
  fs::create_directory(dir / "empty");
  EXPECT_EQ(Assess(dir / "empty", dir / "missing.nii.gz").exit_code, 3);
  EXPECT_TRUE(fs::is_directory(dir / "empty"));
  fs::create_directory(dir / "used");
  std::ofstream(dir / "used/notes.txt") << "the user's\n";
  EXPECT_EQ(Assess(dir / "used", dir / "missing.nii.gz").exit_code, 3);
  EXPECT_TRUE(fs::exists(dir / "used/notes.txt"));
}

// A path report.json cannot hold (not UTF-8) is refused before any work,
// not after it as an internal error; nothing is created.
TEST_F(FailedRunOutputTest, AnOutFolderNotInUtf8IsAUsageErrorBeforeAnything) {
  testing::TempDir dir;
  const std::string out = dir / "caf\xE9";
  const auto run = Assess(out, In("pre_ct.nii.gz"));
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("caf\\xE9', not UTF-8 text"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(out));
}

// Temporaries a run killed outright (SIGKILL, power loss) left beside its
// report are swept by the next run into the folder; other files stay.
TEST_F(FailedRunOutputTest, ARerunSweepsTheTemporariesOfAStoppedRun) {
  testing::TempDir dir;
  const fs::path out = dir / "out";
  fs::create_directories(out);
  const std::vector<std::string> stale = {".tumour_surfaces.vtp.tmp-99999-1", ".report.json.tmp-99999-4",
                                          ".tmp-99999-3-tumours_on_post_ct.nii"};
  const std::vector<std::string> kept = {"notes.txt", ".notes.txt.tmp-99999-1"};
  for (const std::string& name : stale) std::ofstream(out / name) << "x";
  for (const std::string& name : kept) std::ofstream(out / name) << "x";
  const auto run = Assess(out, In("pre_ct.nii.gz"), {"--no-html"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  for (const std::string& name : stale) EXPECT_FALSE(fs::exists(out / name)) << name;
  for (const std::string& name : kept) EXPECT_TRUE(fs::exists(out / name)) << name;
  EXPECT_TRUE(fs::exists(out / "report.json"));
}

}  // namespace
}  // namespace margo
