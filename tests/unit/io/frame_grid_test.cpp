// The grid SEG frames are put on: slices spaced as the frames' planes are.
#include "io/frame_grid.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/error.h"
#include "tests/support/expect_error.h"

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

// Frames 2.5 mm apart, as Spacing Between Slices says (0: not given), at
// z = 10, 12.5, ... with frame `moved` (from 0) `by_mm` off its place.
std::vector<PlanarFrame> StackWithOneMoved(double tag_mm, std::size_t moved, double by_mm) {
  std::vector<PlanarFrame> frames;
  for (std::size_t i = 0; i < 6; ++i) frames.push_back(AxialFrameAt(10.0 + 2.5 * double(i), tag_mm));
  frames[moved].position_mm[2] += by_mm;
  return frames;
}

void ExpectRefused(const std::vector<PlanarFrame>& frames, const std::vector<std::string>& parts) {
  std::vector<std::string> all{"ablation labels zone.dcm: "};
  all.insert(all.end(), parts.begin(), parts.end());
  testing::ExpectError([&] { GridOfFrames(frames, 64, 64, "ablation labels", "zone.dcm"); },
                       ErrorKind::kGeometryInvalid, all);
}

// One frame moved by half a slice: the smallest gap (1.25 mm) made a grid
// every frame lies on, with an empty slice between each two of the others:
// a striped zone whose margins shrank by 1.5 to 4 mm, exit 0 (found by a
// black-box review). The tag's spacing is the grid; the moved frame is named.
TEST(FrameGridTest, FrameMovedByHalfASliceIsRefusedNamingIt) {
  ExpectRefused(StackWithOneMoved(2.5, 2, 1.25),
                {"frame 3:", "2.50 slices of 2.500 mm (Spacing Between Slices (0018,0088))",
                 "expected a whole number of slices"});
}

// Moved by 1 mm the stack was refused, but blaming frame 2 with a 1 mm
// spacing no two frames have.
TEST(FrameGridTest, FrameMovedByOneMillimetreIsNamedWithTheTagsSpacing) {
  ExpectRefused(StackWithOneMoved(2.5, 2, 1.0), {"frame 3:", "2.40 slices of 2.500 mm"});
}

// The lowest frame moved: the others still agree on the grid; it is named.
TEST(FrameGridTest, LowestFrameMovedIsTheOneNamed) {
  ExpectRefused(StackWithOneMoved(2.5, 0, 1.25), {"frame 1:", "-0.50 slices of 2.500 mm", "frame 2's plane"});
}

// Without the tag, a smallest gap that does not divide the others: the
// frame off the others' grid is named, with their spacing.
TEST(FrameGridTest, WithoutTheTagTheFrameOffTheOthersGridIsNamed) {
  ExpectRefused(StackWithOneMoved(0.0, 3, 1.0),
                {"frame 4:", "3.40 slices of 2.500 mm (the smallest gap between the other frames"});
}

// Frames evenly 2 mm apart whose tag says 2.5 mm: the tag (Type 3) is
// wrong, not a frame. Until the day's review the first frame was refused
// as off a 2.5 mm grid; the frames' own spacing is taken.
TEST(FrameGridTest, ATagMostFramesDoNotFollowGivesWayToTheirSpacing) {
  std::vector<PlanarFrame> frames;
  for (int i = 0; i < 8; ++i) frames.push_back(AxialFrameAt(-20.0 + 2.0 * i, 2.5));
  const FrameGrid grid = GridOfFrames(frames, 64, 64, "tumour labels", "seg25.dcm");
  EXPECT_DOUBLE_EQ(grid.geometry.spacing_mm[2], 2.0);
  EXPECT_EQ(grid.geometry.size[2], 10u);  // the eight, and an empty slice below and above
}

// Frames of two segments, unordered and sparse, on the tag's grid: accepted.
TEST(FrameGridTest, SparseUnorderedFramesOnTheTagsGridAreAccepted) {
  const std::vector<PlanarFrame> frames{AxialFrameAt(22.5, 2.5), AxialFrameAt(10.0, 2.5),
                                        AxialFrameAt(12.5, 2.5), AxialFrameAt(12.5, 2.5),
                                        AxialFrameAt(35.0, 2.5)};
  const FrameGrid grid = GridOfFrames(frames, 64, 64, "ablation labels", "zone.dcm");
  EXPECT_DOUBLE_EQ(grid.geometry.spacing_mm[2], 2.5);
  EXPECT_EQ(grid.slice_of_frame, (std::vector<std::size_t>{6, 1, 2, 2, 11}));
  EXPECT_EQ(grid.geometry.size[2], 13u);
  EXPECT_DOUBLE_EQ(grid.geometry.origin_mm[2], 7.5);
}

// Without the tag, one frame exactly half a slice off divides every gap:
// alone, the frames made a 1.25 mm grid, every other slice empty (a
// striped structure). Given the CT's slices (2.5 mm, parallel), which the
// other frames follow, the moved frame is refused by name; across them
// (sagittal slices) the CT says nothing about the frames' spacing.
TEST(FrameGridTest, WithoutTheTagTheCtsSlicesNameAFrameHalfASliceOff) {
  const std::vector<PlanarFrame> frames = StackWithOneMoved(0.0, 3, 1.25);
  const FrameGrid alone = GridOfFrames(frames, 64, 64, "ablation labels", "zone.dcm");
  EXPECT_DOUBLE_EQ(alone.geometry.spacing_mm[2], 1.25) << "the limit without the CT, as documented";
  const CtSlicePlanes axial{{0, 0, -1}, 2.5};  // either way along the normal
  testing::ExpectError(
      [&] { GridOfFrames(frames, 64, 64, "ablation labels", "zone.dcm", axial); },
      ErrorKind::kGeometryInvalid,
      {"ablation labels zone.dcm: frame 4:", "3.50 slices of 2.500 mm (the slice spacing of the CT"});
  const CtSlicePlanes sagittal{{1, 0, 0}, 2.5};
  EXPECT_DOUBLE_EQ(
      GridOfFrames(frames, 64, 64, "ablation labels", "zone.dcm", sagittal).geometry.spacing_mm[2], 1.25);
}

// Frames of a thin reconstruction (1.25 mm, every plane drawn) with a CT of
// 2.5 mm slices: only half of them lie on the CT's slices, so their own
// spacing stands (the labels are resampled onto the CT afterwards).
TEST(FrameGridTest, FramesFollowingAFinerSpacingThanTheCtsKeepIt) {
  std::vector<PlanarFrame> frames;
  for (int i = 0; i < 10; ++i) frames.push_back(AxialFrameAt(10.0 + 1.25 * i, 0.0));
  const FrameGrid grid =
      GridOfFrames(frames, 64, 64, "tumour labels", "thin.dcm", CtSlicePlanes{{0, 0, 1}, 2.5});
  EXPECT_DOUBLE_EQ(grid.geometry.spacing_mm[2], 1.25);
  EXPECT_EQ(grid.geometry.size[2], 12u);
}

}  // namespace
}  // namespace margo
