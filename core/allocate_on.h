// An allocated ITK image on a grid described by ImageGeometry.
#pragma once

#include <itkImage.h>

#include "core/geometry.h"

namespace margo {

// Size, spacing, origin and direction from `g`; pixels left uninitialised.
template <typename TImage>
typename TImage::Pointer AllocateOn(const ImageGeometry& g) {
  auto image = TImage::New();
  typename TImage::RegionType region;
  for (int a = 0; a < 3; ++a) region.SetSize(a, g.size[a]);
  image->SetRegions(region);
  SetGeometry(*image, g);
  image->Allocate();
  return image;
}

}  // namespace margo
