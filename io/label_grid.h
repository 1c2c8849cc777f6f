// Putting a label map on the grid of its CT. Segmentations often come on
// another grid (cropped, resampled, exported by another tool); margo checks
// that the two overlap in world space and resamples by nearest neighbour.
#pragma once

#include <itkTransform.h>

#include <string>

#include "core/geometry.h"
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

// Whether a grid lies on a CT's voxel lattice: each of its axes along one of
// the CT's, either way (stored flipped or with the axes in another order),
// with the same spacing, and its first voxel a whole number of voxels from
// the CT's (within 0.01 mm). That holds for the CT's own grid and for any crop or
// extension of it, as segmentation tools and a DICOM SEG's frames give.
bool OnVoxelLatticeOf(const ImageGeometry& grid, const ImageGeometry& ct);

// A label map or a CT as read, with its role and path for messages.
struct GridOf {
  ImageGeometry geometry;
  GridInput input;
};

// Tumours are drawn on the pre CT and ablation zones on the post CT, so a
// label map on one CT's voxel lattice and not on its own CT's was given with
// the wrong option: throws Error(kUsage) naming which inputs look swapped
// (docs/EXIT_CODES.md). When the two CTs share a lattice the grids tell
// nothing and nothing is said. A label map on neither lattice (resampled by
// some tool) is only warned about: which scan it was drawn on cannot be told.
void RequireLabelsOnTheirCts(const GridOf& tumours, const GridOf& ablation, const GridOf& pre_ct,
                             const GridOf& post_ct, Log& log);

// `labels` resampled by nearest neighbour onto `grid`; `output_to_input` maps
// a point of the new grid to the labels' world (nullptr: identity). Points
// falling outside the labels get 0.
LabelImage::Pointer ResampleLabels(const LabelImage& labels, const itk::Transform<double, 3, 3>* output_to_input,
                                   const itk::ImageBase<3>& grid);

}  // namespace margo
