// Visiting only the part of a post-CT grid that a scan map can carry onto a
// pre-space label map, in parallel: resampling labels through the map and
// the liver Dice need no more than that, and a B-spline map costs per point.
#pragma once

#include <functional>

#include "core/image_types.h"
#include "registration/scan_map.h"

namespace margo {

// Index region of the non-zero voxels of `labels`; size 0 when there is none.
itk::ImageRegion<3> NonZeroRegion(const LabelImage& labels);
itk::ImageRegion<3> NonZeroRegion(const MaskImage& mask);

// The voxels of `post_grid` whose centres `map` (post -> pre) can carry onto
// a non-zero voxel of `pre_labels` (a bound: rigid part exact, B-spline part
// by its largest displacement), clipped to the grid; size 0 when none.
itk::ImageRegion<3> PostRegionReaching(const itk::ImageBase<3>& post_grid, const LabelImage& pre_labels,
                                       const ScanMap& map);

// The smallest region holding both (either may be empty).
itk::ImageRegion<3> RegionUnion(const itk::ImageRegion<3>& a, const itk::ImageRegion<3>& b);

// Calls visit(piece) for pieces of `region` on ITK's threads (both cores);
// `visit` must be safe to run concurrently.
void ParallelOverRegion(const itk::ImageRegion<3>& region,
                        const std::function<void(const itk::ImageRegion<3>&)>& visit);

}  // namespace margo
