// The grid that a set of planar frames (SEG frames) lie on: their common
// orientation and pixel spacing, and their positions along the normal put on
// regular slices. Frames may be unordered, repeated (one per segment) and
// sparse (slices without a frame stay empty). The grid has one empty slice
// below the lowest frame and one above the highest: a structure drawn up to
// its last frame ends there, and its surface is not cut off by the grid's edge.
#pragma once

#include <array>
#include <optional>
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

// The slice planes of the CT a SEG belongs to, when margo has it.
struct CtSlicePlanes {
  Vec3 normal{};            // unit, the CT's slice axis (its direction's third column)
  double spacing_mm = 0.0;  // between slices
};

struct FrameGrid {
  ImageGeometry geometry;
  std::vector<std::size_t> slice_of_frame;  // k index of each frame
};

// `where(i)` names frame i in messages ("frame 3"). Throws
// Error(kGeometryInvalid, "<role> <path>: ...") when orientations or spacings
// differ between frames, the orientation is not orthonormal, frames are
// shifted sideways, or positions do not fall on a regular slice spacing.
// With `ct` (slices parallel to the frames) and no Spacing Between Slices,
// when most frames lie on the CT's slice spacing but two are closer: the
// CT's spacing is the grid, and the frame off it is refused by name (a frame
// half a slice off made a grid of half the spacing, striping the structure).
// Frames that mostly follow a finer spacing (a thin reconstruction's) keep it.
FrameGrid GridOfFrames(const std::vector<PlanarFrame>& frames, unsigned rows, unsigned columns,
                       const std::string& role, const std::string& path,
                       const std::optional<CtSlicePlanes>& ct = std::nullopt);

}  // namespace margo
