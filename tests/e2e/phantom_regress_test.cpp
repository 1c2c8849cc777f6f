// End to end: `margo phantom` writes a case whose truth matches the committed
// regression suite, and `margo regress` checks margo against it.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

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
  EXPECT_EQ(testing::CountLines(run.out, "FAIL: margin error beyond tolerance"), 1) << run.out;
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
