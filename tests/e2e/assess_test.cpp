// End to end: `margo assess` and `margo margin` on the small phantom, whose
// margins are known in closed form (testdata/generator/phantom.h).
#include <gtest/gtest.h>
#include <itkImageRegionConstIterator.h>
#include <itkRegionOfInterestImageFilter.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <utility>

#include "io/image_reader.h"
#include "io/image_writer.h"
#include "testdata/generator/phantom.h"
#include "tests/e2e/cli_harness.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

using nlohmann::json;

// Error bound: the surface kernel's bound on binary masks, 0.5 x the largest
// spacing (2.5 mm, tests/unit/margin/analytic_shapes_test.cpp), plus 0.5 mm for
// the rigid registration (tests/unit/registration/rigid_test.cpp: < 1 mm
// anywhere in the liver, far less at the tumours).
constexpr double kToleranceMm = 0.5 * 2.5 + 0.5;

class AssessPhantomTest : public testing::PhantomSuite {
 protected:
  static void ExpectMatchesTruth(const json& report) {
    const json truth = testing::ReadJson(In("truth.json"));
    ASSERT_EQ(report["tumours"].size(), truth["tumours"].size());
    for (std::size_t i = 0; i < truth["tumours"].size(); ++i) {
      const json& t = truth["tumours"][i];
      const json& m = report["tumours"][i];
      const std::string name = "tumour " + std::to_string(t["label"].get<int>());
      EXPECT_EQ(m["label"], t["label"]) << name;
      ASSERT_TRUE(m["assessable"].get<bool>()) << name;
      EXPECT_NEAR(m["min_margin_mm"].get<double>(), t["min_margin_mm"].get<double>(), kToleranceMm) << name;
      EXPECT_EQ(m["category"], t["category"]) << name;
      EXPECT_NEAR(m["volume_ml"].get<double>(), t["volume_ml"].get<double>(),
                  0.15 * t["volume_ml"].get<double>()) << name;
    }
  }
};

TEST_F(AssessPhantomTest, RigidAssessMatchesClosedFormMarginsInPostSpace) {
  testing::TempDir out;
  const auto run = testing::Run({"assess", "--pre-ct", In("pre_ct.nii.gz"), "--post-ct", In("post_ct.nii.gz"),
                                 "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"),
                                 "--out", out.path().string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = testing::ReadJson(out / "report.json");
  EXPECT_EQ(report["schema_version"], "0.7.0");
  EXPECT_EQ(report["registration"]["method"], "deformable");
  EXPECT_GT(report["registration"]["deformable"]["jacobian_determinant_min"].get<double>(), 0.0);
  EXPECT_LT(report["registration"]["metric_final"].get<double>(),
            report["registration"]["metric_initial"].get<double>());
  EXPECT_EQ(report["measuring_space"], "post");
  EXPECT_EQ(report["inputs"]["pre_ct"]["geometry"]["size"], json({156, 116, 60}));
  ExpectMatchesTruth(report);
  // A correct run: none of the verdict's checks fires (the plausibility checks must not warn here).
  EXPECT_EQ(report["registration"]["verdict"], json({{"verdict", "pass"}, {"reasons", json::array()}}));
  // stdout: a header and one row per tumour with its category.
  EXPECT_EQ(testing::CountLines(run.out, "A0"), 1);
  EXPECT_EQ(testing::CountLines(run.out, "incomplete"), 1);
}

TEST_F(AssessPhantomTest, PreSpaceAndLiverMasksGiveTheSameCategories) {
  testing::TempDir out;
  const auto run = testing::Run({"assess", "--pre-ct", In("pre_ct.nii.gz"), "--post-ct", In("post_ct.nii.gz"),
                                 "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"),
                                 "--pre-liver", In("pre_liver.nii.gz"), "--post-liver", In("post_liver.nii.gz"),
                                 "--space", "pre", "--out", out.path().string(), "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "") << "--quiet prints nothing on success";
  const json report = testing::ReadJson(out / "report.json");
  EXPECT_EQ(report["measuring_space"], "pre");
  ExpectMatchesTruth(report);
  // The liver masks also check the registration: their overlap improves.
  const json& r = report["registration"];
  EXPECT_GT(r["liver_dice_after"].get<double>(), 0.9);
  EXPECT_GT(r["liver_dice_after"].get<double>(), r["liver_dice_before"].get<double>() + 0.05);
}

// With --space pre the thinnest point and the thinnest direction are both
// carried into the pre CT's space: through the rigid map, the point moves
// and the direction turns by its rotation. The direction used to stay in
// post space (found by a review: off by the 6.5 degrees between the scans).
TEST_F(AssessPhantomTest, PreSpaceCarriesThinnestPointAndDirectionThroughTheMap) {
  json reports[2];
  const char* spaces[2] = {"post", "pre"};
  for (int s = 0; s < 2; ++s) {
    testing::TempDir out;
    const auto run = testing::Run(AssessArgs({"-q", "--registration", "rigid", "--space", spaces[s],
                                              "--no-html", "--no-surfaces", "--out", out.path().string()}));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    reports[s] = testing::ReadJson(out / "report.json");
  }
  const json& map = reports[1]["registration"]["transform_post_to_pre"];
  const auto rotate = [&](const json& v) {
    Vec3 r{};
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) r[i] += map["matrix"][i][j].get<double>() * v[j].get<double>();
    }
    return r;
  };
  ASSERT_GT(map["rotation_deg"].get<double>(), 5.0);  // enough to tell the spaces apart
  for (std::size_t i = 0; i < reports[0]["tumours"].size(); ++i) {
    const json &post = reports[0]["tumours"][i], &pre = reports[1]["tumours"][i];
    SCOPED_TRACE("tumour " + std::to_string(post["label"].get<int>()));
    EXPECT_EQ(post["min_margin_mm"], pre["min_margin_mm"]);  // measured in post space both times
    const Vec3 direction = rotate(post["thinnest_direction_lps"]);
    json from_centre = post["min_margin_point_lps_mm"];
    for (int a = 0; a < 3; ++a)
      from_centre[a] = from_centre[a].get<double>() - map["centre_lps_mm"][a].get<double>();
    const Vec3 point = rotate(from_centre);
    for (int a = 0; a < 3; ++a) {
      EXPECT_NEAR(pre["thinnest_direction_lps"][a].get<double>(), direction[a], 1e-6) << "axis " << a;
      EXPECT_NEAR(pre["min_margin_point_lps_mm"][a].get<double>(),
                  point[a] + map["centre_lps_mm"][a].get<double>() + map["translation_mm"][a].get<double>(),
                  1e-6)
          << "axis " << a;
    }
  }
}

