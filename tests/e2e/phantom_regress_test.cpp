// End to end: `margo phantom` writes a case whose truth matches the committed
// regression suite, and `margo regress` checks margo against it.
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "apps/regress.h"
#include "tests/e2e/cli_harness.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSuite = std::string(MARGO_SOURCE_DIR) + "/testdata/regression";

TEST(PhantomCommandTest, RigidPresetReproducesTheCommittedCase) {
  testing::TempDir dir;
  const auto run =
      testing::Run({"phantom", "--out", dir / "case", "--preset", "rigid", "--seed", "1", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* f : {"pre_ct.nii.gz", "post_ct.nii.gz", "tumours.nii.gz", "ablation.nii.gz",
                        "pre_liver.nii.gz", "post_liver.nii.gz", "truth.json"}) {
    EXPECT_TRUE(fs::exists(dir / ("case/" + std::string(f)))) << f;
  }
  const json made = testing::ReadJson(dir / "case/truth.json");
  const json committed = testing::ReadJson(kSuite + "/rigid/truth.json");
  EXPECT_EQ(made["transform_post_to_pre"], committed["transform_post_to_pre"]);
  ASSERT_EQ(made["tumours"].size(), committed["tumours"].size());
  for (std::size_t i = 0; i < made["tumours"].size(); ++i) {
    for (const char* space : {"pre", "post"}) {
      const json& m = made["tumours"][i][space];
      const json& c = committed["tumours"][i][space];
      EXPECT_NEAR(m["min_margin_mm"].get<double>(), c["min_margin_mm"].get<double>(), 1e-6) << i << space;
      EXPECT_NEAR(m["p5_mm"].get<double>(), c["p5_mm"].get<double>(), 1e-6) << i << space;
      EXPECT_EQ(m["category"], c["category"]) << i << space;
    }
  }
}

TEST(PhantomTruthFileTest, SphereInSphereMarginsInTruthJsonAreTheClosedForm) {
  // Read from the committed truth.json itself: R - |d| - r from its own shape fields.
  const json truth = testing::ReadJson(kSuite + "/rigid/truth.json");
  int spheres = 0;
  for (const json& t : truth["tumours"]) {
    if (t["shape"]["kind"] != "sphere" || t["zone"]["kind"] != "sphere") continue;
    ++spheres;
    double d2 = 0.0;
    for (int a = 0; a < 3; ++a) {
      d2 += std::pow(
          t["shape"]["centre_lps_mm"][a].get<double>() - t["zone"]["centre_lps_mm"][a].get<double>(), 2);
    }
    const double closed =
        t["zone"]["radius_mm"].get<double>() - std::sqrt(d2) - t["shape"]["radius_mm"].get<double>();
    EXPECT_NEAR(t["pre"]["min_margin_mm"].get<double>(), closed, 0.01) << "tumour " << t["label"];
    EXPECT_NEAR(t["post"]["min_margin_mm"].get<double>(), closed, 0.01)
        << "tumour " << t["label"] << " (rigid map)";
  }
  EXPECT_EQ(spheres, 2);
}

TEST(PhantomCommandTest, UnknownPresetIsAUsageError) {
  testing::TempDir dir;
  const auto run = testing::Run({"phantom", "--out", dir / "case", "--preset", "giant"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("'giant'"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("small, rigid, aligned, anisotropic, full"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(dir / "case/truth.json"));
}

TEST(RegressCommandTest, CommittedSuitePassesWithPerTumourRows) {
  const auto run = testing::Run({"regress", kSuite});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const json truth = testing::ReadJson(kSuite + "/rigid/truth.json");
  EXPECT_EQ(testing::CountLines(run.out, "rigid "), static_cast<int>(truth["tumours"].size())) << run.out;
  EXPECT_EQ(testing::CountLines(run.out, " ok"), static_cast<int>(truth["tumours"].size())) << run.out;
  EXPECT_EQ(
      testing::CountLines(run.out, "summary: 1 case: 1 passed, 0 failed; 6 tumours: 6 passed, 0 failed;"), 1)
      << run.out;
  EXPECT_NE(run.err.find("case 1/1"), std::string::npos) << "progress per case on stderr";
}

TEST(RegressCommandTest, AWrongTruthFailsWithExitCode9AndNamesTheTumour) {
  testing::TempDir dir;
  fs::copy(kSuite + "/rigid", dir / "rigid");
  json truth = testing::ReadJson(dir / "rigid/truth.json");
  truth["tumours"][0]["post"]["min_margin_mm"] =
      truth["tumours"][0]["post"]["min_margin_mm"].get<double>() + 4.0;
  std::ofstream(dir / "rigid/truth.json") << truth.dump(2);
  const auto run = testing::Run({"regress", dir.path().string()});
  EXPECT_EQ(run.exit_code, 9) << run.out << run.err;
  EXPECT_EQ(testing::CountLines(run.out, "FAIL    margin error beyond tolerance"), 1) << run.out;
  EXPECT_EQ(
      testing::CountLines(run.out, "summary: 1 case: 0 passed, 1 failed; 6 tumours: 5 passed, 1 failed;"), 1)
      << run.out;
}

// A case that cannot be run has no tumour rows: the summary counts cases
// and tumours apart rather than adding the case to the tumours that failed.
TEST(RegressCommandTest, CaseThatCannotBeRunIsCountedAsAFailedCase) {
  testing::TempDir dir;
  fs::copy(kSuite + "/rigid", dir / "rigid");
  fs::create_directory(dir / "broken");
  fs::copy(kSuite + "/rigid/truth.json", dir / "broken/truth.json");  // and no images
  const auto run = testing::Run({"regress", dir.path().string(), "--quiet"});
  EXPECT_EQ(run.exit_code, 9) << run.out << run.err;
  EXPECT_EQ(testing::CountLines(run.out, "case failed: broken: "), 1) << run.out;
  EXPECT_EQ(testing::CountLines(run.out,
                                "summary: 2 cases: 1 passed, 1 failed (1 could not be run); 6 tumours: "
                                "6 passed, 0 failed;"),
            1)
      << run.out;
}

// A case written with --format dicom: regress reads the NIfTI form, and says
// so rather than "pre_ct.nii.gz: no such file".
TEST(RegressCommandTest, ADicomFormCaseFailsSayingSo) {
  testing::TempDir dir;
  fs::create_directories(dir / "dcm/pre_ct");
  fs::create_directories(dir / "dcm/post_ct");
  fs::copy(kSuite + "/rigid/truth.json", dir / "dcm/truth.json");
  const auto run = testing::Run({"regress", dir.path().string(), "--quiet"});
  EXPECT_EQ(run.exit_code, 9) << run.out << run.err;
  EXPECT_EQ(
      testing::CountLines(run.out, "holds its scans as DICOM (pre_ct/, post_ct/); expected the NIfTI form"),
      1)
      << run.out;
}

TEST(RegressCommandTest, MissingOrEmptySuiteIsUnreadableInput) {
  testing::TempDir dir;
  const auto missing = testing::Run({"regress", dir / "nope"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find(dir / "nope"), std::string::npos) << missing.err;
  std::ofstream(dir / "truth.json") << "{}\n";
  const auto file = testing::Run({"regress", dir / "truth.json"});
  EXPECT_EQ(file.exit_code, 3);
  EXPECT_NE(file.err.find("suite " + dir / "truth.json" + ": is a file; expected a folder of case folders"),
            std::string::npos)
      << file.err;
  fs::remove(dir / "truth.json");
  const auto empty = testing::Run({"regress", dir.path().string()});
  EXPECT_EQ(empty.exit_code, 3);
  EXPECT_NE(empty.err.find("no case found"), std::string::npos) << empty.err;
}

// A copy of the committed case, with `edit` applied to its truth.json.
void CopyCase(const std::string& to, const std::function<void(json&)>& edit = {}) {
  fs::create_directories(fs::path(to).parent_path());
  fs::copy(kSuite + "/rigid", to);
  if (!edit) return;
  json truth = testing::ReadJson(to + "/truth.json");
  edit(truth);
  std::ofstream(to + "/truth.json") << truth.dump(2);
}

// A case folder holding only truth.json: regress reads the truth before any
// image, so a truth it refuses fails the case in no time.
void TruthOnlyCase(const std::string& dir, const std::function<void(json&)>& edit) {
  fs::create_directories(dir);
  json truth = testing::ReadJson(kSuite + "/rigid/truth.json");
  edit(truth);
  std::ofstream(dir + "/truth.json") << truth.dump(2);
}

// The lines of `text` that start with `prefix`.
std::vector<std::string> LinesStartingWith(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  }
  return lines;
}

// Before the fix, a std::filesystem or iostream exception from one case
// (here: truth.json is a folder) ended the whole run with exit 1 and nothing
// on stdout, losing the cases already run.
TEST(RegressCommandTest, ACaseThatThrowsFailsAloneAndTheOtherCasesAreStillReported) {
  testing::TempDir dir;
  CopyCase(dir / "rigid");
  fs::create_directories(dir / "z_truth_is_a_folder/truth.json");
  const auto run = testing::Run({"regress", dir.path().string(), "--quiet"});
  EXPECT_EQ(run.exit_code, 9) << run.out << run.err;
  EXPECT_EQ(testing::CountLines(run.out, "rigid "), 6) << run.out;
  EXPECT_EQ(testing::CountLines(run.out, "case failed: z_truth_is_a_folder: truth " +
                                             (dir / "z_truth_is_a_folder/truth.json") +
                                             ": is a folder; expected a JSON file"),
            1)
      << run.out;
  EXPECT_EQ(testing::CountLines(run.out, "summary: 2 cases: 1 passed, 1 failed (1 could not be run)"), 1)
      << run.out;
  // The closing line says what failed: no row is marked FAIL here.
  EXPECT_NE(run.err.find("error: regression failed: 1 case could not be run (the 'case failed' lines)"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("rows marked FAIL"), std::string::npos) << run.err;
}

// Runs `args` in a child process as the user nobody (when run as root; as
// another user, as that user), so that permissions apply.
testing::CliRun RunWithoutPrivileges(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    ::alarm(120);  // a child stuck for any reason dies instead of hanging the test
    if (::geteuid() == 0 && (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      ::_exit(100);
    }
    const testing::CliRun run = testing::Run(args);
    const std::string text = json{{"code", run.exit_code}, {"out", run.out}, {"err", run.err}}.dump();
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(fds[1], text.data() + done, text.size() - done);
      if (n <= 0) ::_exit(101);
      done += static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  testing::CliRun run;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    run.err = "child ended with status " + std::to_string(status);
    return run;
  }
  const json j = json::parse(text);
  run.exit_code = j["code"];
  run.out = j["out"];
  run.err = j["err"];
  return run;
}

// Before the fix: exit 1, "internal error: filesystem error: directory
// iterator cannot open directory: Permission denied", case b never reported.
TEST(RegressCommandTest, AnUnreadableSuiteIsExit3AndAnUnreadableCaseFailsAlone) {
  testing::TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  const std::string suite = dir / "suite";
  fs::create_directories(suite + "/a");
  // b fails before any image is read (none is there): enough to see it
  // reported, and no toolkit thread is needed in the forked child.
  TruthOnlyCase(suite + "/b", [](json&) {});
  fs::copy(suite + "/b/truth.json", suite + "/a/truth.json");
  fs::permissions(suite, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(suite + "/a", fs::perms::none);
  const auto one = RunWithoutPrivileges({"regress", suite, "--quiet"});
  EXPECT_EQ(one.exit_code, 9) << one.out << one.err;
  EXPECT_EQ(testing::CountLines(one.out, "case failed: a: case folder " + suite +
                                             "/a: cannot be read: "
                                             "Permission denied"),
            1)
      << one.out << one.err;
  EXPECT_EQ(testing::CountLines(one.out, "case failed: b: "), 1) << one.out;
  EXPECT_EQ(one.err.find("internal error"), std::string::npos) << one.err;

  fs::permissions(suite, fs::perms::owner_write | fs::perms::owner_exec | fs::perms::group_exec |
                             fs::perms::others_exec);  // 0311: no one may list it
  const auto root = RunWithoutPrivileges({"regress", suite});
  EXPECT_EQ(root.exit_code, 3) << root.out << root.err;
  EXPECT_NE(root.err.find("error: suite " + suite + ": cannot be read: Permission denied"), std::string::npos)
      << root.err;
  fs::permissions(suite, fs::perms::owner_all);
  fs::permissions(suite + "/a", fs::perms::owner_all);  // for TempDir to remove
}

// Before the fix: "tumours": [] passed, 65538 wrapped to label 2, a folder
// without truth.json was passed over without a word.
TEST(RegressCommandTest, TruthThatCannotBeComparedFailsItsCaseAndAFolderWithoutTruthIsNamed) {
  testing::TempDir dir;
  TruthOnlyCase(dir / "empty", [](json& t) { t["tumours"] = json::array(); });
  TruthOnlyCase(dir / "wraps", [](json& t) { t["tumours"][1]["label"] = 65538; });
  TruthOnlyCase(dir / "zero", [](json& t) { t["tumours"][0]["label"] = 0; });
  TruthOnlyCase(dir / "twice", [](json& t) { t["tumours"][2]["label"] = t["tumours"][0]["label"]; });
  fs::create_directories(dir / "no_truth");
  const auto run = testing::Run({"regress", dir.path().string(), "--quiet"});
  EXPECT_EQ(run.exit_code, 9) << run.out << run.err;
  const std::string truth = "/truth.json: ";
  EXPECT_EQ(testing::CountLines(run.out, "case failed: empty: truth " + dir / "empty" + truth +
                                             "tumours[] is empty; expected at least one tumour to compare"),
            1)
      << run.out;
  EXPECT_EQ(testing::CountLines(run.out, "case failed: wraps: truth " + dir / "wraps" + truth +
                                             "tumours[1].label is 65538; expected a whole number from 1 to "
                                             "65535"),
            1)
      << run.out;
  EXPECT_EQ(testing::CountLines(run.out, "case failed: zero: truth " + dir / "zero" + truth +
                                             "tumours[0].label is 0; expected"),
            1)
      << run.out;
  EXPECT_EQ(testing::CountLines(run.out, "case failed: twice: truth " + dir / "twice" + truth +
                                             "tumours[0] and tumours[2] both have label 2"),
            1)
      << run.out;
  EXPECT_EQ(testing::CountLines(run.out, "summary: 4 cases: 0 passed, 4 failed (4 could not be run)"), 1)
      << run.out;
  EXPECT_NE(run.err.find("warning: suite " + dir.path().string() +
                         ": sub-folder no_truth holds no truth.json; skipped (not a case)"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("regression failed: 4 cases could not be run"), std::string::npos) << run.err;

  // Only folders without truth.json: no case, unreadable input.
  testing::TempDir none;
  fs::create_directories(none / "no_truth");
  const auto empty = testing::Run({"regress", none.path().string()});
  EXPECT_EQ(empty.exit_code, 3) << empty.err;
  EXPECT_NE(empty.err.find("no case found (1 sub-folder without truth.json)"), std::string::npos)
      << empty.err;
}

// Before the fix: a tumour measured but missing from the truth was ignored
// (exit 0), and a case name of more than 20 characters pushed its row's
// columns out of line with the header.
TEST(RegressCommandTest, ATumourMeasuredButNotInTheTruthFailsItsRowAndLongNamesKeepTheColumns) {
  testing::TempDir dir;
  const std::string name = "my case with a long name";           // a space, and 24 characters
  CopyCase(dir / name, [](json& t) { t["tumours"].erase(1); });  // label 3
  const auto run = testing::Run({"regress", dir.path().string(), "--quiet"});
  EXPECT_EQ(run.exit_code, 9) << run.out << run.err;
  const auto rows = LinesStartingWith(run.out, name + " ");
  const std::string header = LinesStartingWith(run.out, "case ").at(0);
  for (const std::string& row : rows) {
    // The label right-aligned under "label", the verdict under "result".
    const std::size_t label_end = header.find("label") + 5, result = header.find("result");
    EXPECT_TRUE(row[label_end - 1] != ' ' && row[label_end] == ' ') << header << "\n" << row;
    EXPECT_TRUE(row.compare(result, 2, "ok") == 0 || row.compare(result, 4, "FAIL") == 0) << header << "\n"
                                                                                          << row;
  }
  ASSERT_EQ(rows.size(), 6u) << run.out;
  EXPECT_EQ(testing::CountLines(run.out, "FAIL    measured, but not in truth.json"), 1) << run.out;
  EXPECT_NE(rows.back().find(" 3         -"), std::string::npos) << rows.back();
  EXPECT_NE(run.err.find("regression failed: 1 tumour failed in 1 case (the rows marked FAIL)"),
            std::string::npos)
      << run.err;
}

TEST(RegressCommandTest, JsonHoldsEveryCaseTumourSkippedFolderAndTheSummary) {
  testing::TempDir dir;
  CopyCase(dir / "suite/rigid");
  TruthOnlyCase(dir / "suite/broken", [](json&) {});  // no images
  fs::create_directories(dir / "suite/no_truth");
  const auto run = testing::Run({"regress", dir / "suite", "--quiet", "--json", dir / "regress.json"});
  EXPECT_EQ(run.exit_code, 9) << run.out << run.err;
  const json j = testing::ReadJson(dir / "regress.json");
  EXPECT_EQ(j["format"], "margo regress");
  EXPECT_EQ(j["format_version"], 1);
  EXPECT_EQ(j["suite"], dir / "suite");
  EXPECT_EQ(j["registration"], "deformable");
  EXPECT_TRUE(j["tolerance_mm"].is_null());
  ASSERT_EQ(j["cases"].size(), 2u);
  const json& broken = j["cases"][0];
  EXPECT_EQ(broken["name"], "broken");
  EXPECT_EQ(broken["result"], "not run");
  EXPECT_NE(broken["error"].get<std::string>().find(dir / "suite/broken/pre_ct.nii.gz"), std::string::npos)
      << broken;
  EXPECT_TRUE(broken["tumours"].empty());
  const json& rigid = j["cases"][1];
  EXPECT_EQ(rigid["name"], "rigid");
  EXPECT_EQ(rigid["result"], "passed");
  EXPECT_TRUE(rigid["error"].is_null());
  ASSERT_EQ(rigid["tumours"].size(), 6u);
  for (const json& t : rigid["tumours"]) {
    EXPECT_EQ(t["result"], "passed") << t;
    EXPECT_TRUE(t["problem"].is_null()) << t;
    EXPECT_NEAR(t["error_mm"].get<double>(), t["measured_mm"].get<double>() - t["truth_mm"].get<double>(),
                1e-9);
    EXPECT_LE(std::abs(t["error_mm"].get<double>()), t["tolerance_mm"].get<double>());
  }
  ASSERT_EQ(j["skipped"].size(), 1u);
  EXPECT_EQ(j["skipped"][0]["name"], "no_truth");
  const json& s = j["summary"];
  EXPECT_EQ(s["cases"], 2);
  EXPECT_EQ(s["cases_passed"], 1);
  EXPECT_EQ(s["cases_failed"], 1);
  EXPECT_EQ(s["cases_not_run"], 1);
  EXPECT_EQ(s["tumours"], 6);
  EXPECT_EQ(s["tumours_passed"], 6);
  EXPECT_EQ(s["tumours_failed"], 0);
  EXPECT_EQ(s["result"], "failed");
  // The human table stays on stdout.
  EXPECT_EQ(testing::CountLines(run.out, "rigid "), 6) << run.out;
}

// Checked before any case runs: a wrong --json is found out at once.
TEST(RegressCommandTest, JsonFileThatCannotBeWrittenIsRefusedBeforeTheSuiteRuns) {
  testing::TempDir dir;
  const auto folder = testing::Run({"regress", kSuite, "--json", dir.path().string()});
  EXPECT_EQ(folder.exit_code, 7) << folder.err;
  EXPECT_NE(folder.err.find("--json " + dir.path().string() + ": is a folder"), std::string::npos)
      << folder.err;
  EXPECT_EQ(folder.err.find("case 1/1"), std::string::npos) << folder.err;
  EXPECT_TRUE(folder.out.empty()) << folder.out;
  const auto parent = testing::Run({"regress", kSuite, "--json", dir / "no/such/r.json"});
  EXPECT_EQ(parent.exit_code, 7) << parent.err;
  EXPECT_NE(parent.err.find("folder " + dir / "no/such" + " does not exist"), std::string::npos)
      << parent.err;
  const auto empty = testing::Run({"regress", kSuite, "--json", ""});
  EXPECT_EQ(empty.exit_code, 2) << empty.err;
  EXPECT_NE(empty.err.find("expected a file name"), std::string::npos) << empty.err;
}

// --json pointed at a case's own truth.json (a slip of the shell) overwrote
// it with the results, after the whole suite had run: the case was gone.
TEST(RegressCommandTest, JsonFileThatIsACaseInputIsRefusedAndLeftAlone) {
  testing::TempDir dir;
  CopyCase(dir / "a");
  const std::string truth = dir / "a/truth.json";
  const nlohmann::json before = testing::ReadJson(truth);
  const auto tumours_bytes = std::filesystem::file_size(dir / "a/tumours.nii.gz");
  for (const std::string& given : {truth, dir / "a/../a/tumours.nii.gz"}) {
    const auto run = testing::Run({"regress", dir.path().string(), "--json", given});
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_NE(run.err.find("--json " + given + ": is the "), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("of case a, which the suite reads"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("case 1/1"), std::string::npos) << "refused before the suite runs: " << run.err;
  }
  EXPECT_EQ(testing::ReadJson(truth), before);
  EXPECT_EQ(std::filesystem::file_size(dir / "a/tumours.nii.gz"), tumours_bytes);
}

// Before the fix the suite shared one stage timer: "stage margin" of case 1
// was logged after "case 2/2", and case 2's "stage load" added case 1's
// ("..., 0.04 s in all").
TEST(RegressCommandTest, EachCaseLogsItsOwnStagesBeforeTheNextCaseStarts) {
  testing::TempDir dir;
  CopyCase(dir / "a");
  CopyCase(dir / "b");
  const auto run = testing::Run({"regress", dir.path().string()});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const std::size_t second = run.err.find("case 2/2");
  ASSERT_NE(second, std::string::npos) << run.err;
  const std::string first_case = run.err.substr(0, second), second_case = run.err.substr(second);
  for (const std::string& log : {first_case, second_case}) {
    EXPECT_EQ(testing::CountLines(log, "stage load: "), 1) << log;
    EXPECT_EQ(testing::CountLines(log, "stage margin: "), 1) << log;
    EXPECT_EQ(testing::CountLines(log, "stages: load "), 1) << log;
    EXPECT_EQ(testing::CountLines(log, " in all"), 0) << log;
  }
  // Its own lines: margin last, then the case's summary.
  EXPECT_LT(second_case.find("stage load: "), second_case.find("stage margin: "));
  EXPECT_LT(second_case.find("stage margin: "), second_case.find("stages: load "));
}

TEST(RegressCaseNameTest, IsTheFolderOwnNameAlsoForTrailingSlashesAndDot) {
  EXPECT_EQ(CaseName("suite/rigid"), "rigid");
  EXPECT_EQ(CaseName("suite/rigid/"), "rigid");
  EXPECT_EQ(CaseName("/x/suite/my case"), "my case");
  EXPECT_EQ(CaseName("."), fs::current_path().filename().string());  // was "."
  EXPECT_EQ(CaseName("./"), fs::current_path().filename().string());
  EXPECT_EQ(CaseName("/"), "/");
}

// Hybrid mode on real anatomy (3D-IRCADb-01 patient 1, 2x downsampled; read
// from ../shared, never copied): zones sized for target margins, so the
// pre-space truth on the real voxel-face surface is known; the post-space
// truth is computed independently through the map and must agree (rigid map).
TEST(HybridPhantomTest, RealTumoursGetTheirTargetMarginsAndMargoMeasuresThem) {
  const std::string shared = testing::SharedDataDir();
  if (shared.empty()) GTEST_SKIP() << "real data folder absent (MARGO_SHARED_DATA_DIR); hybrid test skipped";
  const std::string ct = shared + "/ircadb1.1/ct_2x.nii.gz",
                    labels = shared + "/ircadb1.1/labels_liver_tumours_2x.nii.gz";
  if (!fs::exists(ct) || !fs::exists(labels)) GTEST_SKIP() << ct << " or " << labels << " absent; skipped";
  testing::TempDir dir;
  const auto made = testing::Run({"phantom", "--out", dir / "hybrid", "--preset", "rigid", "--hybrid-ct", ct,
                                  "--hybrid-labels", labels, "--quiet"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const json truth = testing::ReadJson(dir / "hybrid/truth.json");
  ASSERT_GE(truth["tumours"].size(), 4u);
  for (const json& t : truth["tumours"]) {
    const double target = t["target_min_margin_mm"].get<double>();
    EXPECT_NEAR(t["pre"]["min_margin_mm"].get<double>(), target, 0.01) << "tumour " << t["label"];
    EXPECT_NEAR(t["post"]["min_margin_mm"].get<double>(), target, 0.01) << "tumour " << t["label"];
  }
  const auto regress = testing::Run({"regress", dir / "hybrid"});
  EXPECT_EQ(regress.exit_code, 0) << regress.out << regress.err;
}

TEST(HybridPhantomTest, OneHybridInputWithoutTheOtherIsAUsageError) {
  testing::TempDir dir;
  const auto run = testing::Run({"phantom", "--out", dir / "h", "--hybrid-ct", dir / "ct.nii.gz"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--hybrid-labels"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace margo
