// An allocated ITK image on a phantom grid (origin, spacing and direction from
// ImageGeometry), shared by the generators.
#pragma once

#include <itkImage.h>

#include "core/geometry.h"

namespace margo {

template <typename TImage>
typename TImage::Pointer AllocateOn(const ImageGeometry& g) {
  auto image = TImage::New();
  typename TImage::RegionType region;
  typename TImage::SpacingType spacing;
  typename TImage::PointType origin;
  typename TImage::DirectionType direction;
  for (int a = 0; a < 3; ++a) {
    region.SetSize(a, g.size[a]);
    spacing[a] = g.spacing_mm[a];
    origin[a] = g.origin_mm[a];
    for (int c = 0; c < 3; ++c) direction[a][c] = g.direction[a][c];
  }
  image->SetRegions(region);
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(direction);
  image->Allocate();
  return image;
}

}  // namespace margo
