// The margin kernel's metrics beyond the minimal margin (distribution,
// shells, residual, borderline, subcapsular, zone map, field of view); the
// minimal-margin accuracy table is analytic_shapes_test.cpp.
#include "margin/tumour_margin.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>

#include "core/error.h"
#include "margin/surface.h"
#include "tests/support/margin_case.h"
#include "tests/support/synthetic.h"

namespace margo {
namespace {

TEST(TumourMarginTest, MissingAndBorderTumoursAreNotAssessable) {
  testing::Grid grid;
  grid.size = {30, 30, 30};
  testing::MarginCase c(grid);
  testing::Paint(*c.tumours, testing::Sphere({2, 15, 15}, 4), 3);  // touches i = 0
  testing::Paint(*c.zone, testing::Sphere({15, 15, 15}, 10), 1);
  MarginInputs in = c.Inputs();
  in.expected_labels = {3, 9};  // 9 is absent from the measuring grid
  const std::vector<TumourMargin> out = MeasureMargins(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].assessable);
  EXPECT_NE(out[0].not_assessable_reason.find("edge"), std::string::npos);
  EXPECT_EQ(out[1].label, 9);
  EXPECT_FALSE(out[1].assessable);
  EXPECT_NE(out[1].not_assessable_reason.find("outside"), std::string::npos);
}

TEST(TumourMarginTest, ZoneCutByTheImageEdgeNearTheTumourIsNotAssessable) {
  // True margin 4 mm (zone r 12, tumour r 4, concentric), but the image ends
  // 5 mm above the tumour: the zone beyond is unknown.
  testing::Grid grid;
  grid.size = {40, 40, 30};
  grid.origin_mm = {-19.5, -19.5, -20.5};  // k = 29 at z = 8.5: the image ends at z = 9
  testing::MarginCase c(grid);
  testing::Paint(*c.tumours, testing::Sphere({0, 0, 0}, 4), 2);
  testing::Paint(*c.zone, testing::Sphere({0, 0, 0}, 12), 1);
  MarginInputs in = c.Inputs();
  const std::vector<TumourMargin> out = MeasureMargins(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].assessable);
  EXPECT_NE(out[0].not_assessable_reason.find("cut by the edge"), std::string::npos)
      << out[0].not_assessable_reason;
}

TEST(TumourMarginTest, AFarZoneCutByTheImageEdgeLeavesATumourAssessable) {
  // The tumour (r 4) lies 1 mm below the image's top (last voxel centre
  // z = 4.5, edge z = 5); its own zone (r 4.4) ends inside the image, so its
  // margin, under a millimetre, is not the cut's. Another zone 16 mm away,
  // beyond the margins' reach, is cut by the edge; it must not make this
  // tumour not assessable, as it would if the cut were judged on the zones'
  // union.
  testing::Grid grid;
  grid.size = {60, 40, 29};
  grid.origin_mm = {-19.5, -19.5, -23.5};
  testing::MarginCase c(grid);
  testing::Paint(*c.tumours, testing::Sphere({0, 0, 0}, 4), 2);
  testing::Paint(*c.zone, testing::Sphere({0, 0, 0}, 4.4), 1);
  testing::Paint(*c.zone, testing::Sphere({25, 0, 4.5}, 5), 1);
  MarginInputs in = c.Inputs();
  const std::vector<TumourMargin> out = MeasureMargins(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].assessable) << out[0].not_assessable_reason;
  EXPECT_NEAR(out[0].min_margin_mm, 0.4, 0.6);
}

// 60 x 40 x 40 mm around the origin, 1 mm voxels: room for two tumours in one zone.
testing::Grid TwoTumourGrid() {
  testing::Grid grid;
  grid.size = {60, 40, 40};
  grid.origin_mm = {-30, -20, -20};
  return grid;
}

