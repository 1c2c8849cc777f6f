// Bad input gets one clear message, a documented exit code (docs/EXIT_CODES.md)
// and no report.json.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <tuple>

#include "io/image_writer.h"
#include "testdata/generator/phantom.h"
#include "tests/e2e/cli_harness.h"
#include "tests/support/synthetic.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

class CliErrorTest : public testing::PhantomSuite {
 protected:
  // assess with one input replaced, and `extra` options.
  static testing::CliRun Assess(const std::string& option, const std::string& value, const std::string& out,
                                const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"assess", "--pre-ct", In("pre_ct.nii.gz"), "--post-ct", In("post_ct.nii.gz"),
                                  "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"),
                                  "--out", out, "--registration", "none"};
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == option) args[i + 1] = value;
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::Run(args);
  }

  static void ExpectOneLineError(const testing::CliRun& run, int code, const std::string& needle,
                                 const std::string& out_dir) {
    EXPECT_EQ(run.exit_code, code) << run.err;
    EXPECT_EQ(testing::CountLines(run.err, "error: "), 1) << run.err;
    EXPECT_NE(run.err.find(needle), std::string::npos) << run.err;
    EXPECT_FALSE(std::filesystem::exists(out_dir + "/report.json"));
  }
};

TEST_F(CliErrorTest, MissingRequiredOptionIsAUsageError) {
  const auto run = testing::Run({"assess", "--pre-ct", In("pre_ct.nii.gz")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--post-ct"), std::string::npos) << run.err;
}

// The CTs are read alongside the label maps; a bad label map must still
// find the CTs described in the log before its error, as when they were
// read first (their lines carry the CTs' own warnings too).
TEST_F(CliErrorTest, BadLabelMapIsReportedAfterTheCtsAreDescribed) {
  testing::TempDir dir;
  const std::string bad = dir / "tumours.nii.gz";
  std::ofstream(bad) << "not a label map";
  const auto run = Assess("--tumours", bad, dir / "out");
  ExpectOneLineError(run, 3, "tumour labels " + bad, dir / "out");
  const std::size_t pre = run.err.find("pre CT: NIfTI, "), post = run.err.find("post CT: NIfTI, ");
  EXPECT_NE(pre, std::string::npos) << run.err;
  EXPECT_NE(post, std::string::npos) << run.err;
  EXPECT_LT(post, run.err.find("error: ")) << run.err;
}

TEST_F(CliErrorTest, UnknownOptionAndBadChoiceAreUsageErrors) {
  EXPECT_EQ(testing::Run({"assess", "--bogus"}).exit_code, 2);
  testing::TempDir out;
  EXPECT_EQ(Assess("--registration", "magic", out.path().string()).exit_code, 2);
  EXPECT_EQ(testing::Run({}).exit_code, 2);
}

TEST_F(CliErrorTest, BadLabelSelectionAndThresholdsAreUsageErrors) {
  testing::TempDir out;
  auto run = testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"),
                           "--out", out.path().string(), "--tumour-labels", "2-x"});
  ExpectOneLineError(run, 2, "--tumour-labels", out.path().string());
  run = testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"),
                      "--out", out.path().string(), "--a1-threshold-mm", "12"});
  ExpectOneLineError(run, 2, "threshold", out.path().string());
}

TEST_F(CliErrorTest, SubcapsularExclusionNeedsTheLiverMask) {
  testing::TempDir out;
  const auto run = testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation", In("tumours.nii.gz"),
                                 "--out", out.path().string(), "--subcapsular-mm", "5"});
  ExpectOneLineError(run, 2, "--liver", out.path().string());
}

TEST_F(CliErrorTest, BadZoneMapsAreUsageErrors) {
  testing::TempDir out;
  auto run = testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation", In("tumours.nii.gz"),
                           "--out", out.path().string(), "--zone-map", "2=1"});
  ExpectOneLineError(run, 2, "TUMOUR:ZONE", out.path().string());
  run = testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation", In("tumours.nii.gz"), "--out",
                      out.path().string(), "--zone-map", "9:2"});
  ExpectOneLineError(run, 2, "names tumour 9", out.path().string());
}

