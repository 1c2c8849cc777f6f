// Sign and units of the signed distance to a mask's surface on anisotropic,
// rotated grids, against distances known in closed form: a slab (its surface
// is the plane of voxel faces) and a sphere.
#include "margin/surface.h"

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

#include <cmath>

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
  grid.size = {60, 60, 24};
  grid.spacing_mm = {0.7, 0.7, 2.5};
  grid.rotation_z_deg = c.rotation_z_deg;
  auto mask = testing::MakeImage<MaskImage>(grid);
  MaskImage::IndexType index;
  for (index[2] = 0; index[2] < 24; ++index[2]) {
    for (index[1] = 0; index[1] < 60; ++index[1]) {
      for (index[0] = 0; index[0] < 60; ++index[0]) mask->SetPixel(index, index[c.axis] < 10 ? 1 : 0);
    }
  }
  const SurfaceDistance d(*mask);
  const double h = grid.spacing_mm[c.axis];
  // The surface is the plane of faces between index 9 (inside) and 10
  // (outside); probe at voxel centres and between them, nearer to that plane
  // than to the slab's sides at the image border.
  for (double k : {6.0, 8.25, 9.0, 10.0, 10.6, 12.0}) {
    itk::ContinuousIndex<double, 3> ci;
    ci[0] = ci[1] = 29.5;
    ci[2] = 12.0;
    ci[c.axis] = k;
    MaskImage::PointType p;
    mask->TransformContinuousIndexToPhysicalPoint(ci, p);
    EXPECT_NEAR(d.SignedMm({p[0], p[1], p[2]}), (9.5 - k) * h, 0.02) << c.name << " index " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Anisotropic, SlabDistanceTest,
    ::testing::Values(SlabCase{"slab across i (0.7 mm)", 0, 0.0}, SlabCase{"slab across k (2.5 mm)", 2, 0.0},
                      SlabCase{"slab across k, grid rotated 30 deg", 2, 30.0},
                      SlabCase{"slab across i, grid rotated 30 deg", 0, 30.0}),
    CaseName);

// A binary mask cannot place a surface aligned with the grid (the sphere's
// poles) closer than the voxel face: error up to half a slice there.
TEST(SphereDistanceTest, InsideAndOutsidePointsMatchTheSphereWithinHalfASlice) {
  testing::Grid grid;
  grid.size = {60, 60, 20};
  grid.spacing_mm = {0.7, 0.7, 2.5};
  grid.origin_mm = {-20.65, -20.65, -23.75};  // voxel (29.5, 29.5, 9.5) at (0,0,0)
  auto mask = testing::MakeImage<MaskImage>(grid);
  testing::Paint(*mask, testing::Sphere({0, 0, 0}, 10.0), 1);
  const SurfaceDistance d(*mask);
  const Vec3 probes[] = {{0, 0, 0}, {3, -2, 4}, {0, 0, 8.7}, {7.5, 0, 0}, {0, 0, 12.0}, {9, 9, 0}, {-14, 3, 1}};
  for (const Vec3& p : probes) {
    const double expected = 10.0 - std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    EXPECT_NEAR(d.SignedMm(p), expected, 0.5 * 2.5) << p[0] << ", " << p[1] << ", " << p[2];
  }
}

}  // namespace
}  // namespace margo