TEST(TumourMarginTest, TwoTumoursInOneZoneEachGetTheirOwnMargin) {
  const testing::Grid grid = TwoTumourGrid();
  testing::MarginCase c(grid);
  testing::Paint(*c.tumours, testing::Sphere({-6, 0, 0}, 4), 2);
  testing::Paint(*c.tumours, testing::Sphere({7, 0, 0}, 4), 3);
  testing::Paint(*c.zone, testing::Sphere({0, 0, 0}, 17), 1);
  MarginInputs in = c.Inputs();
  in.expected_labels = {2, 3};
  const std::vector<TumourMargin> out = MeasureMargins(in);
  ASSERT_EQ(out.size(), 2u);
  // One zone of radius 17 mm: 17 - 6 - 4 = 7 mm and 17 - 7 - 4 = 6 mm.
  EXPECT_NEAR(out[0].min_margin_mm, 7.0, 1.0);
  EXPECT_NEAR(out[1].min_margin_mm, 6.0, 1.0);
}

// Surfaces built ahead (while the registration runs, in margo assess) are
// the ones measured on, and give the same figures to the last bit.
TEST(TumourMarginTest, PrebuiltSurfacesAreUsedAndChangeNothing) {
  const testing::Grid grid = TwoTumourGrid();
  testing::MarginCase c(grid);
  testing::Paint(*c.tumours, testing::Sphere({-6, 0.4, 0}, 4), 2);
  testing::Paint(*c.tumours, testing::Sphere({9, 0, -0.3}, 5), 3);
  testing::Paint(*c.zone, testing::Sphere({0, 0, 0}, 15), 1);
  LabelImage::Pointer zone_labels = testing::MakeImage<LabelImage>(grid);
  testing::Paint(*zone_labels, testing::Sphere({0, 0, 0}, 15), 1);
  const PrebuiltSurfaces prebuilt = PrebuildSurfaces(*c.tumours, *zone_labels);
  ASSERT_TRUE(prebuilt.zone_union);
  ASSERT_EQ(prebuilt.tumours.size(), 2u);

  struct Run {
    std::vector<TumourMargin> margins;
    std::map<std::uint16_t, std::shared_ptr<const Surface>> tumours;
    std::shared_ptr<const Surface> zone;
  };
  auto measure = [&](const PrebuiltSurfaces* ahead) {
    Run run;
    MarginInputs in = c.Inputs();
    if (ahead != nullptr) in.ablation = ahead->zone_mask.GetPointer();
    in.prebuilt = ahead;
    in.tumour_surfaces = &run.tumours;
    in.zone_union_surface = &run.zone;
    run.margins = MeasureMargins(in);
    return run;
  };
  const Run built = measure(nullptr), ahead = measure(&prebuilt);
  EXPECT_EQ(ahead.zone.get(), prebuilt.zone_union.get());
  for (const auto& [label, surface] : prebuilt.tumours)
    EXPECT_EQ(ahead.tumours.at(label).get(), surface.get());
  ASSERT_EQ(built.margins.size(), ahead.margins.size());
  for (std::size_t i = 0; i < built.margins.size(); ++i) {
    const TumourMargin &a = built.margins[i], &b = ahead.margins[i];
    EXPECT_EQ(a.min_margin_mm, b.min_margin_mm);
    EXPECT_EQ(a.p1_mm, b.p1_mm);
    EXPECT_EQ(a.p50_mm, b.p50_mm);
    EXPECT_EQ(a.surface_coverage, b.surface_coverage);
    EXPECT_EQ(a.shell_coverage, b.shell_coverage);
    EXPECT_EQ(a.residual_ml, b.residual_ml);
    EXPECT_GT(a.min_margin_mm, 0.0);
  }
}

// One tumour sphere (label 4, radius r) in one zone sphere (radius R) whose
// centre is offset by `offset_mm` along x, on a 1 mm grid.
TumourMargin MeasureOffsetSpheres(double r, double R, double offset_mm, const MarginOptions& options = {}) {
  testing::Grid grid;
  grid.size = {80, 80, 80};
  grid.origin_mm = {-40, -40, -40};
  testing::MarginCase c(grid);
  testing::Paint(*c.tumours, testing::Sphere({0.3, -0.2, 0.1}, r), 4);
  testing::Paint(*c.zone, testing::Sphere({0.3 + offset_mm, -0.2, 0.1}, R), 1);
  MarginInputs in = c.Inputs();
  in.options = options;
  const std::vector<TumourMargin> out = MeasureMargins(in);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].assessable) << out[0].not_assessable_reason;
  return out[0];
}

