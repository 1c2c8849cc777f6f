// Plain description of an image grid, independent of pixel type, and the
// world-space checks margo makes on it. Points are LPS millimetres.
#pragma once

#include <itkImageBase.h>

#include <array>
#include <string>

#include "core/vec3.h"

namespace margo {

struct ImageGeometry {
  std::array<std::size_t, 3> size{};  // voxels along i, j, k
  Vec3 spacing_mm{};                  // along i, j, k
  Vec3 origin_mm{};                   // LPS position of voxel (0,0,0)'s centre
  std::array<Vec3, 3> direction{};    // direction[r][c]: ITK convention (columns = axes)

  double VoxelVolumeMm3() const { return spacing_mm[0] * spacing_mm[1] * spacing_mm[2]; }
  // LPS point of the continuous index (i, j, k).
  Vec3 IndexToPoint(const Vec3& index) const;
};

struct WorldBox {
  Vec3 min_mm{};
  Vec3 max_mm{};
  bool Empty() const;
};

ImageGeometry GeometryOf(const itk::ImageBase<3>& image);
// Sets `image`'s spacing, origin and direction from `g` (not its regions).
void SetGeometry(itk::ImageBase<3>& image, const ImageGeometry& g);

// "512 x 512 x 129 voxels, spacing 0.57 x 0.57 x 1.60 mm, origin (..) mm, direction identity"
std::string Describe(const ImageGeometry& g);

// Axis-aligned LPS box covering the voxel extents (voxel centres +/- half a voxel).
WorldBox WorldBounds(const ImageGeometry& g);
WorldBox Intersect(const WorldBox& a, const WorldBox& b);
// `box` grown by `mm` on every side.
WorldBox Grown(WorldBox box, double mm);
// Distance (mm) from `p` to the nearest point of `box`; 0 inside it.
double DistanceToBox(const Vec3& p, const WorldBox& box);

// Voxel region of `image` for `box` (all 8 corners, in index space), cropped
// to the image: kCover, every voxel the box reaches into; kCentresInside,
// only voxels whose centres lie within the box (to a thousandth of a voxel).
enum class BoxRounding { kCover, kCentresInside };
itk::ImageRegion<3> RegionForBox(const itk::ImageBase<3>& image, const WorldBox& box,
                                 BoxRounding rounding = BoxRounding::kCover);

// Same size, and spacing/origin/direction within tolerance (mm, unitless).
bool SameGrid(const ImageGeometry& a, const ImageGeometry& b, double tolerance = 1e-3);

// Largest |dot| between distinct direction columns, and largest |norm - 1|.
double DirectionOrthogonalityError(const ImageGeometry& g);
// Largest DirectionOrthogonalityError margo accepts as a rotation.
inline constexpr double kDirectionTolerance = 1e-3;

}  // namespace margo
