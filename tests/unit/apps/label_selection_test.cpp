// LabelsOf and RequireNotEmpty skip background eight voxels at a time: checked
// against a plain per-voxel pass, with labels at the buffer's first and last
// voxel, in either half of an eight-voxel block and in a tail shorter than a block.
#include "apps/label_selection.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "core/error.h"

namespace margo {
namespace {

LabelImage::Pointer Blank(unsigned nx, unsigned ny, unsigned nz) {
  auto image = LabelImage::New();
  LabelImage::RegionType region;
  region.SetSize(0, nx), region.SetSize(1, ny), region.SetSize(2, nz);
  image->SetRegions(region);
  image->Allocate(true);
  return image;
}

std::vector<std::uint16_t> PlainLabelsOf(const LabelImage& image) {
  std::set<std::uint16_t> seen;
  const std::size_t n = image.GetBufferedRegion().GetNumberOfPixels();
  for (std::size_t i = 0; i < n; ++i) {
    if (image.GetBufferPointer()[i] != 0) seen.insert(image.GetBufferPointer()[i]);
  }
  return {seen.begin(), seen.end()};
}

TEST(LabelsOfTest, FindsEveryLabelWhereverItLies) {
  // 7 x 5 x 3 = 105 voxels: 13 blocks of eight and a tail of one.
  const std::size_t n = 105;
  for (std::size_t at : {std::size_t(0), std::size_t(3), std::size_t(4), std::size_t(7), std::size_t(8),
                         std::size_t(103), n - 1}) {
    LabelImage::Pointer image = Blank(7, 5, 3);
    image->GetBufferPointer()[at] = 65535;
    EXPECT_EQ(LabelsOf(*image), std::vector<std::uint16_t>{65535}) << "label at voxel " << at;
    EXPECT_NO_THROW(RequireNotEmpty(*image, "tumour labels", "t.nii.gz", "pre CT"))
        << "label at voxel " << at;
  }
}

TEST(LabelsOfTest, MatchesAPlainPassOnRandomSparseMaps) {
  std::mt19937 random(7);
  for (int trial = 0; trial < 50; ++trial) {
    LabelImage::Pointer image = Blank(1 + random() % 40, 1 + random() % 9, 1 + random() % 5);
    const std::size_t n = image->GetBufferedRegion().GetNumberOfPixels();
    const unsigned count = random() % 6;
    for (unsigned k = 0; k < count; ++k) image->GetBufferPointer()[random() % n] = std::uint16_t(random());
    EXPECT_EQ(LabelsOf(*image), PlainLabelsOf(*image)) << "trial " << trial;
  }
}

TEST(LabelsOfTest, EmptyMapHasNoLabelsAndIsRefusedNamingTheFile) {
  LabelImage::Pointer image = Blank(9, 3, 2);
  EXPECT_TRUE(LabelsOf(*image).empty());
  try {
    RequireNotEmpty(*image, "tumour labels", "t.nii.gz", "pre CT");
    FAIL() << "an empty map was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kSegmentationInvalid);
    EXPECT_NE(std::string(e.what()).find("t.nii.gz: no labelled voxel on the pre CT grid"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace margo