// Area-uniform points on the tumour sphere have cos(theta) uniform in [-1, 1];
// the margin there is R - sqrt(r^2 + o^2 + 2 r o cos(theta)).
double OffsetMarginPercentile(double r, double R, double o, double q) {
  return R - std::sqrt(r * r + o * o + 2 * r * o * (1 - 2 * q));
}

double OffsetCoverage(double r, double R, double o, double d) {
  const double c = ((R - d) * (R - d) - r * r - o * o) / (2 * r * o);
  return std::clamp((c + 1) / 2, 0.0, 1.0);
}

TEST(MarginDistributionTest, PercentilesAndCoverageOfOffsetSpheres) {
  const double r = 8, R = 18, o = 4;  // margins run from 6 (towards -x) to 14
  const TumourMargin m = MeasureOffsetSpheres(r, R, o);
  EXPECT_NEAR(m.min_margin_mm, R - o - r, 0.65);
  EXPECT_NEAR(m.p1_mm, OffsetMarginPercentile(r, R, o, 0.01), 0.5);
  EXPECT_NEAR(m.p5_mm, OffsetMarginPercentile(r, R, o, 0.05), 0.5);
  EXPECT_NEAR(m.p25_mm, OffsetMarginPercentile(r, R, o, 0.25), 0.5);
  EXPECT_NEAR(m.p50_mm, OffsetMarginPercentile(r, R, o, 0.50), 0.5);
  for (const auto& [d, share] : m.surface_coverage) {
    EXPECT_NEAR(share, OffsetCoverage(r, R, o, d), 0.05) << "coverage at " << d << " mm";
  }
  EXPECT_NEAR(m.surface_area_mm2, 4 * M_PI * r * r, 0.05 * 4 * M_PI * r * r);
  // The zone's centre lies 4 mm towards +x, so its boundary is nearest on -x.
  EXPECT_LT(m.thinnest_direction[0], -0.9);
}

TEST(MarginDistributionTest, ShellCoverageOfConcentricSpheres) {
  const double r = 6, R = 10;  // shells up to 4 mm lie inside the zone
  const TumourMargin m = MeasureOffsetSpheres(r, R, 0.0);
  for (const auto& [d, share] : m.shell_coverage) {
    const double expected =
        d <= R - r ? 1.0 : (std::pow(R, 3) - std::pow(r, 3)) / (std::pow(r + d, 3) - std::pow(r, 3));
    EXPECT_NEAR(share, expected, 0.06) << "shell " << d << " mm";
  }
  EXPECT_NEAR(m.residual_ml, 0.0, 1e-9);
  EXPECT_EQ(m.residual_deep_ml, 0.0);
  EXPECT_TRUE(m.category_reason.empty());
  EXPECT_NEAR(m.volume_ml, 4.0 / 3.0 * M_PI * r * r * r / 1000.0,
              0.03 * 4.0 / 3.0 * M_PI * r * r * r / 1000.0);
}

TEST(MarginDistributionTest, ResidualVolumeOfATumourLeavingItsZone) {
  const double r = 8, R = 10, o = 6;  // tumour sticks 4 mm out of the zone
  const TumourMargin m = MeasureOffsetSpheres(r, R, o);
  // Intersection of two spheres (radii r, R, centres o apart).
  const double lens = M_PI * std::pow(R + r - o, 2) *
                      (o * o + 2 * o * r - 3 * r * r + 2 * o * R + 6 * r * R - 3 * R * R) / (12 * o);
  const double tumour = 4.0 / 3.0 * M_PI * r * r * r;
  EXPECT_NEAR(m.residual_ml, (tumour - lens) / 1000.0, 0.1 * (tumour - lens) / 1000.0);
  EXPECT_NEAR(m.residual_percent, 100.0 * (tumour - lens) / tumour, 2.0);
  EXPECT_EQ(m.category, MarginCategory::kIncomplete);
  EXPECT_GT(m.residual_deep_ml, 0.0);      // the part outside is deep tumour too,
  EXPECT_TRUE(m.category_reason.empty());  // but the margin itself says incomplete
  EXPECT_NEAR(m.min_margin_mm, R - o - r, 0.65);
}

