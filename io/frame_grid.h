// The grid that a set of planar frames (SEG frames) lie on: their common
// orientation and pixel spacing, and their positions along the normal put on
// regular slices. Frames may be unordered, repeated (one per segment) and
// sparse (slices without a frame stay empty). The grid has one empty slice
// below the lowest frame and one above the highest: a structure drawn up to
// its last frame ends there, and its surface is not cut off by the grid's edge.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/geometry.h"

namespace margo {

struct PlanarFrame {
  Vec3 position_mm{};                        // Image Position (Patient) of the first pixel
  std::array<double, 6> orientation{};       // row then column direction cosines
  std::array<double, 2> pixel_spacing_mm{};  // between rows, between columns
  double spacing_between_slices_mm = 0.0;    // 0: unknown
  double slice_thickness_mm = 0.0;           // 0: unknown
};

struct FrameGrid {
  ImageGeometry geometry;
  std::vector<std::size_t> slice_of_frame;  // k index of each frame
};

// `where(i)` names frame i in messages ("frame 3"). Throws
// Error(kGeometryInvalid, "<role> <path>: ...") when orientations or spacings
// differ between frames, the orientation is not orthonormal, frames are
// shifted sideways, or positions do not fall on a regular slice spacing.
FrameGrid GridOfFrames(const std::vector<PlanarFrame>& frames, unsigned rows, unsigned columns,
                       const std::string& role, const std::string& path);

}  // namespace margo
