// Preparing CT images for a registration metric: a soft-tissue intensity
// window and crops to regions of interest (LPS boxes).
#pragma once

#include <optional>

#include "core/geometry.h"
#include "core/image_types.h"

namespace margo {

// Intensities clamped to [low, high] HU and scaled to [0, 1].
CtImage::Pointer WindowHu(const CtImage& image, double low_hu, double high_hu);

// Voxel region of `image` covering `box` (all 8 corners), cropped to the image.
itk::ImageRegion<3> RegionForBox(const itk::ImageBase<3>& image, const WorldBox& box);

// `image` cropped to `roi` grown by `margin_mm`; the image itself when there
// is no roi or the crop would be thinner than 8 voxels along an axis.
CtImage::Pointer Crop(const CtImage& image, const std::optional<WorldBox>& roi, double margin_mm);

}  // namespace margo