// The zone holds a cavity inside the tumour (an unablated core, or a
// segmentation that left out the gas at the needle track): the tumour's
// surface lies 4 mm inside the zone, yet a third of a mL of tumour is not
// ablated. The surface margin alone read A2 (found by a review); the
// tumour is incomplete, and says why.
TEST(MarginDistributionTest, ATumourAroundACavityOfItsZoneIsIncomplete) {
  const double r = 8, R = 16, hole = 4.5;
  testing::Grid grid;
  grid.size = {50, 50, 50};
  grid.origin_mm = {-25, -25, -25};
  testing::MarginCase c(grid);
  const Vec3 centre{0.3, -0.2, 0.1};
  testing::Paint(*c.tumours, testing::Sphere(centre, r), 4);
  testing::Paint(*c.zone, testing::Sphere(centre, R), 1);
  testing::Paint(*c.zone, testing::Sphere(centre, hole), 0);
  const std::vector<TumourMargin> out = MeasureMargins(c.Inputs());
  ASSERT_EQ(out.size(), 1u);
  const TumourMargin& m = out[0];
  ASSERT_TRUE(m.assessable) << m.not_assessable_reason;
  EXPECT_NEAR(m.min_margin_mm, r - hole, 0.65);  // to the cavity's wall: A2 by the margin alone
  const double cavity_ml = 4.0 / 3.0 * M_PI * std::pow(hole, 3) / 1000.0;
  EXPECT_NEAR(m.residual_ml, cavity_ml, 0.1 * cavity_ml);
  EXPECT_NEAR(m.residual_deep_ml, m.residual_ml, 1e-9);  // every cavity voxel is over 3 mm deep
  EXPECT_EQ(m.category, MarginCategory::kIncomplete);
  EXPECT_NE(m.category_reason.find("cavity"), std::string::npos) << m.category_reason;
  EXPECT_NE(m.category_reason.find("A2"), std::string::npos) << m.category_reason;
}

// A pocket of 3 x 3 x 3 voxels (27 uL) in the zone, deep inside the tumour:
// gas or segmentation noise, not an unablated core. The residual reports
// it; the category stays the margin's.
TEST(MarginDistributionTest, ASmallPocketInTheZoneLeavesTheCategoryToTheMargin) {
  testing::Grid grid;
  grid.size = {50, 50, 50};
  grid.origin_mm = {-25, -25, -25};
  testing::MarginCase c(grid);
  testing::Paint(*c.tumours, testing::Sphere({0.3, -0.2, 0.1}, 8), 4);
  testing::Paint(*c.zone, testing::Sphere({0.3, -0.2, 0.1}, 15), 1);
  testing::Paint(
      *c.zone,
      [](const Vec3& p) { return std::abs(p[0]) < 1.6 && std::abs(p[1]) < 1.6 && std::abs(p[2]) < 1.6; }, 0);
  const TumourMargin m = MeasureMargins(c.Inputs())[0];
  // The nearer wall is the outer one (7 mm) or the pocket's (about 6.5 mm away): A1 either way.
  EXPECT_GT(m.min_margin_mm, 5.0);
  EXPECT_LT(m.min_margin_mm, 7.65);
  EXPECT_GT(m.residual_deep_ml, 0.0);
  EXPECT_LT(m.residual_deep_ml, 0.05);
  EXPECT_EQ(m.category, MarginCategory::kA1);
  EXPECT_TRUE(m.category_reason.empty()) << m.category_reason;
}

// A tumour touching the inside of its zone: its surface voxels may read
// partly outside the zone, but none deep inside it.
TEST(MarginDistributionTest, ATumourJustInsideItsZoneHasNoDeepResidual) {
  for (double offset : {3.6, 3.8, 4.0}) {  // margins 0.4, 0.2, 0 mm
    const TumourMargin m = MeasureOffsetSpheres(6, 10, offset);
    EXPECT_EQ(m.residual_deep_ml, 0.0);
    EXPECT_TRUE(m.category_reason.empty()) << m.category_reason;
  }
}