TEST_F(CliErrorTest, MissingFileIsUnreadableInputNamingIt) {
  testing::TempDir out;
  const std::string missing = In("nope.nii.gz");
  ExpectOneLineError(Assess("--post-ct", missing, out.path().string()), 3, missing, out.path().string());
}

TEST_F(CliErrorTest, CorruptFileIsUnreadableInput) {
  testing::TempDir out;
  const std::string corrupt = out / "corrupt.nii.gz";
  { std::ofstream(corrupt) << "this is not a NIfTI file"; }
  const std::string report_dir = out / "run";
  ExpectOneLineError(Assess("--pre-ct", corrupt, report_dir), 3, corrupt, report_dir);
}

TEST_F(CliErrorTest, LabelsThatDoNotOverlapTheirCtAreAGeometryError) {
  testing::TempDir out;
  testing::Grid far;
  far.origin_mm = {5000, 5000, 5000};
  auto labels = testing::MakeImage<LabelImage>(far, 1);
  const std::string path = out / "far_labels.nii.gz";
  WriteImage(*labels, path);
  const std::string report_dir = out / "run";
  const auto run = Assess("--tumours", path, report_dir);
  ExpectOneLineError(run, 4, "does not overlap", report_dir);
  EXPECT_NE(run.err.find(path), std::string::npos);
}

TEST_F(CliErrorTest, EmptyTumourLabelsAreAnInvalidSegmentation) {
  testing::TempDir out;
  const std::string report_dir = out / "run";
  const auto run = testing::Run({"assess", "--pre-ct", In("pre_ct.nii.gz"), "--post-ct", In("post_ct.nii.gz"),
                                 "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"),
                                 "--tumour-labels", "40", "--out", report_dir, "--registration", "none"});
  ExpectOneLineError(
      run, 5, "--tumour-labels '40': tumour labels " + In("tumours.nii.gz") + " has no label 40", report_dir);
}

TEST_F(CliErrorTest, TumourOutsideThePostFieldOfViewIsAPartialResult) {
  // Shift the post grid so that one tumour falls outside it.
  PhantomSpec spec = SmallPhantomSpec();
  spec.post_grid.size[2] = 20;  // post covers z -60..-10 mm: only the deep tumours
  testing::TempDir dir, out;
  WritePhantom(spec, dir.path().string());
  const auto run = testing::Run({"assess", "--pre-ct", dir / "pre_ct.nii.gz", "--post-ct", dir / "post_ct.nii.gz",
                                 "--tumours", dir / "tumours.nii.gz", "--ablation", dir / "ablation.nii.gz",
                                 "--out", out.path().string(), "--registration", "none"});
  EXPECT_EQ(run.exit_code, 8) << run.err;
  const auto report = testing::ReadJson(out / "report.json");
  EXPECT_GE(report["not_assessable_count"].get<int>(), 1);
  EXPECT_NE(run.out.find("not assessable"), std::string::npos);
  // A partial report is a report: its not-assessable tumours carry every
  // field the schema requires of them (they once lacked two).
  const int valid = testing::ValidateReport(out / "report.json");
  if (valid != testing::kSchemaValidatorAbsent) {
    EXPECT_EQ(valid, 0);
  }
}

TEST_F(CliErrorTest, FailedRerunRemovesTheEarlierReport) {
  testing::TempDir out;
  const std::string dir = out / "run";
  ASSERT_EQ(testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation", In("tumours.nii.gz"),
                          "--out", dir, "-q"}).exit_code, 0);
  ASSERT_TRUE(std::filesystem::exists(dir + "/report.json"));
  const auto run = testing::Run({"margin", "--tumours", In("gone.nii.gz"), "--ablation", In("tumours.nii.gz"),
                                 "--out", dir, "-q"});
  ExpectOneLineError(run, 3, "gone.nii.gz", dir);
}

