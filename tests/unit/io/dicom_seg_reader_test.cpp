// DICOM SEG from another tool (dcmqi, over three real CT slices) against the
// NRRD label maps it was made from: the masks must land on exactly the same
// voxels in world space. Skipped, with a message, when the shared data is absent.
#include "io/dicom_seg_reader.h"

#include <gtest/gtest.h>
#include <itkImageRegionConstIteratorWithIndex.h>

#include <filesystem>
#include <string>

#include "io/image_reader.h"
#include "tests/support/expect_error.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

namespace fs = std::filesystem;
using testing::ExpectError;

std::string Dcmqi() {
  const std::string shared = testing::SharedDataDir();
  if (shared.empty() || !fs::is_regular_file(shared + "/dcmqi/liver.dcm")) return "";
  return shared + "/dcmqi";
}

#define REQUIRE_DCMQI() \
  if (Dcmqi().empty()) GTEST_SKIP() << "real data ../shared/data/real/dcmqi not present; skipping"

struct Comparison {
  std::size_t truth = 0, matched = 0, missing = 0, extra = 0;
};

// Every voxel of the truth label map (value == `value`) against `mask`, point
// by point in LPS, so the two need not share a grid.
template <typename Mask>
Comparison Compare(const LabelImage& truth, std::uint16_t value, const Mask& mask) {
  Comparison c;
  std::size_t mask_count = 0;
  itk::ImageRegionConstIteratorWithIndex<Mask> m(&mask, mask.GetLargestPossibleRegion());
  for (; !m.IsAtEnd(); ++m) mask_count += m.Get() != 0 ? 1 : 0;
  itk::ImageRegionConstIteratorWithIndex<LabelImage> it(&truth, truth.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (it.Get() != value) continue;
    ++c.truth;
    itk::Point<double, 3> p;
    truth.TransformIndexToPhysicalPoint(it.GetIndex(), p);
    typename Mask::IndexType index;
    if (mask.TransformPhysicalPointToIndex(p, index) && mask.GetPixel(index) != 0) {
      ++c.matched;
    } else {
      ++c.missing;
    }
  }
  c.extra = mask_count - c.matched;
  return c;
}

TEST(DicomSegReaderTest, DcmqiLiverLandsOnTheNrrdTruthVoxelForVoxel) {
  REQUIRE_DCMQI();
  const LoadedCt ct = LoadCt(Dcmqi() + "/ct-3slice", "CT");
  const LoadedLabels seg =
      LoadLabels(Dcmqi() + "/liver.dcm", "liver SEG", {&ct.report, ct.image.GetPointer(), "CT", {}});
  EXPECT_EQ(seg.report.format, "DICOM SEG (binary)");
  EXPECT_EQ(seg.report.references, "frame of reference and referenced series match the CT");
  // The frames define the CT's own grid (same spacing, direction, slice
  // positions), with one empty slice added either side.
  ImageGeometry expected = ct.report.geometry;
  expected.size[2] += 2;
  expected.origin_mm[2] -= ct.report.geometry.spacing_mm[2];  // identity direction: k runs along z
  EXPECT_TRUE(SameGrid(seg.report.geometry, expected))
      << Describe(seg.report.geometry) << " vs " << Describe(expected);
  const LoadedLabels truth = LoadLabels(Dcmqi() + "/liver_seg.nrrd", "truth");
  const Comparison c = Compare(*truth.image, 1, *seg.image);
  EXPECT_EQ(c.truth, 36233u + 35645u + 35220u);  // counted independently from the NRRD file
  EXPECT_EQ(c.missing, 0u);
  EXPECT_EQ(c.extra, 0u);
}

