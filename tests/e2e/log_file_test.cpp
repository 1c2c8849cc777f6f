// --log-file receives the one error line of every failed run, usage errors
// found while the options are parsed included, and never overwrites an input
// or an output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "apps/output_folder.h"
#include "tests/e2e/cli_harness.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

class LogFileTest : public testing::PhantomSuite {
 protected:
  static std::string Text(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
};

// CLI11 refuses these before margo reads --log-file: it is found in the arguments.
TEST_F(LogFileTest, ParseErrorsReachTheLogFile) {
  testing::TempDir dir;
  const std::string out = dir / "run";
  const std::vector<std::string> margin{"margin", "--tumours", In("tumours.nii.gz"), "--ablation",
                                        In("ablation.nii.gz")};
  const std::vector<std::pair<std::vector<std::string>, std::string>> rows{
      {{"--out", out, "--a0-threshold-mm", "99"}, "--a0-threshold-mm: '99' is out of range"},
      {{}, "--out is required"},
      {{"--out", out, "--bogus-option"}, "--bogus-option"},
      {{"--out", out, "--threads", "0"}, "--threads"}};
  int n = 0;
  for (const auto& [extra, needle] : rows) {
    for (const bool equals_form : {false, true}) {
      const std::string log = dir / ("margo" + std::to_string(n++) + ".log");
      std::vector<std::string> args = margin;
      args.insert(args.end(), extra.begin(), extra.end());
      if (equals_form) {
        args.insert(args.begin(), "--log-file=" + log);  // before the command
      } else {
        args.insert(args.end(), {"--log-file", log});  // after it
      }
      std::string line;
      for (const std::string& a : args) line += a + " ";
      SCOPED_TRACE(line);
      const auto run = testing::Run(args);
      EXPECT_EQ(run.exit_code, 2) << run.err;
      EXPECT_EQ(testing::CountLines(run.err, "error: "), 1) << run.err;
      ASSERT_TRUE(std::filesystem::exists(log));
      const std::string text = Text(log);
      EXPECT_EQ(testing::CountLines(text, " error: "), 1) << text;
      EXPECT_NE(text.find(needle), std::string::npos) << text;
      EXPECT_NE(text.find("; run 'margo margin --help' for usage"), std::string::npos) << text;
    }
  }
  const std::string log = dir / "no_command.log";
  const auto none = testing::Run({"--log-file", log});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(Text(log).find("error: no command given"), std::string::npos) << Text(log);
}

// Opening the log file truncates it: an input named as the log file would be lost.
TEST_F(LogFileTest, LogFileThatIsAnInputIsRefusedAndKept) {
  testing::TempDir dir;
  const std::string tumours = dir / "tumours.nii.gz";
  std::filesystem::copy_file(In("tumours.nii.gz"), tumours);
  const auto size = std::filesystem::file_size(tumours);
  const auto run = testing::Run({"--log-file", tumours, "margin", "--tumours", tumours, "--ablation",
                                 In("ablation.nii.gz"), "--out", dir / "run"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_EQ(testing::CountLines(run.err, "error: "), 1) << run.err;
  EXPECT_NE(run.err.find("--log-file " + tumours + " is also given as --tumours " + tumours),
            std::string::npos)
      << run.err;
  EXPECT_EQ(std::filesystem::file_size(tumours), size);
  // Nor when the options do not parse: the usage error is then on stderr only.
  const auto bad = testing::Run({"--log-file", tumours, "margin", "--tumours", tumours, "--ablation",
                                 In("ablation.nii.gz"), "--out", dir / "run", "--bogus-option"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_EQ(testing::CountLines(bad.err, "error: "), 1) << bad.err;
  EXPECT_EQ(std::filesystem::file_size(tumours), size);
  // Nor when the file's name starts with '-': CLI11 still takes it as the
  // option's value (found by a review: the input was overwritten).
  std::filesystem::copy_file(In("tumours.nii.gz"), dir / "-t.nii.gz");
  const std::filesystem::path was = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  const auto dash = testing::Run({"-q", "margin", "--tumours", "-t.nii.gz", "--ablation",
                                  In("ablation.nii.gz"), "--out", dir / "run", "--log-file", "-t.nii.gz"});
  std::filesystem::current_path(was);
  EXPECT_EQ(dash.exit_code, 2) << dash.err;
  EXPECT_NE(dash.err.find("--log-file -t.nii.gz is also given as --tumours -t.nii.gz"), std::string::npos)
      << dash.err;
  EXPECT_EQ(std::filesystem::file_size(dir / "-t.nii.gz"), size);
}

// A pipeline keeps the log with the report: `--out R --log-file R/margo.log`
// with R not yet there. The log could not be opened (exit 7) before R was made.
TEST_F(LogFileTest, LogFileInsideANewOutFolderIsWritten) {
  testing::TempDir dir;
  const std::string out = dir / "new/run";
  const auto run =
      testing::Run({"--log-file", out + "/margo.log", "margin", "--tumours", In("tumours.nii.gz"),
                    "--ablation", In("ablation.nii.gz"), "--out", out, "--no-html"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(Text(out + "/margo.log").find("report written"), std::string::npos) << Text(out + "/margo.log");
  EXPECT_TRUE(std::filesystem::exists(out + "/report.json"));
}

// An output as the log file, with options that do not parse: not opened either.
TEST_F(LogFileTest, LogFileThatIsAnOutputIsNotOpenedOnAParseError) {
  testing::TempDir dir;
  const std::string log = dir / "tumours.csv";
  const auto run = testing::Run({"--log-file", log, "margin", "--tumours", In("tumours.nii.gz"), "--ablation",
                                 In("ablation.nii.gz"), "--out", dir.path().string(), "--shell-mm", "100"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_EQ(testing::CountLines(run.err, "error: "), 1) << run.err;
  EXPECT_FALSE(std::filesystem::exists(log));
}

// A second run into a folder another run holds is refused (exit 7) before
// it opens the log file, which is the other run's: it used to truncate it.
TEST_F(LogFileTest, ARunRefusedByAnothersLockLeavesItsLogAlone) {
  testing::TempDir dir;
  const std::string out = dir / "run", log = out + "/margo.log";
  std::filesystem::create_directories(out);
  { std::ofstream(log) << "the other run's log\n"; }
  const OutputLock other(out, NullLog());
  const auto run = testing::Run({"--log-file", log, "margin", "--tumours", In("tumours.nii.gz"), "--ablation",
                                 In("ablation.nii.gz"), "--out", out, "--no-html"});
  EXPECT_EQ(run.exit_code, 7) << run.err;
  EXPECT_NE(run.err.find("another margo run"), std::string::npos) << run.err;
  EXPECT_EQ(Text(log), "the other run's log\n");
}

}  // namespace
}  // namespace margo
