// Tiny synthetic images with chosen geometry, for unit tests.
#pragma once

#include <array>
#include <functional>

#include "core/geometry.h"
#include "core/image_types.h"

namespace margo::testing {

struct Grid {
  std::array<std::size_t, 3> size{20, 20, 20};
  Vec3 spacing_mm{1, 1, 1};
  Vec3 origin_mm{0, 0, 0};
  // Rotation about the z (S) axis, degrees; 0 = identity direction.
  double rotation_z_deg = 0.0;
};

template <typename TImage>
typename TImage::Pointer MakeImage(const Grid& grid, typename TImage::PixelType fill = 0);

// Fills every voxel whose centre (LPS mm) satisfies `inside` with `value`.
template <typename TImage>
void Paint(TImage& image, const std::function<bool(const Vec3&)>& inside,
           typename TImage::PixelType value);

std::function<bool(const Vec3&)> Sphere(const Vec3& centre_mm, double radius_mm);

// An ellipsoid with semi-axes `semi_axes_mm` along its own axes, turned by
// `angles_deg` about x, then y, then z (world = Rz Ry Rx * local).
std::function<bool(const Vec3&)> Ellipsoid(const Vec3& centre_mm, const Vec3& semi_axes_mm, const Vec3& angles_deg);

}  // namespace margo::testing