// An output that fails after others were written takes them back: a
// pipeline must not pick up this run's tumours.csv without its report.
TEST_F(CliErrorTest, FailureWhileWritingTakesBackTheFilesAlreadyWritten) {
  testing::TempDir out;
  const std::string dir = out / "run";
  std::filesystem::create_directories(dir +
                                      "/report.html/in_the_way");  // report.html cannot be renamed into place
  const auto run = testing::Run(
      {"margin", "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"), "--out", dir, "-q"});
  ExpectOneLineError(run, 7, "report.html", dir);
  EXPECT_FALSE(std::filesystem::exists(dir + "/tumours.csv"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/tumour_surfaces.vtp"));
}

TEST_F(CliErrorTest, LogFileReceivesTheErrorToo) {
  testing::TempDir out;
  const std::string log = out / "margo.log";
  const auto run = testing::Run({"--log-file", log, "margin", "--tumours", In("missing.nii.gz"), "--ablation",
                                 In("ablation.nii.gz"), "--out", out / "run", "--quiet"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(testing::CountLines(run.err, "error: "), 1) << "errors print even with --quiet";
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("missing.nii.gz"), std::string::npos) << text;
}

// CLI11's range checks pass nan and inf (every comparison with nan is false).
TEST_F(CliErrorTest, NonFiniteMillimetresAreUsageErrorsNamingOptionAndValue) {
  testing::TempDir out;
  for (const char* option :
       {"--coverage-mm", "--shell-mm", "--subcapsular-mm", "--a0-threshold-mm", "--a1-threshold-mm"}) {
    for (const char* value : {"nan", "inf", "-inf"}) {
      SCOPED_TRACE(std::string(option) + " " + value);
      const auto run = testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation",
                                     In("ablation.nii.gz"), "--out", out.path().string(), option, value});
      ExpectOneLineError(run, 2, std::string(option) + ": '" + value + "' is not a finite number",
                         out.path().string());
    }
  }
}

TEST_F(CliErrorTest, ParseErrorsAreOneLineWithTheHelpHint) {
  testing::TempDir out;
  const std::vector<std::vector<std::string>> rows{{"--threads", "0", "margin"},
                                                   {"margin", "--coverage-mm", ""},
                                                   {"assess", "--space", "sideways"},
                                                   {"margin", "--bogus-option"}};
  for (const auto& args : rows) {
    SCOPED_TRACE(args[0] + " " + args[1]);
    const auto run = testing::Run(args);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << run.err;
    EXPECT_EQ(run.err.rfind("error: ", 0), 0u) << run.err;
    EXPECT_NE(run.err.find("--help' for usage"), std::string::npos) << run.err;
  }
}

// CLI11's own words for these ("At Most 1 required but received 2", "Could
// not convert: --seed = -1") name no value found and expected.
TEST_F(CliErrorTest, ParseErrorsNameTheValueFoundAndExpected) {
  testing::TempDir out;
  const std::string dir = out / "run";
  const std::string t = In("tumours.nii.gz");
  const std::vector<std::pair<std::vector<std::string>, std::string>> rows{
      {{"margin", "--tumours", t, "--tumours", t, "--ablation", t, "--out", dir},
       "--tumours: found 2 values ('" + t + "', '" + t + "'); expected one"},
      {{"phantom", "--out", dir, "--seed", "-1"}, "--seed: found '-1'; expected a whole number >= 0"},
      {{"margin", "--tumours", t, "--ablation", t, "--out"}, "--out: found no value; expected one after it"}};
  for (const auto& [args, needle] : rows) {
    SCOPED_TRACE(needle);
    const auto run = testing::Run(args);
    ExpectOneLineError(run, 2, "error: " + needle + "; run 'margo " + args[0] + " --help' for usage", dir);
    EXPECT_FALSE(std::filesystem::exists(dir));
  }
}

