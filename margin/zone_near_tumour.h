// The part of the ablation zone a tumour's margins can reach. Building the
// zone's surface over the whole union of zones costs time in proportion to
// the volume they span; a tumour only needs the pieces of zone near it.
#pragma once

#include <functional>

#include "core/geometry.h"
#include "core/image_types.h"

namespace margo {

// The tumour's bounding box (voxel extents) carried into the measuring
// space by `to_measuring` (identity when empty): the box of its 8 corners.
WorldBox MappedBox(const itk::ImageBase<3>& tumour_grid, const itk::ImageRegion<3>& bounds,
                   const std::function<Vec3(const Vec3&)>& to_measuring);

// Every 6-connected piece of `zone` (non-zero voxels) that has a voxel within
// `box` grown by `reach_mm`, whole, wherever it extends. The result keeps
// the zone's grid and extent (LargestPossibleRegion, so that a piece
// touching the image edge is still seen to) but holds, and buffers, only
// those pieces' bounding box. nullptr when no piece comes that near.
//
// For a point inside a piece, no other piece's surface is nearer than that
// piece's own, so margins of tumour points inside the zone are unchanged;
// for points outside every piece, distances up to reach_mm are unchanged.
// REQUIRES: zone's buffer holds its whole extent.
MaskImage::Pointer ZonePiecesNear(const MaskImage& zone, const WorldBox& box, double reach_mm);

}  // namespace margo
