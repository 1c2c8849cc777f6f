// Sign and units of the two signed distances margo computes, on anisotropic
// and rotated grids, against a slab: its boundary is the plane of voxel
// faces between index 9 (inside) and 10 (outside), so the distance from
// continuous index k along the slab's axis is (9.5 - k) x spacing.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <memory>
#include <ostream>
#include <string>

#include "margin/distance_map.h"
#include "margin/surface.h"
#include "tests/support/case_name.h"
#include "tests/support/synthetic.h"

namespace margo {
namespace {

struct SlabCase {
  const char* name;
  int axis;  // the slab is index[axis] < 10 (inside)
  double rotation_z_deg;
};

std::ostream& operator<<(std::ostream& out, const SlabCase& c) { return out << c.name; }

class SlabDistanceTest : public ::testing::TestWithParam<SlabCase> {
 protected:
  // 60 x 60 x 24 voxels of 0.7 x 0.7 x 2.5 mm; the slab spans the image
  // across the other two axes.
  static MaskImage::Pointer SlabMask(const SlabCase& c) {
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
    return mask;
  }
  // The centre of the image across the slab, index k along its axis.
  static itk::ContinuousIndex<double, 3> Probe(const SlabCase& c, double k) {
    itk::ContinuousIndex<double, 3> ci;
    ci[0] = ci[1] = 29.5;
    ci[2] = 12.0;
    ci[c.axis] = k;
    return ci;
  }
};

TEST_P(SlabDistanceTest, FaceDistanceAtVoxelCentresIsExact) {
  const SlabCase& c = GetParam();
  const MaskImage::Pointer mask = SlabMask(c);
  const FloatImage::Pointer d = SignedDistanceMm(*mask);
  const double h = mask->GetSpacing()[c.axis];
  for (int k : {2, 5, 9, 10, 13, 17}) {
    const auto ci = Probe(c, k);
    FloatImage::IndexType index;
    for (int a = 0; a < 3; ++a) index[a] = static_cast<long>(ci[a] + 0.5);
    EXPECT_NEAR(d->GetPixel(index), (9.5 - k) * h, 1e-4) << c.name << " index " << k;
  }
}

TEST_P(SlabDistanceTest, SurfaceDistanceBetweenVoxelCentresIsExact) {
  const SlabCase& c = GetParam();
  const MaskImage::Pointer mask = SlabMask(c);
  const std::unique_ptr<Surface> surface = Surface::OfMask(*mask);
  ASSERT_TRUE(surface);
  const double h = mask->GetSpacing()[c.axis];
  // Nearer to the plane than to the slab's sides at the image border.
  for (double k : {6.0, 8.25, 9.0, 10.0, 10.6, 12.0}) {
    MaskImage::PointType p;
    mask->TransformContinuousIndexToPhysicalPoint(Probe(c, k), p);
    EXPECT_NEAR(surface->SignedMm({p[0], p[1], p[2]}), (9.5 - k) * h, 0.02) << c.name << " index " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Anisotropic, SlabDistanceTest,
    ::testing::Values(SlabCase{"slab across i (0.7 mm)", 0, 0.0}, SlabCase{"slab across k (2.5 mm)", 2, 0.0},
                      SlabCase{"slab across k, grid rotated 30 deg", 2, 30.0},
                      SlabCase{"slab across i, grid rotated 30 deg", 0, 30.0}),
    testing::CaseName<SlabCase>);

// A sphere of radius 10 mm centred at the origin, between voxel centres, on
// 60 x 60 x 20 voxels of 0.7 x 0.7 x 2.5 mm.
MaskImage::Pointer SphereMask() {
  testing::Grid grid;
  grid.size = {60, 60, 20};
  grid.spacing_mm = {0.7, 0.7, 2.5};
  grid.origin_mm = {-20.65, -20.65, -23.75};  // voxel (29.5, 29.5, 9.5) at (0,0,0)
  auto mask = testing::MakeImage<MaskImage>(grid);
  testing::Paint(*mask, testing::Sphere({0, 0, 0}, 10.0), 1);
  return mask;
}

TEST(SphereDistanceTest, FaceDistanceWithinHalfASliceOfAnalytic) {
  const MaskImage::Pointer mask = SphereMask();
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

// A binary mask cannot place a surface aligned with the grid (the sphere's
// poles) closer than the voxel face: error up to half a slice there.
TEST(SphereDistanceTest, SurfaceDistanceWithinHalfASliceOfAnalytic) {
  const MaskImage::Pointer mask = SphereMask();
  const std::unique_ptr<Surface> d = Surface::OfMask(*mask);
  ASSERT_TRUE(d);
  const Vec3 probes[] = {{0, 0, 0}, {3, -2, 4}, {0, 0, 8.7}, {7.5, 0, 0}, {0, 0, 12.0}, {9, 9, 0}, {-14, 3, 1}};
  for (const Vec3& p : probes) {
    const double expected = 10.0 - std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    EXPECT_NEAR(d->SignedMm(p), expected, 0.5 * 2.5) << p[0] << ", " << p[1] << ", " << p[2];
  }
}

}  // namespace
}  // namespace margo