// Usage errors found after parsing end like CLI11's own: one line, the help
// hint last, numbers as given (5, not 5.000000), an empty value quoted.
TEST_F(CliErrorTest, EveryUsageErrorEndsWithTheHelpHint) {
  testing::TempDir out;
  const std::string dir = out.path().string();
  const std::vector<std::string> margin{
      "margin", "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"), "--out", dir};
  const std::vector<std::pair<std::vector<std::string>, std::string>> rows{
      {{"--subcapsular-mm", "5"}, "--subcapsular-mm 5 needs --liver"},
      {{"--a1-threshold-mm", "12"}, "--a1-threshold-mm 12 and --a0-threshold-mm 10"},
      {{"--tumour-labels", "2-x"}, "--tumour-labels"},
      {{"--zone-map", "2=1"}, "--zone-map"},
      {{"--a0-threshold-mm", ""}, "'' is not a finite number"},
      {{"--shell-mm", "100"}, "'100' is out of range; expected a number of mm from 0.1 to 30"}};
  for (const auto& [extra, needle] : rows) {
    SCOPED_TRACE(extra[0] + " " + extra[1]);
    std::vector<std::string> args = margin;
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = testing::Run(args);
    ExpectOneLineError(run, 2, needle, dir);
    const std::string error_line = run.err.substr(run.err.find("error: "));
    EXPECT_EQ(error_line.find('\n'), error_line.size() - 1) << run.err;
    EXPECT_NE(error_line.find("; run 'margo margin --help' for usage\n"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("000000"), std::string::npos) << run.err;
  }
  const auto landmarks = Assess("--out", dir, dir, {"--landmarks-pre", In("tumours.nii.gz")});
  ExpectOneLineError(landmarks, 2, "only --landmarks-pre was given; run 'margo assess --help' for usage",
                     dir);
}

// Both thresholds have a documented range, like every other mm option.
TEST_F(CliErrorTest, ThresholdsOutsideTheirRangeAreUsageErrors) {
  testing::TempDir out;
  for (const char* option : {"--a0-threshold-mm", "--a1-threshold-mm"}) {
    for (const char* value : {"1e300", "51", "-1"}) {
      SCOPED_TRACE(std::string(option) + " " + value);
      const auto run = testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation",
                                     In("ablation.nii.gz"), "--out", out.path().string(), option, value});
      ExpectOneLineError(
          run, 2,
          std::string(option) + ": '" + value + "' is out of range; expected a number of mm from 0 to 50",
          out.path().string());
    }
  }
  const auto help = testing::Run({"margin", "--help"});
  EXPECT_NE(help.out.find("mm, 0 to 50"), std::string::npos) << help.out;
}

TEST_F(CliErrorTest, SelectedTumourLabelMissingFromTheMapIsAnInvalidSegmentation) {
  testing::TempDir out;
  const auto run =
      testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"), "--out",
                    out.path().string(), "--tumour-labels", "2,99"});
  ExpectOneLineError(run, 5, "--tumour-labels '2,99': tumour labels", out.path().string());
  EXPECT_NE(run.err.find("has no label 99;"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("its labels are 2,3,4,5"), std::string::npos) << run.err;
}

// A range selects the labels it holds; a single value must be there.
TEST_F(CliErrorTest, LabelRangeSelectsTheLabelsPresentInIt) {
  testing::TempDir out;
  const std::string dir = out.path().string();
  const std::vector<std::string> margin{
      "margin", "--tumours", In("tumours.nii.gz"), "--ablation",    In("ablation.nii.gz"),
      "--out",  dir,         "--no-html",          "--no-surfaces", "-q"};
  auto args = margin;
  args.insert(args.end(), {"--tumour-labels", "3-900"});
  const auto range = testing::Run(args);
  EXPECT_EQ(range.exit_code, 0) << range.err;
  const nlohmann::json report = testing::ReadJson(dir + "/report.json");
  ASSERT_FALSE(report["tumours"].empty());
  for (const auto& t : report["tumours"]) EXPECT_GE(t["label"].get<int>(), 3) << t;
  args = margin;
  args.insert(args.end(), {"--tumour-labels", "2,600-900"});
  ExpectOneLineError(testing::Run(args), 5, "--tumour-labels '2,600-900': tumour labels", dir);
  args = margin;
  args.insert(args.end(), {"--tumour-labels", "2,600-900"});
  EXPECT_NE(testing::Run(args).err.find("has no label in 600-900; its labels are 2,3"), std::string::npos);
}

