#include "tests/support/synthetic.h"

#include <itkImageRegionIteratorWithIndex.h>

#include <cmath>

namespace margo::testing {

template <typename TImage>
typename TImage::Pointer MakeImage(const Grid& grid, typename TImage::PixelType fill) {
  auto image = TImage::New();
  typename TImage::RegionType region;
  typename TImage::SpacingType spacing;
  typename TImage::PointType origin;
  typename TImage::DirectionType direction;
  direction.SetIdentity();
  const double a = grid.rotation_z_deg * M_PI / 180.0;
  direction[0][0] = std::cos(a);
  direction[0][1] = -std::sin(a);
  direction[1][0] = std::sin(a);
  direction[1][1] = std::cos(a);
  for (int i = 0; i < 3; ++i) {
    region.SetSize(i, grid.size[i]);
    spacing[i] = grid.spacing_mm[i];
    origin[i] = grid.origin_mm[i];
  }
  image->SetRegions(region);
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(direction);
  image->Allocate();
  image->FillBuffer(fill);
  return image;
}

template <typename TImage>
void Paint(TImage& image, const std::function<bool(const Vec3&)>& inside,
           typename TImage::PixelType value) {
  itk::ImageRegionIteratorWithIndex<TImage> it(&image, image.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    typename TImage::PointType p;
    image.TransformIndexToPhysicalPoint(it.GetIndex(), p);
    if (inside({p[0], p[1], p[2]})) it.Set(value);
  }
}

std::function<bool(const Vec3&)> Sphere(const Vec3& centre_mm, double radius_mm) {
  return [centre_mm, radius_mm](const Vec3& p) {
    const double dx = p[0] - centre_mm[0], dy = p[1] - centre_mm[1], dz = p[2] - centre_mm[2];
    return dx * dx + dy * dy + dz * dz <= radius_mm * radius_mm;
  };
}

std::function<bool(const Vec3&)> Ellipsoid(const Vec3& centre_mm, const Vec3& semi_axes_mm, const Vec3& angles_deg) {
  const double cx = std::cos(angles_deg[0] * M_PI / 180), sx = std::sin(angles_deg[0] * M_PI / 180);
  const double cy = std::cos(angles_deg[1] * M_PI / 180), sy = std::sin(angles_deg[1] * M_PI / 180);
  const double cz = std::cos(angles_deg[2] * M_PI / 180), sz = std::sin(angles_deg[2] * M_PI / 180);
  // Rows of R = Rz Ry Rx; local = R^T (p - centre), so local[i] = column i of R dotted with p - centre.
  const double r[3][3] = {{cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx},
                          {sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx},
                          {-sy, cy * sx, cy * cx}};
  return [=](const Vec3& p) {
    const double d[3] = {p[0] - centre_mm[0], p[1] - centre_mm[1], p[2] - centre_mm[2]};
    double sum = 0.0;
    for (int i = 0; i < 3; ++i) {
      const double local = r[0][i] * d[0] + r[1][i] * d[1] + r[2][i] * d[2];
      sum += local * local / (semi_axes_mm[i] * semi_axes_mm[i]);
    }
    return sum <= 1.0;
  };
}

template CtImage::Pointer MakeImage<CtImage>(const Grid&, float);
template LabelImage::Pointer MakeImage<LabelImage>(const Grid&, std::uint16_t);
template MaskImage::Pointer MakeImage<MaskImage>(const Grid&, std::uint8_t);
template void Paint<CtImage>(CtImage&, const std::function<bool(const Vec3&)>&, float);
template void Paint<LabelImage>(LabelImage&, const std::function<bool(const Vec3&)>&, std::uint16_t);
template void Paint<MaskImage>(MaskImage&, const std::function<bool(const Vec3&)>&, std::uint8_t);

}  // namespace margo::testing