TEST(MarginDistributionTest, BorderlineNearAThresholdOnly) {
  // Margins 5.2 (within the 0.5 mm uncertainty of 5 on this 1 mm grid) and 7.5 (not).
  EXPECT_TRUE(MeasureOffsetSpheres(6, 11.2, 0.0).borderline);
  const TumourMargin clear = MeasureOffsetSpheres(6, 13.5, 0.0);
  EXPECT_FALSE(clear.borderline);
  EXPECT_NEAR(clear.uncertainty_mm, 0.5, 1e-9);
}

TEST(MarginDistributionTest, ConfigurableCoverageDistances) {
  MarginOptions options;
  options.coverage_mm = {2.5, 12};
  options.shell_mm = {3};
  const TumourMargin m = MeasureOffsetSpheres(6, 14, 0.0, options);
  ASSERT_EQ(m.surface_coverage.size(), 2u);
  EXPECT_NEAR(m.surface_coverage[0].second, 1.0, 1e-9);
  EXPECT_NEAR(m.surface_coverage[1].second, 0.0, 1e-9);
  ASSERT_EQ(m.shell_coverage.size(), 1u);
  EXPECT_NEAR(m.shell_coverage[0].second, 1.0, 1e-9);
}

// 80 x 80 x 80 voxels of 1 mm, voxel centres at whole millimetres +/- 0.5 around the origin.
testing::Grid CentredCube80() {
  testing::Grid grid;
  grid.size = {80, 80, 80};
  grid.origin_mm = {-39.5, -39.5, -39.5};
  return grid;
}

TEST(SubcapsularTest, PointsNearTheCapsuleAreLeftOut) {
  // Liver: sphere r 30. Tumour r 5 at x = 20 reaches x = 25, 5 mm under the
  // capsule; its zone (r 10 at x = 18) is thinnest there: 3 mm.
  const testing::Grid grid = CentredCube80();
  testing::MarginCase c(grid);
  auto liver = testing::MakeImage<MaskImage>(grid);
  testing::Paint(*c.tumours, testing::Sphere({20, 0, 0}, 5), 2);
  testing::Paint(*c.zone, testing::Sphere({18, 0, 0}, 10), 1);
  testing::Paint(*liver, testing::Sphere({0, 0, 0}, 30), 1);
  MarginInputs in = c.Inputs();
  in.liver = liver.GetPointer();
  const TumourMargin all = MeasureMargins(in)[0];
  in.options.subcapsular_mm = 7.0;
  const TumourMargin inner = MeasureMargins(in)[0];
  EXPECT_NEAR(all.min_margin_mm, 3.0, 0.65);
  EXPECT_EQ(all.subcapsular_points_excluded, 0u);
  EXPECT_GT(inner.subcapsular_points_excluded, 0u);
  EXPECT_LT(inner.subcapsular_points_excluded, all.surface_points);
  // Left: tumour points with |p| <= 23 mm. The thinnest of them lie on the
  // circle x = 22.6, radius 4.27 mm, where the margin is 10 - sqrt(4.6^2 + 18.24) = 3.72 mm.
  EXPECT_NEAR(inner.min_margin_mm, 3.72, 0.65);
  EXPECT_GT(inner.min_margin_mm, all.min_margin_mm + 0.4);
  EXPECT_LT(inner.min_point_lps_mm[0], 23.0);
}

// The zone stops 4 mm short of a subcapsular tumour's capsule side, whose
// surface points are left out: the unablated tumour there lies under them,
// not in a cavity, and the category stays the measured points' margin (the
// cavity rule used to say "a cavity of the zone"; found by a review).
TEST(SubcapsularTest, TumourLeftUnablatedUnderTheCapsuleIsNoCavity) {
  const testing::Grid grid = CentredCube80();
  testing::MarginCase c(grid);
  auto liver = testing::MakeImage<MaskImage>(grid);
  testing::Paint(*c.tumours, testing::Sphere({18, 0, 0}, 8), 2);  // reaches x = 26, 4 mm under the capsule
  testing::Paint(
      *c.zone,
      [](const Vec3& p) {
        return Norm(Sub(p, {16, 0, 0})) <= 14 && p[0] <= 22;
      },
      1);
  testing::Paint(*liver, testing::Sphere({0, 0, 0}, 30), 1);
  MarginInputs in = c.Inputs();
  in.liver = liver.GetPointer();
  in.options.subcapsular_mm = 9.0;  // points with |p| > 21 mm left out
  const TumourMargin m = MeasureMargins(in)[0];
  EXPECT_GT(m.subcapsular_points_excluded, 0u);
  EXPECT_GE(m.min_margin_mm, 0.0);
  EXPECT_GT(m.residual_deep_ml, 0.05);  // what made the cavity rule fire
  EXPECT_EQ(m.category, Categorize(m.min_margin_mm));
  EXPECT_TRUE(m.category_reason.empty()) << m.category_reason;
}

