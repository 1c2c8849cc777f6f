// Sub-voxel margins against the closed form R - |d| - r for sphere tumours
// in sphere ablation zones. A binary mask cannot place a surface that is
// aligned with the grid (a sphere's pole) closer than its voxel face, so when
// the tumour's and the zone's poles line up the errors add: measured -0.60 x
// the largest spacing for concentric spheres on 0.7 x 0.7 x 2.5 mm, at most
// 0.41 x elsewhere in this table. Tolerance: 0.65 x the largest spacing.
#include "margin/tumour_margin.h"

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

#include <cmath>
#include <cstdio>

#include "tests/support/synthetic.h"

namespace margo {
namespace {

struct SphereCase {
  const char* name;
  Vec3 spacing_mm;
  double tumour_radius_mm, zone_radius_mm, offset_mm;  // zone centre offset along x+z
  MarginCategory expected;
};

std::ostream& operator<<(std::ostream& out, const SphereCase& c) { return out << c.name; }

// Test names from the case names: letters and digits only.
std::string CaseName(const ::testing::TestParamInfo<SphereCase>& info) {
  std::string name = info.param.name;
  for (char& ch : name) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return name;
}

class SphereMarginTest : public ::testing::TestWithParam<SphereCase> {};

TEST_P(SphereMarginTest, MatchesClosedFormWithinTwoThirdsOfAVoxel) {
  const SphereCase& c = GetParam();
  testing::Grid grid;
  grid.spacing_mm = c.spacing_mm;
  for (int a = 0; a < 3; ++a) {
    grid.size[a] = static_cast<std::size_t>(std::ceil(80.0 / c.spacing_mm[a]));
    grid.origin_mm[a] = -40.0;
  }
  auto tumours = testing::MakeImage<LabelImage>(grid);
  auto zone = testing::MakeImage<MaskImage>(grid);
  const double o = c.offset_mm / std::sqrt(2.0);
  testing::Paint(*tumours, testing::Sphere({0.3, -0.2, 0.1}, c.tumour_radius_mm), 7);
  testing::Paint(*zone, testing::Sphere({0.3 + o, -0.2, 0.1 + o}, c.zone_radius_mm), 1);

  MarginInputs in;
  in.tumours = tumours.GetPointer();
  in.ablation = zone.GetPointer();
  in.expected_labels = {7};
  const std::vector<TumourMargin> out = MeasureMargins(in);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].assessable) << out[0].not_assessable_reason;
  const double truth = c.zone_radius_mm - c.offset_mm - c.tumour_radius_mm;
  const double h = std::max({c.spacing_mm[0], c.spacing_mm[1], c.spacing_mm[2]});
  EXPECT_NEAR(out[0].min_margin_mm, truth, 0.65 * h) << c.name;
  std::printf("%-24s truth %6.2f measured %6.2f error %+.3f mm (%.2f voxel)\n", c.name, truth,
              out[0].min_margin_mm, out[0].min_margin_mm - truth, (out[0].min_margin_mm - truth) / h);
  EXPECT_EQ(out[0].category, c.expected) << c.name;
  EXPECT_EQ(out[0].label, 7);
}

INSTANTIATE_TEST_SUITE_P(
    Spheres, SphereMarginTest,
    ::testing::Values(SphereCase{"concentric 1mm", {1, 1, 1}, 8, 20, 0, MarginCategory::kA0},
                      SphereCase{"offset 1mm", {1, 1, 1}, 6, 16, 3, MarginCategory::kA1},
                      SphereCase{"offset A2 1mm", {1, 1, 1}, 6, 11, 2.5, MarginCategory::kA2},
                      SphereCase{"leaving zone 1mm", {1, 1, 1}, 6, 9, 6, MarginCategory::kIncomplete},
                      SphereCase{"concentric aniso", {0.7, 0.7, 2.5}, 8, 22, 0, MarginCategory::kA0},
                      SphereCase{"offset aniso", {0.7, 0.7, 2.5}, 7, 16, 1.5, MarginCategory::kA1},
                      SphereCase{"leaving zone aniso", {0.7, 0.7, 2.5}, 6, 9, 7, MarginCategory::kIncomplete},
                      SphereCase{"large zone 1.6x1.6x2", {1.6, 1.6, 2.0}, 8, 22.5, 0, MarginCategory::kA0},
                      SphereCase{"large zone 1mm", {1, 1, 1}, 8, 22.5, 0, MarginCategory::kA0}),
    CaseName);

TEST(TumourMarginTest, MissingAndBorderTumoursAreNotAssessable) {
  testing::Grid grid;
  grid.size = {30, 30, 30};
  auto tumours = testing::MakeImage<LabelImage>(grid);
  auto zone = testing::MakeImage<MaskImage>(grid);
  testing::Paint(*tumours, testing::Sphere({2, 15, 15}, 4), 3);  // touches i = 0
  testing::Paint(*zone, testing::Sphere({15, 15, 15}, 10), 1);
  MarginInputs in;
  in.tumours = tumours.GetPointer();
  in.ablation = zone.GetPointer();
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
  auto tumours = testing::MakeImage<LabelImage>(grid);
  auto zone = testing::MakeImage<MaskImage>(grid);
  testing::Paint(*tumours, testing::Sphere({0, 0, 0}, 4), 2);
  testing::Paint(*zone, testing::Sphere({0, 0, 0}, 12), 1);
  MarginInputs in;
  in.tumours = tumours.GetPointer();
  in.ablation = zone.GetPointer();
  const std::vector<TumourMargin> out = MeasureMargins(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].assessable);
  EXPECT_NE(out[0].not_assessable_reason.find("cut by the edge"), std::string::npos) << out[0].not_assessable_reason;
}

TEST(TumourMarginTest, TwoTumoursInOneZoneEachGetTheirOwnMargin) {
  testing::Grid grid;
  grid.size = {60, 40, 40};
  grid.origin_mm = {-30, -20, -20};
  auto tumours = testing::MakeImage<LabelImage>(grid);
  auto zone = testing::MakeImage<MaskImage>(grid);
  testing::Paint(*tumours, testing::Sphere({-6, 0, 0}, 4), 2);
  testing::Paint(*tumours, testing::Sphere({7, 0, 0}, 4), 3);
  testing::Paint(*zone, testing::Sphere({0, 0, 0}, 17), 1);
  MarginInputs in;
  in.tumours = tumours.GetPointer();
  in.ablation = zone.GetPointer();
  in.expected_labels = {2, 3};
  const std::vector<TumourMargin> out = MeasureMargins(in);
  ASSERT_EQ(out.size(), 2u);
  // One zone of radius 17 mm: 17 - 6 - 4 = 7 mm and 17 - 7 - 4 = 6 mm.
  EXPECT_NEAR(out[0].min_margin_mm, 7.0, 1.0);
  EXPECT_NEAR(out[1].min_margin_mm, 6.0, 1.0);
}

}  // namespace
}  // namespace margo
