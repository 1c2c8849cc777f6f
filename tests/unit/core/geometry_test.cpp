#include "core/geometry.h"

#include <gtest/gtest.h>

#include "core/image_types.h"
#include "tests/support/synthetic.h"

namespace margo {
namespace {

TEST(GeometryTest, IndexToPointHonoursSpacingAndDirection) {
  testing::Grid grid;
  grid.spacing_mm = {0.7, 0.7, 2.5};
  grid.origin_mm = {10, 20, 30};
  grid.rotation_z_deg = 90.0;
  const ImageGeometry g = GeometryOf(*testing::MakeImage<CtImage>(grid));
  const Vec3 p = g.IndexToPoint({2, 0, 4});
  // i axis points along +P after a 90 degree rotation about S.
  EXPECT_NEAR(p[0], 10.0, 1e-9);
  EXPECT_NEAR(p[1], 20.0 + 1.4, 1e-9);
  EXPECT_NEAR(p[2], 30.0 + 10.0, 1e-9);
}

TEST(GeometryTest, WorldBoundsCoverHalfVoxelBeyondCentres) {
  testing::Grid grid;
  grid.size = {10, 20, 4};
  grid.spacing_mm = {1.0, 0.5, 2.0};
  const WorldBox b = WorldBounds(GeometryOf(*testing::MakeImage<CtImage>(grid)));
  EXPECT_NEAR(b.min_mm[0], -0.5, 1e-9);
  EXPECT_NEAR(b.max_mm[0], 9.5, 1e-9);
  EXPECT_NEAR(b.min_mm[1], -0.25, 1e-9);
  EXPECT_NEAR(b.max_mm[1], 9.75, 1e-9);
  EXPECT_NEAR(b.max_mm[2], 7.0, 1e-9);
}

TEST(GeometryTest, IntersectionOfDisjointBoxesIsEmpty) {
  WorldBox a{{0, 0, 0}, {10, 10, 10}};
  WorldBox b{{20, 0, 0}, {30, 10, 10}};
  EXPECT_TRUE(Intersect(a, b).Empty());
  WorldBox c{{5, 5, 5}, {30, 10, 10}};
  const WorldBox common = Intersect(a, c);
  EXPECT_FALSE(common.Empty());
  for (int axis = 0; axis < 3; ++axis) {
    EXPECT_EQ(common.min_mm[axis], 5.0);
    EXPECT_EQ(common.max_mm[axis], 10.0);
  }
}

TEST(GeometryTest, SameGridDetectsEachDifference) {
  testing::Grid grid;
  const ImageGeometry g = GeometryOf(*testing::MakeImage<CtImage>(grid));
  EXPECT_TRUE(SameGrid(g, g));
  ImageGeometry other = g;
  other.origin_mm[2] += 0.5;
  EXPECT_FALSE(SameGrid(g, other));
  other = g;
  other.spacing_mm[0] = 1.1;
  EXPECT_FALSE(SameGrid(g, other));
  other = g;
  other.size[1] = 21;
  EXPECT_FALSE(SameGrid(g, other));
  other = g;
  other.direction[0][0] = -1.0;
  EXPECT_FALSE(SameGrid(g, other));
}

TEST(GeometryTest, OrthogonalityErrorOfShearedDirection) {
  ImageGeometry g;
  g.direction = {Vec3{1, 0, 0}, Vec3{0, 1, 0}, Vec3{0, 0, 1}};
  EXPECT_NEAR(DirectionOrthogonalityError(g), 0.0, 1e-12);
  g.direction[0][1] = 0.2;  // column 1 tilted towards L
  EXPECT_GT(DirectionOrthogonalityError(g), 0.03);
}

}  // namespace
}  // namespace margo
