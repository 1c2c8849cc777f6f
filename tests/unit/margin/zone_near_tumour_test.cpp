// The zone pieces a tumour is measured against: whole connected pieces near
// it, never a piece cut at the reach, never a far piece.
#include "margin/zone_near_tumour.h"

#include <gtest/gtest.h>

#include "margin/tumour_margin.h"
#include "tests/support/margin_case.h"
#include "tests/support/synthetic.h"

namespace margo {
namespace {

TEST(ZonePiecesNearTest, KeepsWholePiecesWithinReachOnly) {
  testing::Grid grid;
  grid.size = {120, 40, 40};
  grid.origin_mm = {-60, -20, -20};
  auto zone = testing::MakeImage<MaskImage>(grid);
  testing::Paint(*zone, testing::Sphere({-35, 0, 0}, 15), 1);  // spans x -50..-20
  testing::Paint(*zone, testing::Sphere({40, 0, 0}, 8), 1);    // x 32..48
  const WorldBox tumour{{-37, -2, -2}, {-33, 2, 2}};

  const MaskImage::Pointer near = ZonePiecesNear(*zone, tumour, 10.0);
  ASSERT_TRUE(near);
  EXPECT_EQ(near->GetLargestPossibleRegion(), zone->GetLargestPossibleRegion());
  const auto held = near->GetBufferedRegion();
  // The whole near sphere (x -50..-20 mm: index 10..40), though the reach ends at -47 and -23.
  EXPECT_EQ(held.GetIndex(0), 10);
  EXPECT_EQ(held.GetIndex(0) + long(held.GetSize(0)) - 1, 40);

  const MaskImage::Pointer both = ZonePiecesNear(*zone, tumour, 70.0);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->GetBufferedRegion().GetIndex(0) + long(both->GetBufferedRegion().GetSize(0)) - 1, 108);
  EXPECT_FALSE(ZonePiecesNear(*zone, WorldBox{{5, -2, -2}, {9, 2, 2}}, 5.0));
}

TEST(ZonePiecesNearTest, DeepTumourInALargeZoneKeepsItsFullMargin) {
  // Tumour r 4 at the centre of a zone r 28: margin 24 mm, beyond the
  // default reach (15 mm): the piece is whole, so the margin is not cut.
  testing::Grid grid;
  grid.size = {70, 70, 70};
  grid.origin_mm = {-34.6, -34.4, -34.3};
  testing::MarginCase c(grid);
  testing::Paint(*c.tumours, testing::Sphere({0, 0, 0}, 4), 2);
  testing::Paint(*c.zone, testing::Sphere({0, 0, 0}, 28), 1);
  MarginInputs in = c.Inputs();
  const std::vector<TumourMargin> out = MeasureMargins(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NEAR(out[0].min_margin_mm, 24.0, 0.5);
  EXPECT_NEAR(out[0].p50_mm, 24.0, 0.5);
}

}  // namespace
}  // namespace margo