TEST_F(AssessPhantomTest, WithoutRegistrationTheMisalignedPairGivesWrongMargins) {
  // Guards the test above: the phantom's rigid map is large enough to matter.
  testing::TempDir out;
  const auto run = testing::Run({"assess", "--pre-ct", In("pre_ct.nii.gz"), "--post-ct", In("post_ct.nii.gz"),
                                 "--tumours", In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"),
                                 "--registration", "none", "--out", out.path().string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = testing::ReadJson(out / "report.json");
  const json truth = testing::ReadJson(In("truth.json"));
  double worst = 0.0;
  for (std::size_t i = 0; i < truth["tumours"].size(); ++i) {
    worst = std::max(worst, std::abs(report["tumours"][i]["min_margin_mm"].get<double>() -
                                     truth["tumours"][i]["min_margin_mm"].get<double>()));
  }
  EXPECT_GT(worst, 5.0);
  // Always judged now, also without landmarks or liver masks. This pair is
  // off by about 13 mm at tumour 2 and still passes: no tumour lies wholly or
  // far outside its zone (the plausibility checks catch gross failures only,
  // docs/REGISTRATION.md); the test below has one that is caught.
  EXPECT_EQ(report["registration"]["verdict"]["verdict"], "pass");
}

// --registration none on the `small` preset, whose scans need registering
// (found by a review: tumour 2 read -2.67 mm against a true 11.85 mm, with
// no warning and no verdict): tumour 5 lies wholly outside every zone.
TEST(AssessPlausibilityTest, WithoutRegistrationATumourOutsideEveryZoneWarns) {
  testing::TempDir dir;
  const std::string c = dir / "case";
  ASSERT_EQ(testing::Run({"-q", "phantom", "--out", c, "--preset", "small"}).exit_code, 0);
  const auto run =
      testing::Run({"assess", "--pre-ct", c + "/pre_ct.nii.gz", "--post-ct", c + "/post_ct.nii.gz",
                    "--tumours", c + "/tumours.nii.gz", "--ablation", c + "/ablation.nii.gz",
                    "--registration", "none", "--no-html", "--no-surfaces", "--out", dir / "out"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = testing::ReadJson(dir / "out/report.json");
  const json& verdict = report["registration"]["verdict"];
  EXPECT_EQ(verdict["verdict"], "warn") << verdict.dump();
  EXPECT_NE(verdict["reasons"].dump().find("tumour 5 lies wholly outside every ablation zone"),
            std::string::npos)
      << verdict.dump();
  EXPECT_NE(run.err.find("warning: registration check: tumour 5 "), std::string::npos) << run.err;
}

// Pre and post CT given the wrong way round (found by a review: the pair
// registered well, every tumour read incomplete, verdict pass, exit 0). The
// label maps lie on the other scan's grid: refused before registering.
TEST_F(AssessPhantomTest, SwappedInputsAreRefused) {
  testing::TempDir dir;
  auto run =
      testing::Run({"assess", "--pre-ct", In("post_ct.nii.gz"), "--post-ct", In("pre_ct.nii.gz"), "--tumours",
                    In("tumours.nii.gz"), "--ablation", In("ablation.nii.gz"), "--out", dir / "out"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(
      run.err.find("error: tumour labels " + In("tumours.nii.gz") + " lie on the voxel grid of the post CT"),
      std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("--pre-ct and --post-ct look swapped (or --tumours and --ablation)"),
            std::string::npos)
      << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out/report.json"));
  run =
      testing::Run({"assess", "--pre-ct", In("pre_ct.nii.gz"), "--post-ct", In("post_ct.nii.gz"), "--tumours",
                    In("ablation.nii.gz"), "--ablation", In("ablation.nii.gz"), "--out", dir / "out"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("(or --tumours is the zones' map)"), std::string::npos) << run.err;
}

// A pre CT mirrored left to right (with its tumour map): no rigid map undoes
// it. A review found every tumour reported -30 to -96 mm with verdict pass;
// the rigid stage's orientation check now stops it (exit 6).
TEST_F(AssessPhantomTest, AMirroredPreCtIsARegistrationFailureNamingTheMirror) {
  testing::TempDir dir;
  const LoadedCt pre = LoadCt(In("pre_ct.nii.gz"), "pre CT");
  const LoadedLabels tumours = LoadLabels(In("tumours.nii.gz"), "tumours");
  for (itk::ImageBase<3>* image : {static_cast<itk::ImageBase<3>*>(pre.image.GetPointer()),
                                   static_cast<itk::ImageBase<3>*>(tumours.image.GetPointer())}) {
    ImageGeometry g = GeometryOf(*image);
    g.origin_mm[0] += double(g.size[0] - 1) * g.spacing_mm[0];  // the same box, voxels in reverse along L
    g.direction[0][0] = -1.0;
    SetGeometry(*image, g);
  }
  WriteImage(*pre.image, dir / "pre_ct.nii.gz");
  WriteImage(*tumours.image, dir / "tumours.nii.gz");
  const auto run = testing::Run({"assess", "--pre-ct", dir / "pre_ct.nii.gz", "--post-ct",
                                 In("post_ct.nii.gz"), "--tumours", dir / "tumours.nii.gz", "--ablation",
                                 In("ablation.nii.gz"), "--no-html", "--no-surfaces", "--out", dir / "out"});
  EXPECT_EQ(run.exit_code, 6) << run.err;
  EXPECT_NE(run.err.find("mirrored left-right"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out/report.json"));
}

// The zones' map of another scan (here the right one mirrored within its own
// grid): the registration is right, but no zone touches any tumour. The
// categories stay as measured; the verdict says to look.
TEST_F(AssessPhantomTest, TumoursOutsideEveryZoneTurnTheVerdictToWarn) {
  testing::TempDir dir;
  const LoadedLabels zones = LoadLabels(In("ablation.nii.gz"), "ablation");
  LabelImage& z = *zones.image;
  const auto size = z.GetLargestPossibleRegion().GetSize();
  for (std::size_t row = 0; row < size[1] * size[2]; ++row) {
    std::uint16_t* line = z.GetBufferPointer() + row * size[0];
    std::reverse(line, line + size[0]);
  }
  WriteImage(z, dir / "ablation.nii.gz");
  const auto run = testing::Run({"assess", "--pre-ct", In("pre_ct.nii.gz"), "--post-ct", In("post_ct.nii.gz"),
                                 "--tumours", In("tumours.nii.gz"), "--ablation", dir / "ablation.nii.gz",
                                 "--no-html", "--no-surfaces", "--out", dir / "out"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = testing::ReadJson(dir / "out/report.json");
  const json& verdict = report["registration"]["verdict"];
  EXPECT_EQ(verdict["verdict"], "warn") << verdict.dump();
  const std::string reasons = verdict["reasons"].dump();
  EXPECT_NE(reasons.find("lies wholly outside every ablation zone"), std::string::npos) << reasons;
  EXPECT_NE(reasons.find("either the ablation missed it or the registration failed"), std::string::npos)
      << reasons;
  EXPECT_NE(run.err.find("warning: registration check: tumour "), std::string::npos) << run.err;
}

// The small phantom without its rigid map: pre and post CT on one grid, the tumours in their zones.
std::string WriteAlignedPhantom(const testing::TempDir& dir) {
  PhantomSpec spec = SmallPhantomSpec();
  spec.post_to_pre = RigidTransform{};
  spec.post_grid = spec.pre_grid;
  WritePhantom(spec, dir / "case");
  return dir / "case";
}

// Scans on one grid: the grids cannot tell pre from post, so nothing is
// refused, even the other way round.
TEST(AssessGridTest, ScansOnOneGridAreNotRefused) {
  testing::TempDir dir;
  const std::string c = WriteAlignedPhantom(dir);
  const auto run =
      testing::Run({"-q", "assess", "--pre-ct", c + "/post_ct.nii.gz", "--post-ct", c + "/pre_ct.nii.gz",
                    "--tumours", c + "/tumours.nii.gz", "--ablation", c + "/ablation.nii.gz",
                    "--registration", "none", "--no-html", "--no-surfaces", "--out", dir / "out"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

// dir/pre.csv and dir/post.csv (docs/REGISTRATION.md, landmarks) from
// (pre, post) point pairs.
void WriteLandmarkFiles(const testing::TempDir& dir, const std::vector<std::pair<Vec3, Vec3>>& pairs) {
  std::ofstream pre(dir / "pre.csv"), post(dir / "post.csv");
  pre << "name,x,y,z\n";
  post << "name,x,y,z\n";
  char line[160];
  for (const auto& [p, q] : pairs) {
    std::snprintf(line, sizeof line, "p,%.4f,%.4f,%.4f\n", p[0], p[1], p[2]);
    pre << line;
    std::snprintf(line, sizeof line, "p,%.4f,%.4f,%.4f\n", q[0], q[1], q[2]);
    post << line;
  }
}

// With landmarks, each tumour's registration uncertainty is the largest
// error of the pairs near it, not the liver-wide RMS: a 4 mm error beside
// tumour 2 (14.5 mm, 4.5 mm from the A0 threshold) makes it borderline. With
// the RMS (1.4 mm) it was not.
TEST(AssessGridTest, LandmarkErrorNearATumourIsItsUncertainty) {
  testing::TempDir dir;
  const std::string c = WriteAlignedPhantom(dir);
  std::vector<std::pair<Vec3, Vec3>> pairs;  // (pre, post)
  for (const PhantomTumour& t : SmallPhantomSpec().tumours) {
    for (double ds : {-14.0, 14.0}) {
      const Vec3 post{t.centre_mm[0], t.centre_mm[1], t.centre_mm[2] + ds};
      Vec3 pre = post;
      if (t.label == 2 && ds > 0) pre[0] += 4.0;
      pairs.push_back({pre, post});
    }
  }
  WriteLandmarkFiles(dir, pairs);
  const auto run = testing::Run({"-q",
                                 "assess",
                                 "--pre-ct",
                                 c + "/pre_ct.nii.gz",
                                 "--post-ct",
                                 c + "/post_ct.nii.gz",
                                 "--tumours",
                                 c + "/tumours.nii.gz",
                                 "--ablation",
                                 c + "/ablation.nii.gz",
                                 "--registration",
                                 "none",
                                 "--landmarks-pre",
                                 dir / "pre.csv",
                                 "--landmarks-post",
                                 dir / "post.csv",
                                 "--no-html",
                                 "--no-surfaces",
                                 "--out",
                                 dir / "out"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = testing::ReadJson(dir / "out/report.json");
  const double rms = 4.0 / std::sqrt(8.0);
  EXPECT_NEAR(report["registration"]["uncertainty_mm"].get<double>(), rms, 1e-3);
  EXPECT_EQ(report["registration"]["verdict"]["verdict"], "pass");  // aligned: judged, and nothing to say
  for (const json& t : report["tumours"]) {
    const int label = t["label"].get<int>();
    SCOPED_TRACE("tumour " + std::to_string(label));
    EXPECT_NEAR(t["uncertainty_registration_mm"].get<double>(), label == 2 ? 4.0 : rms, 1e-3);
    EXPECT_NEAR(t["uncertainty_mm"].get<double>(),
                t["uncertainty_kernel_mm"].get<double>() + t["uncertainty_registration_mm"].get<double>(),
                1e-9);
    if (label == 2) {  // beyond the RMS's reach of the A0 threshold, within the local error's
      EXPECT_GT(t["min_margin_mm"].get<double>(), 10.0 + t["uncertainty_kernel_mm"].get<double>() + rms);
      EXPECT_TRUE(t["borderline"].get<bool>());
    }
  }
}

// With --registration none the landmarks and liver masks are all that
// checks the claim that the scans are aligned: they are reported, judged and
// feed the uncertainty. They used to be dropped (found by a review: a pair
// 15 mm apart passed with every tumour "incomplete" and no warning).
TEST_F(AssessPhantomTest, WithoutRegistrationLandmarksAndLiverMasksStillJudgeTheAlignment) {
  testing::TempDir dir;
  const RigidTransform map = SmallPhantomSpec().post_to_pre;
  std::vector<std::pair<Vec3, Vec3>> pairs;  // (pre, post)
  for (const Vec3& p : std::vector<Vec3>{{-60, -10, 0}, {-40, 10, 5}, {-70, 5, -10}, {-50, -20, 12}}) {
    pairs.push_back({map.Apply(p), p});
  }
  WriteLandmarkFiles(dir, pairs);
  const auto run = testing::Run(
      AssessArgs({"--pre-liver", In("pre_liver.nii.gz"), "--post-liver", In("post_liver.nii.gz"),
                  "--landmarks-pre", dir / "pre.csv", "--landmarks-post", dir / "post.csv", "--registration",
                  "none", "--no-html", "--no-surfaces", "--out", dir / "out"}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = testing::ReadJson(dir / "out/report.json");
  const json& r = report["registration"];
  ASSERT_TRUE(r.contains("landmarks")) << r.dump();
  const double rms = r["landmarks"]["tre_rms_mm"].get<double>();
  EXPECT_GT(rms, 5.0);  // the phantom's scans lie centimetres apart
  ASSERT_TRUE(r.contains("verdict")) << r.dump();
  EXPECT_EQ(r["verdict"]["verdict"], "warn");
  std::string reasons = r["verdict"]["reasons"].dump();
  EXPECT_NE(reasons.find("landmark target error"), std::string::npos) << reasons;
  EXPECT_NE(reasons.find("liver Dice"), std::string::npos) << reasons;
  EXPECT_NEAR(r["uncertainty_mm"].get<double>(), rms, 1e-9);
  // Per tumour at least the RMS (the largest error of the pairs near it; docs/REGISTRATION.md).
  EXPECT_GE(report["tumours"][0]["uncertainty_registration_mm"].get<double>(), rms);
  EXPECT_NE(run.err.find("warning: registration check: landmark target error"), std::string::npos) << run.err;
}

// A pre CT that ends below some tumours of its label map (a scan cut short,
// a map drawn on a longer one): every tumour is reported, those beyond the
// CT as not assessable. They used to vanish from the report, with only a
// warning about dropped volume.
TEST_F(AssessPhantomTest, TumoursBeyondTheirCtAreReportedNotAssessable) {
  const LoadedCt pre = LoadCt(In("pre_ct.nii.gz"), "pre CT");
  CtImage::RegionType kept = pre.image->GetLargestPossibleRegion();
  itk::ContinuousIndex<double, 3> top;
  pre.image->TransformPhysicalPointToContinuousIndex(itk::Point<double, 3>(std::array<double, 3>{0, 0, 15.0}),
                                                     top);
  kept.SetSize(2, itk::SizeValueType(top[2]));  // slices below S = 15 mm: tumour 5 (S 16..28) lies above
  auto crop = itk::RegionOfInterestImageFilter<CtImage, CtImage>::New();
  crop->SetInput(pre.image);
  crop->SetRegionOfInterest(kept);
  crop->Update();
  testing::TempDir dir;
  WriteImage(*crop->GetOutput(), dir / "pre_ct_short.nii.gz");
  const auto run = testing::Run({"-q", "assess", "--pre-ct", dir / "pre_ct_short.nii.gz", "--post-ct",
                                 In("post_ct.nii.gz"), "--tumours", In("tumours.nii.gz"), "--ablation",
                                 In("ablation.nii.gz"), "--registration", "none", "--no-html",
                                 "--no-surfaces", "--out", dir / "out"});
  EXPECT_EQ(run.exit_code, 8) << run.err;
  const json report = testing::ReadJson(dir / "out/report.json");
  ASSERT_EQ(report["tumours"].size(), 4u);
  bool found = false;
  for (const json& t : report["tumours"]) {
    if (t["label"] != 5) continue;
    found = true;
    EXPECT_FALSE(t["assessable"].get<bool>());
    EXPECT_EQ(t["not_assessable_reason"], "tumour lies outside the field of view of the CT it was drawn on");
  }
  EXPECT_TRUE(found);
}

// docs/REPORT.md: volume_ml is counted on the tumour label map's own grid,
// not on its nearest-neighbour copy on the pre CT's grid. A map on the post
// CT's grid (1.8 x 1.8 x 2.5 mm, the pre CT's 1.6 x 1.6 x 2 mm) shows which.
TEST_F(AssessPhantomTest, TumourVolumeIsCountedOnTheLabelMapsOwnGrid) {
  testing::TempDir dir;
  // The zones' map moved by half a voxel: on neither CT's grid (on the post
  // CT's grid it would be refused as swapped), so resampled and warned about.
  {
    const LoadedLabels zones = LoadLabels(In("ablation.nii.gz"), "zones");
    ImageGeometry g = GeometryOf(*zones.image);
    g.origin_mm[0] += 0.5 * g.spacing_mm[0];
    SetGeometry(*zones.image, g);
    WriteImage(*zones.image, dir / "moved.nii.gz");
  }
  const std::string map = dir / "moved.nii.gz";
  const auto run = testing::Run({"assess", "--pre-ct", In("pre_ct.nii.gz"), "--post-ct", In("post_ct.nii.gz"),
                                 "--tumours", map, "--ablation", map, "--registration", "none", "--no-html",
                                 "--no-surfaces", "--out", dir / "out"});
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 8) << run.err;
  EXPECT_NE(run.err.find("warning: tumour labels " + map + ": on neither CT's voxel grid"), std::string::npos)
      << run.err;
  const LoadedLabels labels = LoadLabels(map, "tumours");
  std::map<int, std::size_t> voxels;
  itk::ImageRegionConstIterator<LabelImage> it(labels.image, labels.image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) voxels[it.Get()] += 1;
  const double voxel_ml = labels.report.geometry.VoxelVolumeMm3() / 1000.0;
  const json report = testing::ReadJson(dir / "out/report.json");
  ASSERT_FALSE(report["tumours"].empty());
  for (const json& t : report["tumours"]) {
    const int label = t["label"].get<int>();
    EXPECT_NEAR(t["volume_ml"].get<double>(), double(voxels[label]) * voxel_ml, 1e-9) << "tumour " << label;
  }
}

TEST(MarginCommandTest, MasksInOneSpaceReproduceTheClosedForm) {
  // Tumours and zone both on the pre grid: the phantom with registration
  // undone is simply its pre-space truth, so write them with the generator
  // using an identity map.
  PhantomSpec spec = SmallPhantomSpec();
  spec.post_to_pre = RigidTransform{};
  spec.post_grid = spec.pre_grid;
  testing::TempDir dir, out;
  WritePhantom(spec, dir.path().string());
  const auto run = testing::Run({"margin", "--tumours", dir / "tumours.nii.gz", "--ablation",
                                 dir / "ablation.nii.gz", "--out", out.path().string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = testing::ReadJson(out / "report.json");
  const json truth = testing::ReadJson(dir / "truth.json");
  ASSERT_EQ(report["tumours"].size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(report["tumours"][i]["min_margin_mm"].get<double>(),
                truth["tumours"][i]["min_margin_mm"].get<double>(), 2.0) << "tumour " << i;
    EXPECT_EQ(report["tumours"][i]["category"], truth["tumours"][i]["category"]) << "tumour " << i;
  }
  EXPECT_EQ(report["registration"]["method"], "none");
}

TEST(CommittedPhantomTest, BundledPhantomIsWhatTheGeneratorWrites) {
  const std::string committed = std::string(MARGO_SOURCE_DIR) + "/testdata/phantom_small/truth.json";
  ASSERT_TRUE(std::filesystem::exists(committed)) << committed;
  EXPECT_EQ(testing::ReadJson(committed), json::parse(TruthJson(SmallPhantomSpec())));
}

}  // namespace
}  // namespace margo
