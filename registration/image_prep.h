// Preparing CT images for a registration metric: a soft-tissue intensity
// window and crops to regions of interest (LPS boxes).
#pragma once

#include <optional>

#include "core/geometry.h"
#include "core/image_types.h"

namespace margo {

// Intensities clamped to [low, high] HU and scaled to [0, 1].
CtImage::Pointer WindowHu(const CtImage& image, double low_hu, double high_hu);

// `image` cropped to `roi` grown by `margin_mm` (see Crop), windowed as
// WindowHu: one copy of the region, none of the whole image.
CtImage::Pointer CropAndWindow(const CtImage& image, const std::optional<WorldBox>& roi, double margin_mm,
                               double low_hu, double high_hu);

// One level of a resolution pyramid: `image` averaged over blocks of voxels
// (per axis the whole factor nearest to spacing_mm / spacing, at least 1),
// then smoothed so that block and Gaussian together blur by about
// `sigma_mm`. A registration level then works on a small image instead of
// smoothing the full-resolution one (what ITK's multi-level method does).
CtImage::Pointer PyramidLevel(const CtImage& image, double spacing_mm, double sigma_mm);

// Voxel region of `image` covering `box` (all 8 corners), cropped to the image.
itk::ImageRegion<3> RegionForBox(const itk::ImageBase<3>& image, const WorldBox& box);

// `image` cropped to `roi` grown by `margin_mm`; the image itself when there
// is no roi or the crop would be thinner than 8 voxels along an axis.
CtImage::Pointer Crop(const CtImage& image, const std::optional<WorldBox>& roi, double margin_mm);

}  // namespace margo