TEST_F(CliErrorTest, AssessRefusesSelectedLabelsMissingFromEitherMap) {
  testing::TempDir out;
  const std::string dir = out.path().string();
  ExpectOneLineError(Assess("--out", dir, dir, {"--tumour-labels", "2,99"}), 5, "--tumour-labels '2,99'",
                     dir);
  ExpectOneLineError(Assess("--out", dir, dir, {"--ablation-labels", "77"}), 5, "--ablation-labels '77'",
                     dir);
}

TEST_F(CliErrorTest, ClinicalEntryForATumourNotMeasuredIsRefused) {
  testing::TempDir out;
  const std::string clinical = out / "clinical.json";
  std::ofstream(clinical) << R"({"tumours": {"99": {"ras_mutant": true}}})";
  const std::string dir = out / "run";
  const auto run =
      testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"), "--out",
                    dir, "--clinical", clinical, "--no-html", "--no-surfaces"});
  ExpectOneLineError(run, 3, "tumours.99 names label 99, which is not measured", dir);
}

// A CT or a scrambled map given as tumours: refused before memory runs out.
TEST_F(CliErrorTest, LabelMapWithMoreLabelsThanTumoursIsRefused) {
  testing::Grid grid;
  grid.size = {20, 20, 20};
  auto labels = testing::MakeImage<LabelImage>(grid);
  std::uint16_t* v = labels->GetBufferPointer();
  for (std::size_t i = 0; i < 8000; ++i) v[i] = static_cast<std::uint16_t>(1 + (i * 7919) % 300);
  testing::TempDir dir;
  WriteImage(*labels, dir / "many.nii.gz");
  const std::string report_dir = dir / "run";
  const auto run = testing::Run(
      {"margin", "--tumours", dir / "many.nii.gz", "--ablation", dir / "many.nii.gz", "--out", report_dir});
  ExpectOneLineError(run, 5, "300 distinct labels", report_dir);
  EXPECT_NE(run.err.find("at most 255"), std::string::npos) << run.err;
  // Choosing some of them is fine.
  const auto chosen =
      testing::Run({"margin", "--tumours", dir / "many.nii.gz", "--ablation", dir / "many.nii.gz", "--out",
                    report_dir, "--tumour-labels", "1-3", "-q", "--no-html", "--no-surfaces"});
  EXPECT_NE(chosen.exit_code, 5) << chosen.err;
}

TEST_F(CliErrorTest, EmptyItemsInLabelListsAreRefusedAlike) {
  testing::TempDir out;
  const std::vector<std::pair<std::string, std::string>> rows{
      {"--zone-map", "2:1,"},     {"--zone-map", "2:1+"},      {"--zone-map", ""},
      {"--zone-map", "2:1,,3:1"}, {"--tumour-labels", "2,,3"}, {"--tumour-labels", "2,"},
      {"--tumour-labels", ""},    {"--ablation-labels", ""},   {"--coverage-mm", "5,,6"},
      {"--shell-mm", "3,"},       {"--coverage-mm", ","},      {"--shell-mm", ""}};
  for (const auto& [option, text] : rows) {
    SCOPED_TRACE(option + " '" + text + "'");
    const auto run = testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation",
                                   In("ablation.nii.gz"), "--out", out.path().string(), option, text});
    ExpectOneLineError(run, 2, option + ": ", out.path().string());
    EXPECT_NE(run.err.find(text.empty() ? "empty" : "'" + text + "'"), std::string::npos) << run.err;
  }
}