TEST(SubcapsularTest, ExclusionWithoutALiverMaskIsAUsageError) {
  testing::Grid grid;
  testing::MarginCase c(grid);
  testing::Paint(*c.tumours, testing::Sphere({10, 10, 10}, 3), 2);
  testing::Paint(*c.zone, testing::Sphere({10, 10, 10}, 6), 1);
  MarginInputs in = c.Inputs();
  in.options.subcapsular_mm = 5.0;
  try {
    MeasureMargins(in);
    FAIL() << "expected a usage error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
  }
}

TEST(ZoneMapTest, ATumourMappedToItsOwnZoneIgnoresTheOthers) {
  // Tumour 2 (r 4) sits in zone 1 (r 9, margin 5) and also deep inside the
  // large zone 2 (r 30 around the origin): the union hides its thin margin.
  const testing::Grid grid = CentredCube80();
  auto tumours = testing::MakeImage<LabelImage>(grid);
  auto zones = testing::MakeImage<LabelImage>(grid);
  testing::Paint(*zones, testing::Sphere({0, 0, 0}, 30), 2);
  testing::Paint(*zones, testing::Sphere({-10, 0, 0}, 9), 1);
  testing::Paint(*tumours, testing::Sphere({-10, 0, 0}, 4), 2);
  const MaskImage::Pointer all = UnionMask(*zones);
  MarginInputs in;
  in.tumours = tumours.GetPointer();
  in.ablation = all.GetPointer();
  in.ablation_labels = zones.GetPointer();
  const double with_union = MeasureMargins(in)[0].min_margin_mm;
  in.zones_for_tumour = {{2, {1}}};
  const double own_zone = MeasureMargins(in)[0].min_margin_mm;
  EXPECT_NEAR(with_union, 30 - 10 - 4, 0.65);  // nearest union boundary: the big sphere's
  EXPECT_NEAR(own_zone, 9 - 4, 0.65);
  in.zones_for_tumour = {{2, {7}}};  // a zone label that does not exist
  EXPECT_THROW(MeasureMargins(in), Error);
}

TEST(FieldOfViewTest, ATumourCutByTheMeasuringImageReportsItsVisibleShare) {
  // Tumour r 6 at the origin on its own grid; the zone's image ends at x = 2,
  // so the visible share of the sphere is 1 - (6 - 2) / 12 = 2/3.
  const testing::Grid tumour_grid = CentredCube80();
  auto tumours = testing::MakeImage<LabelImage>(tumour_grid);
  testing::Paint(*tumours, testing::Sphere({0.0, 0.0, 0.0}, 6), 2);
  testing::Grid zone_grid;
  zone_grid.size = {40, 60, 60};
  zone_grid.origin_mm = {-37.5, -29.5, -29.5};  // last voxel centre x = 1.5: the image ends at x = 2
  auto zone = testing::MakeImage<MaskImage>(zone_grid);
  testing::Paint(*zone, testing::Sphere({0, 0, 0}, 15), 1);
  MarginInputs in;
  in.tumours = tumours.GetPointer();
  in.ablation = zone.GetPointer();
  const TumourMargin m = MeasureMargins(in)[0];
  EXPECT_FALSE(m.assessable);
  EXPECT_NEAR(m.visible_surface_share, 2.0 / 3.0, 0.03);
  EXPECT_NE(m.not_assessable_reason.find("% of its surface visible"), std::string::npos)
      << m.not_assessable_reason;
}

}  // namespace
}  // namespace margo