// Five overlapping segments, seven frames, only where a segment is present,
// not in slice order; each NRRD value v is segment v.
TEST(DicomSegReaderTest, DcmqiPartialOverlapsSparseFramesMatchTheirNrrds) {
  REQUIRE_DCMQI();
  const DicomSegmentation seg = ReadDicomSeg(Dcmqi() + "/partial_overlaps.dcm", "SEG");
  ASSERT_EQ(seg.segments.size(), 5u);
  EXPECT_EQ(seg.segments[0].label, "GREEN");
  EXPECT_EQ(seg.grid.size[2], 3u + 2u);  // frames on 3 slices, one empty slice either side
  std::size_t total = 0;
  for (const std::string part : {"-1", "-2", "-3"}) {
    const LoadedLabels truth = LoadLabels(Dcmqi() + "/partial_overlaps" + part + ".nrrd", "truth");
    for (const DicomSegment& s : seg.segments) {
      const Comparison c = Compare(*truth.image, s.number, *s.mask);
      if (c.truth == 0) continue;  // this segment's truth is in another file
      SCOPED_TRACE("segment " + std::to_string(s.number) + " in partial_overlaps" + part);
      EXPECT_EQ(c.missing, 0u);
      EXPECT_EQ(c.extra, 0u);
      total += c.truth;
    }
  }
  EXPECT_EQ(total, 9602u + 6693u + 4713u + 11888u + 117u + 117u + 10509u);
}

TEST(DicomSegReaderTest, OverlappingSegmentsAreRefusedUnlessChosenApart) {
  REQUIRE_DCMQI();
  const std::string path = Dcmqi() + "/partial_overlaps.dcm";
  ExpectError([&] { LoadLabels(path, "tumour labels"); }, ErrorKind::kSegmentationInvalid,
              {"tumour labels", path, "overlap", "--tumour-labels"});
  const LoadedLabels two = LoadLabels(path, "tumour labels", {nullptr, nullptr, "", {2, 4}});
  std::size_t twos = 0, fours = 0;
  itk::ImageRegionConstIteratorWithIndex<LabelImage> it(two.image, two.image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    twos += it.Get() == 2;
    fours += it.Get() == 4;
  }
  EXPECT_EQ(twos, 11888u);
  EXPECT_EQ(fours, 6693u);
  ExpectError(
      [&] {
        LoadLabels(path, "tumour labels", {nullptr, nullptr, "", {9}});
      },
      ErrorKind::kSegmentationInvalid, {"no segment 9", "1..5"});
}

TEST(DicomSegReaderTest, ReferencesAreCheckedAgainstTheCt) {
  REQUIRE_DCMQI();
  const LoadedCt ct = LoadCt(Dcmqi() + "/ct-3slice", "CT");
  const std::string path = Dcmqi() + "/liver.dcm";
  LoadReport other_frame = ct.report;
  other_frame.dicom.frame_of_reference = "1.2.3.4";
  ExpectError(
      [&] {
        LoadLabels(path, "tumour labels", {&other_frame, ct.image.GetPointer(), "pre CT", {}});
      },
      ErrorKind::kGeometryInvalid,
      {"tumour labels", path, "Frame of Reference UID (0020,0052)", ct.report.dicom.frame_of_reference,
       "expected '1.2.3.4'", "pre CT"});
  LoadReport other_series = ct.report;
  other_series.dicom.series_uid = "1.2.3.5";
  ExpectError(
      [&] {
        LoadLabels(path, "tumour labels", {&other_series, ct.image.GetPointer(), "pre CT", {}});
      },
      ErrorKind::kSegmentationInvalid,
      {"tumour labels", path, "references series", ct.report.dicom.series_uid, "expected", "1.2.3.5"});
  LoadReport nifti = ct.report;
  nifti.dicom = {};
  EXPECT_EQ(
      LoadLabels(path, "tumour labels", {&nifti, ct.image.GetPointer(), "pre CT", {}}).report.references,
      "not checked: the pre CT is not a DICOM series");
}

TEST(DicomSegReaderTest, ANonSegDicomFileIsRefused) {
  REQUIRE_DCMQI();
  const std::string path = Dcmqi() + "/ct-3slice/01.dcm";
  ExpectError([&] { LoadLabels(path, "tumour labels"); }, ErrorKind::kInputUnreadable,
              {"tumour labels", path, "neither a Segmentation (SEG) nor an RT Structure Set"});
}

}  // namespace
}  // namespace margo
