// Putting a label map on the grid of its CT. Segmentations often come on
// another grid (cropped, resampled, exported by another tool); margo checks
// that the two overlap in world space and resamples by nearest neighbour.
#pragma once

#include <string>

#include <itkTransform.h>

#include "core/image_types.h"
#include "core/log.h"

namespace margo {

struct GridInput {
  std::string role;  // "tumour labels", "pre CT"
  std::string path;
};

// Returns `labels` unchanged if it is on `reference`'s grid; otherwise the
// labels resampled (nearest neighbour) onto that grid. Throws
// Error(kGeometryInvalid) if the two do not overlap in world space.
LabelImage::Pointer PutLabelsOnGrid(const LabelImage::Pointer& labels, const GridInput& labels_input,
                                    const itk::ImageBase<3>& reference, const GridInput& reference_input,
                                    Log& log);

// `labels` resampled by nearest neighbour onto `grid`; `output_to_input` maps
// a point of the new grid to the labels' world (nullptr: identity). Points
// falling outside the labels get 0.
LabelImage::Pointer ResampleLabels(const LabelImage& labels, const itk::Transform<double, 3, 3>* output_to_input,
                                   const itk::ImageBase<3>& grid);

}  // namespace margo
