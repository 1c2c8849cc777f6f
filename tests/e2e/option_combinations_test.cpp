// Options that mean nothing without another, or contradict one: refused
// (exit 2, docs/EXIT_CODES.md) rather than ignored without a word.
#include <gtest/gtest.h>

#include <filesystem>
#include <utility>

#include "tests/e2e/cli_harness.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

class OptionCombinationTest : public testing::PhantomSuite {
 protected:
  // assess on the phantom into `out`, with `extra` options.
  static testing::CliRun Assess(const std::string& out, const std::vector<std::string>& extra) {
    std::vector<std::string> args =
        AssessArgs({"--out", out, "--registration", "none", "--no-html", "--no-surfaces"});
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::Run(args);
  }

  static void ExpectUsageError(const testing::CliRun& run, const std::string& needle,
                               const std::string& out) {
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_EQ(testing::CountLines(run.err, "error: "), 1) << run.err;
    EXPECT_NE(run.err.find("error: " + needle + "; run 'margo assess --help' for usage"), std::string::npos)
        << run.err;
    EXPECT_FALSE(std::filesystem::exists(out + "/report.json"));
  }
};

// The pre liver is only compared with the post one: alone it would be read
// for nothing. The post liver alone still bounds the deformable stage and
// gives the capsule for --subcapsular-mm, so it runs.
TEST_F(OptionCombinationTest, APreLiverMaskAloneIsAUsageErrorAPostOneAloneRuns) {
  testing::TempDir dir;
  const std::string out = dir / "out";
  ExpectUsageError(Assess(out, {"--pre-liver", In("pre_liver.nii.gz")}),
                   "--pre-liver needs --post-liver: it is only compared with the post liver (registration "
                   "start and liver Dice)",
                   out);
  const auto alone =
      Assess(dir / "post_only", {"--post-liver", In("post_liver.nii.gz"), "--subcapsular-mm", "3"});
  EXPECT_EQ(alone.exit_code, 0) << alone.err;
  const auto report = testing::ReadJson(dir / "post_only/report.json");
  EXPECT_FALSE(report["registration"].contains("liver_dice_after"));
  EXPECT_EQ(report["subcapsular_exclusion_mm"], 3.0);
}

// Which of the two would win is a guess: refused before anything is read.
TEST_F(OptionCombinationTest, QuietWithVerboseIsAUsageError) {
  testing::TempDir dir;
  const std::string out = dir / "out";
  ExpectUsageError(Assess(out, {"--quiet", "--verbose"}),
                   "--quiet and --verbose both given; expected at most one of them", out);
  EXPECT_FALSE(std::filesystem::exists(out));
}

// Archive options without an archive would be dropped without a word.
TEST_F(OptionCombinationTest, DicomWebOptionsWithoutTheUrlAreUsageErrors) {
  testing::TempDir dir;
  const std::string out = dir / "out";
  ExpectUsageError(Assess(out, {"--dicomweb-insecure"}),
                   "--dicomweb-insecure needs --dicomweb-url; none given", out);
  ExpectUsageError(Assess(out, {"--dicomweb-timeout-s", "5"}),
                   "--dicomweb-timeout-s 5 needs --dicomweb-url; none given", out);
  EXPECT_FALSE(std::filesystem::exists(out));
}

// A series UID with a CT file has nothing to choose from: harmless, so said
// and the run goes on.
TEST_F(OptionCombinationTest, SeriesUidWithACtFileIsWarnedAbout) {
  testing::TempDir dir;
  const auto run = Assess(dir / "out", {"--pre-series-uid", "1.2.3", "--post-series-uid", "4.5.6"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(testing::CountLines(run.err, "warning: --pre-series-uid 1.2.3 has no effect: --pre-ct " +
                                             In("pre_ct.nii.gz") + " is a file, not a DICOM folder"),
            1)
      << run.err;
  EXPECT_EQ(testing::CountLines(run.err, "warning: --post-series-uid 4.5.6 has no effect: --post-ct " +
                                             In("post_ct.nii.gz") + " is a file"),
            1)
      << run.err;
}

}  // namespace
}  // namespace margo
