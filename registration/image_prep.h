// Preparing CT images for a registration metric: a soft-tissue intensity
// window and crops to regions of interest (LPS boxes).
#pragma once

#include <optional>

#include "core/geometry.h"
#include "core/image_types.h"

namespace margo {

// `image` cropped to `roi` grown by `margin_mm` (all of it when there is no
// roi or the crop would be thinner than 8 voxels along an axis), with its
// intensities clamped to [low, high] HU and scaled to [0, 1], in one pass on
// ITK's threads (as ITK's region-of-interest and intensity-window filters
// would give it, in two). The crop's first voxel is its index 0.
CtImage::Pointer CropWindowed(const CtImage& image, const std::optional<WorldBox>& roi, double margin_mm,
                              double low_hu, double high_hu);

}  // namespace margo