// A distance given twice would be one more identical column of the report.
TEST_F(CliErrorTest, DistanceGivenTwiceIsRefused) {
  testing::TempDir out;
  const std::vector<std::pair<std::vector<std::string>, std::string>> rows{
      {{"--coverage-mm", "5,5"}, "--coverage-mm: 5 mm is given twice ('5,5')"},
      {{"--shell-mm", "2,5,2.0"}, "--shell-mm: 2 mm is given twice ('2,5,2.0')"},
      {{"--coverage-mm", "5", "--coverage-mm", "5"}, "--coverage-mm: 5 mm is given twice ('5 5')"}};
  for (const auto& [extra, needle] : rows) {
    SCOPED_TRACE(needle);
    std::vector<std::string> args{"margin",           "--tumours",           In("tumours.nii.gz"),
                                  "--ablation",       In("ablation.nii.gz"), "--out",
                                  out.path().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    ExpectOneLineError(testing::Run(args), 2, needle, out.path().string());
  }
}

TEST_F(CliErrorTest, LandmarksGivenAsAFolderSayItIsAFolder) {
  testing::TempDir out;
  const std::string dir = out / "run";
  const auto run = testing::Run({"assess", "--pre-ct", In("pre_ct.nii.gz"), "--post-ct", In("post_ct.nii.gz"),
                                 "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"),
                                 "--landmarks-pre", out.path().string(), "--landmarks-post",
                                 out.path().string(), "--out", dir, "--registration", "none"});
  ExpectOneLineError(run, 3, "is a folder; expected a CSV file", dir);
}

// An input named like an output in --out would be removed before it is read.
TEST_F(CliErrorTest, InputNamedLikeAnOutputIsRefusedAndKept) {
  testing::TempDir out;
  const std::string dir = out.path().string();
  const std::string tumours = out / "tumours_on_post_ct.nii.gz";
  std::filesystem::copy_file(In("tumours.nii.gz"), tumours);
  const auto size = std::filesystem::file_size(tumours);
  const auto run =
      testing::Run({"margin", "--tumours", tumours, "--ablation", In("ablation.nii.gz"), "--out", dir});
  ExpectOneLineError(run, 2, "--tumours " + tumours + " is the output tumours_on_post_ct.nii.gz", dir);
  ASSERT_TRUE(std::filesystem::exists(tumours));
  EXPECT_EQ(std::filesystem::file_size(tumours), size);
  // The same file reached through another spelling of the folder.
  const std::string clinical = out / "report.json";
  std::ofstream(clinical) << "{}";
  const auto other =
      testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"),
                    "--clinical", dir + "/./report.json", "--out", dir + "/"});
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_NE(other.err.find("--clinical"), std::string::npos) << other.err;
  EXPECT_TRUE(std::filesystem::exists(clinical));
  // A log file there would be written before anything else.
  const std::string log = out / "tumours.csv";
  const auto logged = testing::Run({"--log-file", log, "margin", "--tumours", In("tumours.nii.gz"),
                                    "--ablation", In("ablation.nii.gz"), "--out", dir});
  EXPECT_EQ(logged.exit_code, 2) << logged.err;
  EXPECT_NE(logged.err.find("--log-file " + log + " is the output tumours.csv"), std::string::npos)
      << logged.err;
  EXPECT_FALSE(std::filesystem::exists(log));
}

// --out is checked before anything is created: an empty one is a mistake in
// the command, a file where the folder should be is said to be a file.
TEST_F(CliErrorTest, OutputThatCannotBeAFolderIsRefusedSayingWhy) {
  testing::TempDir out;
  const std::string file = out / "afile";
  std::ofstream(file) << "not a folder\n";
  const std::vector<std::tuple<std::string, int, std::string>> rows{
      {"", 2, "--out: empty; expected the folder to write the report into"},
      {file, 7, "--out " + file + ": is a file; expected a folder"},
      {file + "/sub", 7, "--out " + file + "/sub: " + file + " is a file; expected a folder"}};
  for (const auto& [dir, code, needle] : rows) {
    SCOPED_TRACE("--out '" + dir + "'");
    const auto run = testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation",
                                   In("ablation.nii.gz"), "--out", dir, "--no-html", "--no-surfaces"});
    ExpectOneLineError(run, code, needle, out.path().string());
  }
}

