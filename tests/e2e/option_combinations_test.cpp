// Options that mean nothing without another, or contradict one: refused
// (exit 2, docs/EXIT_CODES.md) rather than ignored without a word.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/cli_harness.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

class OptionCombinationTest : public testing::PhantomSuite {
 protected:
  // assess on the phantom into `out`, with `extra` options.
  static testing::CliRun Assess(const std::string& out, const std::vector<std::string>& extra) {
    std::vector<std::string> args{"assess",
                                  "--pre-ct",
                                  In("pre_ct.nii.gz"),
                                  "--post-ct",
                                  In("post_ct.nii.gz"),
                                  "--tumours",
                                  In("tumours.nii.gz"),
                                  "--ablation",
                                  In("ablation.nii.gz"),
                                  "--out",
                                  out,
                                  "--registration",
                                  "none",
                                  "--no-html",
                                  "--no-surfaces"};
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

// As with the landmarks: one liver mask alone cannot guide the registration
// (README: both or neither).
TEST_F(OptionCombinationTest, OneLiverMaskAloneIsAUsageError) {
  testing::TempDir dir;
  const std::string out = dir / "out";
  ExpectUsageError(Assess(out, {"--pre-liver", In("pre_liver.nii.gz")}),
                   "--pre-liver and --post-liver go together; only --pre-liver was given", out);
  ExpectUsageError(Assess(out, {"--post-liver", In("post_liver.nii.gz")}),
                   "--pre-liver and --post-liver go together; only --post-liver was given", out);
}

}  // namespace
}  // namespace margo
