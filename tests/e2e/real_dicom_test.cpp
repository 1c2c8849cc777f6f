// margo assess on the real 3D-IRCADb DICOM series (read from ../shared, never
// copied into the repository). Skipped, with a message, when absent.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/cli_harness.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;

namespace margo {
namespace {

std::string Ircad() {
  const std::string shared = testing::SharedDataDir();
  if (shared.empty() || !fs::is_directory(shared + "/ircadb1.1/ct_dicom")) return "";
  return shared + "/ircadb1.1";
}

// Tumours 2..8 of the IRCAD label map on the full-resolution DICOM CT; the
// "ablation zone" is the whole liver (labels 1..8) on the 2x-downsampled CT,
// so each margin is the tumour's depth below the liver surface.
std::vector<std::string> AssessArgs(const std::string& pre_ct, const std::string& out) {
  const std::string d = Ircad();
  return {"assess", "--pre-ct", pre_ct, "--post-ct", d + "/ct_2x.nii.gz",
          "--tumours", d + "/labels_liver_tumours.nii.gz", "--tumour-labels", "2-8",
          "--ablation", d + "/labels_liver_tumours_2x.nii.gz", "--ablation-labels", "1-8",
          "--out", out};
}

TEST(RealDicomTest, AssessReportsTheLoadedGeometry) {
  if (Ircad().empty()) GTEST_SKIP() << "real data ../shared/data/real/ircadb1.1 not present; skipping";
  testing::TempDir out;
  const auto run = testing::Run(AssessArgs(Ircad() + "/ct_dicom", out.path().string()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("512 x 512 x 129 voxels, spacing 0.57 x 0.57 x 1.6 mm"), std::string::npos) << run.err;
  const auto report = testing::ReadJson(out / "report.json");
  const auto& pre = report["inputs"]["pre_ct"];
  EXPECT_EQ(pre["format"], "DICOM series");
  EXPECT_EQ(pre["file_count"], 129);
  EXPECT_EQ(pre["geometry"]["size"], nlohmann::json({512, 512, 129}));
  EXPECT_NEAR(pre["geometry"]["spacing_mm"][0].get<double>(), 0.57, 0.005);
  EXPECT_NEAR(pre["geometry"]["spacing_mm"][2].get<double>(), 1.6, 0.005);
  // Same patient, same scan: the registration must stay close to identity.
  const auto& t = report["registration"]["transform_post_to_pre"];
  EXPECT_LT(t["rotation_deg"].get<double>(), 0.5);
  ASSERT_EQ(report["tumours"].size(), 7u);
  for (const auto& tumour : report["tumours"]) {
    EXPECT_TRUE(tumour["assessable"].get<bool>()) << tumour.dump();
    EXPECT_GE(tumour["min_margin_mm"].get<double>(), -1.5) << "tumours lie inside the liver: " << tumour.dump();
  }
}

TEST(RealDicomTest, MissingMiddleSliceIsRefusedWithoutReport) {
  if (Ircad().empty()) GTEST_SKIP() << "real data ../shared/data/real/ircadb1.1 not present; skipping";
  testing::TempDir dir;
  const fs::path copy = dir.path() / "ct_dicom";
  fs::create_directories(copy);
  for (const auto& entry : fs::directory_iterator(Ircad() + "/ct_dicom")) {
    if (entry.path().filename() == "image_64") continue;
    fs::create_symlink(entry.path(), copy / entry.path().filename());
  }
  const std::string out = dir / "out";
  const auto run = testing::Run(AssessArgs(copy.string(), out));
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_EQ(testing::CountLines(run.err, "error: "), 1) << run.err;
  EXPECT_NE(run.err.find("missing slice"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("3.20 mm"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("expected 1.60 mm"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(out + "/report.json"));
}

// dcmqi's liver, on 3 real CT slices, as a DICOM SEG and as the NRRD it was
// made from: the liver runs through the first and last slice, so as a zone it
// is cut by the CT's field of view. The SEG's stack, read with an empty frame
// beyond each end, made it look closed (0.69 mm, A2, exit 0) until it was
// limited to the CT's extent.
TEST(RealDicomTest, ZoneCutByTheCtIsNotAssessableAsSegAsAsNrrd) {
  const std::string shared = testing::SharedDataDir();
  if (shared.empty() || !fs::is_directory(shared + "/dcmqi/ct-3slice")) {
    GTEST_SKIP() << "real data ../shared/data/real/dcmqi not present; skipping";
  }
  const std::string d = shared + "/dcmqi";
  for (const std::string zone : {"liver.dcm", "liver_seg.nrrd"}) {
    testing::TempDir out;
    const auto run = testing::Run({"-q", "assess", "--pre-ct", d + "/ct-3slice", "--post-ct",
                                   d + "/ct-3slice", "--tumours", d + "/partial_overlaps.dcm",
                                   "--tumour-labels", "1", "--ablation", d + "/" + zone, "--registration",
                                   "none", "--no-html", "--no-surfaces", "--out", out.path().string()});
    ASSERT_EQ(run.exit_code, 8) << zone << ": " << run.err;
    const auto report = testing::ReadJson(out / "report.json");
    EXPECT_NE(report["tumours"][0]["not_assessable_reason"].get<std::string>().find("ablation zone is cut"),
              std::string::npos)
        << zone << ": " << report["tumours"][0].dump();
  }
}

// partial_overlaps.dcm's four segments overlap; --tumour-labels picks one.
// `margo margin` ignored the choice for a SEG and refused the overlap (exit 5).
TEST(RealDicomTest, MarginReadsOnlyTheChosenSegments) {
  const std::string shared = testing::SharedDataDir();
  if (shared.empty() || !fs::is_directory(shared + "/dcmqi")) {
    GTEST_SKIP() << "real data ../shared/data/real/dcmqi not present; skipping";
  }
  testing::TempDir out;
  const auto run = testing::Run({"-q", "margin", "--tumours", shared + "/dcmqi/partial_overlaps.dcm",
                                 "--tumour-labels", "1", "--ablation", shared + "/dcmqi/liver_seg.nrrd",
                                 "--no-html", "--no-surfaces", "--out", out.path().string()});
  EXPECT_EQ(run.exit_code, 8) << run.err;  // the liver, as a zone, is cut by the 3 slices
  const auto report = testing::ReadJson(out / "report.json");
  ASSERT_EQ(report["tumours"].size(), 1u);
  EXPECT_EQ(report["tumours"][0]["label"], 1);
}

}  // namespace
}  // namespace margo
