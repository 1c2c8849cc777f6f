// Label maps limited to their CT's field of view (io/label_extent.h).
#include "io/label_extent.h"

#include <gtest/gtest.h>
#include <itkImageRegionConstIteratorWithIndex.h>

#include <algorithm>
#include <map>

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

// The box of each label's voxel centres, on a grid turned 30 degrees about S
// with an odd row length (the row scan reads eight voxels at a time):
// against every labelled voxel placed by ITK one by one.
TEST(LabelBoxesTest, EachLabelsBoxHoldsItsVoxelCentresOnAnObliqueGrid) {
  testing::Grid grid;
  grid.size = {23, 17, 9};
  grid.spacing_mm = {0.7, 0.9, 2.5};
  grid.origin_mm = {-12.0, 4.0, 30.0};
  grid.rotation_z_deg = 30.0;
  LabelImage::Pointer labels = testing::MakeImage<LabelImage>(grid);
  testing::Paint(*labels, testing::Sphere({-8.0, 12.0, 38.0}, 3.0), std::uint16_t(2));
  testing::Paint(*labels, testing::Sphere({-2.0, 20.0, 44.0}, 2.5), std::uint16_t(7));
  labels->SetPixel({{22, 16, 8}}, 9);  // the last voxel, alone
  const std::map<std::uint16_t, WorldBox> boxes = BoxesOfLabels(*labels);
  std::map<std::uint16_t, WorldBox> truth;
  itk::ImageRegionConstIteratorWithIndex<LabelImage> it(labels, labels->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (it.Get() == 0) continue;
    LabelImage::PointType p;
    labels->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    auto [entry, added] = truth.try_emplace(it.Get());
    for (int a = 0; a < 3; ++a) {
      entry->second.min_mm[a] = added ? p[a] : std::min(entry->second.min_mm[a], p[a]);
      entry->second.max_mm[a] = added ? p[a] : std::max(entry->second.max_mm[a], p[a]);
    }
  }
  ASSERT_EQ(truth.size(), 3u);
  ASSERT_EQ(boxes.size(), truth.size());
  for (const auto& [label, box] : truth) {
    SCOPED_TRACE(label);
    for (int a = 0; a < 3; ++a) {
      EXPECT_DOUBLE_EQ(boxes.at(label).min_mm[a], box.min_mm[a]);
      EXPECT_DOUBLE_EQ(boxes.at(label).max_mm[a], box.max_mm[a]);
    }
  }
}

}  // namespace
}  // namespace margo