// Two runs into one folder: the second would remove the first one's files.
TEST_F(CliErrorTest, OutputFolderLockedByALiveRunIsRefused) {
  testing::TempDir out;
  const std::string dir = out.path().string();
  const std::string lock = out / ".margo.lock";
  std::ofstream(lock) << ::getpid() << "\n";
  const int held = ::open(lock.c_str(), O_RDWR);  // the other run: its lock held (flock) while it writes
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX | LOCK_NB), 0);
  std::ofstream(out / "tumours.csv") << "the other run's\n";
  const auto run = testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation",
                                 In("ablation.nii.gz"), "--out", dir, "--no-html", "--no-surfaces"});
  ExpectOneLineError(run, 7,
                     "another margo run (pid " + std::to_string(::getpid()) + ") is writing to " + dir, dir);
  EXPECT_TRUE(std::filesystem::exists(lock)) << "the other run's lock stays";
  EXPECT_TRUE(std::filesystem::exists(out / "tumours.csv")) << "the other run's files stay";
  ::close(held);
}

// A lock file left by a run that was killed holds no lock (the kernel drops
// it with the process): the next run proceeds, and every run removes its own.
TEST_F(CliErrorTest, LeftoverLockFileIsNoLockAndEveryRunRemovesItsLock) {
  testing::TempDir out;
  const std::string dir = out.path().string();
  const std::string lock = out / ".margo.lock";
  std::ofstream(lock) << "2147483000\n";  // a killed run's pid
  const auto run = testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation",
                                 In("ablation.nii.gz"), "--out", dir, "--no-html", "--no-surfaces"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_FALSE(std::filesystem::exists(lock));
  const auto failed = testing::Run({"margin", "--tumours", In("tumours.nii.gz"), "--ablation",
                                    In("missing.nii.gz"), "--out", dir, "--no-html", "--no-surfaces"});
  EXPECT_EQ(failed.exit_code, 3) << failed.err;
  EXPECT_FALSE(std::filesystem::exists(lock)) << "removed on error too";
}

TEST(HelpTest, MarginHelpListsOnlyWhatMarginDoes) {
  const auto margin = testing::Run({"margin", "--help"});
  EXPECT_EQ(margin.exit_code, 0);
  EXPECT_EQ(margin.out.find("--no-dicom"), std::string::npos) << margin.out;
  EXPECT_EQ(margin.out.find("post CT"), std::string::npos) << margin.out;
  const auto assess = testing::Run({"assess", "--help"});
  EXPECT_NE(assess.out.find("--no-dicom"), std::string::npos) << assess.out;
  EXPECT_NE(assess.out.find("tumour labels on the post CT"), std::string::npos) << assess.out;
}

// The formats the reader takes, and where the options of every command are.
TEST(HelpTest, AssessHelpListsEveryCtFormatAndPointsToTheGlobalOptions) {
  const auto assess = testing::Run({"assess", "--help"});
  for (const char* part : {".nii/.nii.gz", ".nrrd/.nhdr", ".mha/.mhd", "--log-file", "--threads", "--quiet",
                           "--verbose", "margo --help"}) {
    EXPECT_NE(assess.out.find(part), std::string::npos) << part << "\n" << assess.out;
  }
  for (const char* command : {"margin", "phantom", "regress"}) {
    EXPECT_NE(testing::Run({command, "--help"}).out.find("--log-file FILE"), std::string::npos) << command;
  }
}

TEST(VersionTest, PrintsVersionsOnStdout) {
  const auto run = testing::Run({"--version"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("margo 0.1.0"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("ITK 5.2"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("VTK 9.1"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace margo
