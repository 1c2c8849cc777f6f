// The grid SEG frames are put on: slices spaced as the frames' planes are.
#include "io/frame_grid.h"

#include <gtest/gtest.h>

#include <vector>

namespace margo {
namespace {

PlanarFrame AxialFrameAt(double z_mm, double spacing_tag_mm) {
  PlanarFrame f;
  f.position_mm = {-100.0, -80.0, z_mm};
  f.orientation = {1, 0, 0, 0, 1, 0};
  f.pixel_spacing_mm = {0.8, 0.8};
  f.spacing_between_slices_mm = spacing_tag_mm;
  f.slice_thickness_mm = spacing_tag_mm;
  return f;
}

// Frames 2.5 mm apart whose Spacing Between Slices says 1.25 mm (copied from
// a thin reconstruction's slice thickness): every frame falls on the tag's
// grid, which put an empty slice between each two and striped the structure
// (found by a geometry review). The planes' own gap sets the spacing.
TEST(FrameGridTest, SliceSpacingComesFromThePlanesNotAFractionalTag) {
  const std::vector<PlanarFrame> frames{AxialFrameAt(10.0, 1.25), AxialFrameAt(12.5, 1.25),
                                        AxialFrameAt(15.0, 1.25), AxialFrameAt(20.0, 1.25)};
  const FrameGrid grid = GridOfFrames(frames, 64, 64, "ablation labels", "zone.dcm");
  EXPECT_DOUBLE_EQ(grid.geometry.spacing_mm[2], 2.5);
  // One empty slice below and above; the frame at 20 mm leaves 17.5 empty.
  EXPECT_EQ(grid.geometry.size[2], 7u);
  EXPECT_EQ(grid.slice_of_frame, (std::vector<std::size_t>{1, 2, 3, 5}));
  EXPECT_DOUBLE_EQ(grid.geometry.origin_mm[2], 7.5);
}

// A single plane has no gap: the tag says how thick its slice is.
TEST(FrameGridTest, ASinglePlaneTakesTheTag) {
  const FrameGrid grid = GridOfFrames({AxialFrameAt(10.0, 3.0)}, 64, 64, "ablation labels", "zone.dcm");
  EXPECT_DOUBLE_EQ(grid.geometry.spacing_mm[2], 3.0);
  EXPECT_EQ(grid.geometry.size[2], 3u);
}

}  // namespace
}  // namespace margo
