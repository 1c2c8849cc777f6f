// Sign and units of the signed distance map on anisotropic, rotated grids,
// against distances known in closed form (a slab: distance = steps x spacing).
#include "margin/distance_map.h"

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

#include "tests/support/synthetic.h"

namespace margo {
namespace {

struct SlabCase {
  const char* name;
  int axis;        // the slab is index[axis] < 10 (inside)
  double rotation_z_deg;
};

std::ostream& operator<<(std::ostream& out, const SlabCase& c) { return out << c.name; }

// Test names from the case names: letters and digits only.
std::string CaseName(const ::testing::TestParamInfo<SlabCase>& info) {
  std::string name = info.param.name;
  for (char& ch : name) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return name;
}

class SlabDistanceTest : public ::testing::TestWithParam<SlabCase> {};

TEST_P(SlabDistanceTest, PositiveInsideNegativeOutsideInMillimetres) {
  const SlabCase& c = GetParam();
  testing::Grid grid;
  grid.size = {24, 24, 20};
  grid.spacing_mm = {0.7, 0.7, 2.5};
  grid.rotation_z_deg = c.rotation_z_deg;
  auto mask = testing::MakeImage<MaskImage>(grid);
  MaskImage::IndexType index;
  for (index[2] = 0; index[2] < 20; ++index[2]) {
    for (index[1] = 0; index[1] < 24; ++index[1]) {
      for (index[0] = 0; index[0] < 24; ++index[0]) mask->SetPixel(index, index[c.axis] < 10 ? 1 : 0);
    }
  }
  const FloatImage::Pointer d = SignedDistanceMm(*mask);
  const double h = grid.spacing_mm[c.axis];
  FloatImage::IndexType probe{{12, 12, 12}};
  // Zero level on the faces between index 9 (inside) and 10 (outside).
  for (int k : {2, 5, 9, 10, 13, 17}) {
    probe[c.axis] = k;
    EXPECT_NEAR(d->GetPixel(probe), (9.5 - k) * h, 1e-4) << c.name << " index " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Anisotropic, SlabDistanceTest,
    ::testing::Values(SlabCase{"slab across i (0.7 mm)", 0, 0.0}, SlabCase{"slab across k (2.5 mm)", 2, 0.0},
                      SlabCase{"slab across k, grid rotated 30 deg", 2, 30.0},
                      SlabCase{"slab across i, grid rotated 30 deg", 0, 30.0}),
    CaseName);

TEST(SphereDistanceTest, InsideAndOutsidePointsWithinHalfASliceOfAnalytic) {
  testing::Grid grid;
  grid.size = {60, 60, 20};
  grid.spacing_mm = {0.7, 0.7, 2.5};
  grid.origin_mm = {-20.65, -20.65, -23.75};  // voxel (29.5, 29.5, 9.5) at (0,0,0)
  auto mask = testing::MakeImage<MaskImage>(grid);
  testing::Paint(*mask, testing::Sphere({0, 0, 0}, 10.0), 1);
  const FloatImage::Pointer d = SignedDistanceMm(*mask);
  FloatImage::PointType centre, outside;
  centre.Fill(0.0);
  outside[0] = 17.85;  // voxel i = 55
  outside[1] = 0.35;
  outside[2] = 1.25;
  FloatImage::IndexType i_centre, i_outside;
  ASSERT_TRUE(d->TransformPhysicalPointToIndex(centre, i_centre));
  ASSERT_TRUE(d->TransformPhysicalPointToIndex(outside, i_outside));
  // Distance to the sphere from the probed voxel centre, within the
  // staircase error of the voxelised boundary (about half the 2.5 mm slice).
  FloatImage::PointType probe;
  d->TransformIndexToPhysicalPoint(i_centre, probe);
  const double expected = 10.0 - probe.EuclideanDistanceTo(centre);
  EXPECT_NEAR(d->GetPixel(i_centre), expected, 0.6 * 2.5);
  EXPECT_GT(d->GetPixel(i_centre), 0.0);
  EXPECT_NEAR(d->GetPixel(i_outside), -(17.85 - 10.0), 1.0);
}

}  // namespace
}  // namespace margo
