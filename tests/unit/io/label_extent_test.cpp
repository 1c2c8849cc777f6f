// Label maps limited to their CT's field of view (io/label_extent.h).
#include "io/label_extent.h"

#include <gtest/gtest.h>

#include "tests/support/synthetic.h"

namespace margo {
namespace {

// An oblique CT of 6 slices, and a SEG-like stack on the same axes with one
// slice more beyond each end.
struct Stacks {
  testing::Grid ct_grid, label_grid;
  Stacks() {
    ct_grid.size = {10, 8, 6};
    ct_grid.spacing_mm = {0.8, 0.8, 2.5};
    ct_grid.origin_mm = {-4.0, 2.0, -10.0};
    ct_grid.rotation_z_deg = 25.0;
    label_grid = ct_grid;
    label_grid.size[2] = 8;
    label_grid.origin_mm[2] = -12.5;
  }
};

TEST(LabelExtentTest, StackBeyondTheCtIsCutToItsSlices) {
  const Stacks s;
  auto ct = testing::MakeImage<CtImage>(s.ct_grid);
  auto labels = testing::MakeImage<LabelImage>(s.label_grid, 3);
  const LabelImage::Pointer within = WithinExtentOf(labels, *ct);
  EXPECT_EQ(within->GetLargestPossibleRegion().GetSize(), ct->GetLargestPossibleRegion().GetSize());
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(within->GetOrigin()[a], ct->GetOrigin()[a], 1e-9) << a;
  EXPECT_EQ(within->GetDirection(), labels->GetDirection());
  EXPECT_EQ(within->GetPixel({{9, 7, 5}}), 3);
}

TEST(LabelExtentTest, LabelsInsideTheCtAreLeftAsTheyAre) {
  const Stacks s;
  testing::Grid inner = s.ct_grid;
  inner.size[2] = 4;
  inner.origin_mm[2] = -7.5;
  auto ct = testing::MakeImage<CtImage>(s.ct_grid);
  auto labels = testing::MakeImage<LabelImage>(inner, 1);
  EXPECT_EQ(WithinExtentOf(labels, *ct).GetPointer(), labels.GetPointer());
}

}  // namespace
}  // namespace margo
