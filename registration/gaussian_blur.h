// A Gaussian blur for the registration's level images and the margin
// kernel's masks: truncated at 3 sigma, done
// as multiply-adds over whole rows and slices so that the compiler
// vectorises them; several times faster than ITK's recursive Gaussian on
// the CT crops, and the same bits at any thread count.
#pragma once

#include <array>

#include "core/image_types.h"

namespace margo {

// What the blur takes beyond the image's ends.
enum class BlurEdge {
  kRenormalise,  // nothing: the taps inside are renormalised (edges keep their brightness)
  kZero,         // zeros (a mask cropped with a margin of zeros: margin/surface.h)
};

// `image` smoothed by a Gaussian of `sigma_voxels` along each index axis (an
// axis whose sigma is under 0.1 voxel is left as it is). Returns a new image
// on the same grid.
CtImage::Pointer GaussianBlurVoxels(const CtImage& image, const std::array<double, 3>& sigma_voxels,
                                    BlurEdge edge);

// `image` smoothed by an isotropic Gaussian of `sigma_mm` (per axis
// sigma_mm / spacing voxels), edges renormalised.
CtImage::Pointer GaussianBlur(const CtImage& image, double sigma_mm);

}  // namespace margo
