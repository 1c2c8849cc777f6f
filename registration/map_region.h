// Visiting only the part of a post-CT grid that a scan map can carry onto a
// pre-space label map, in parallel: resampling labels through the map and
// the liver Dice need no more than that, and a B-spline map costs per point.
#pragma once

#include <functional>
#include <vector>

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

// One row (along the first index axis) of a post grid: its first voxel's
// index, its voxel centres (post LPS mm) and their images under a scan map.
struct MappedRow {
  itk::Index<3> first;
  std::vector<Vec3> post, pre;
};

// Calls visit(row) for every row of `region` of `post_grid`, each row's
// centres carried by `map` at once (ScanMap::Apply on many points: a
// B-spline map shares its sums along a row), pieces on ITK's threads;
// `visit` must be safe to run concurrently.
void ParallelOverMappedRows(const itk::ImageBase<3>& post_grid, const itk::ImageRegion<3>& region,
                            const ScanMap& map, const std::function<void(const MappedRow&)>& visit);

}  // namespace margo
