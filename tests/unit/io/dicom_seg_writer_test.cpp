// margo's own DICOM: a CT series and a SEG on it, written, checked by
// dciodvfy, and read back through the same path users' files take. The CT
// grid is oblique and anisotropic so no identity direction can hide.
#include "io/dicom_seg_writer.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>
#include <itkImageRegionConstIteratorWithIndex.h>

#include <functional>

#include "io/dicom_ct_writer.h"
#include "io/dicom_object.h"
#include "io/image_reader.h"
#include "tests/support/dciodvfy.h"
#include "tests/support/dicom_edit.h"
#include "tests/support/expect_error.h"
#include "tests/support/synthetic.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

using testing::TempDir;

struct WrittenCase {
  LoadedCt ct;
  LabelImage::Pointer labels;
  WrittenSeg seg;
  std::string seg_path;
};

// `edit_ct_files`, when given, changes the CT's files before they are read.
WrittenCase WriteCase(const TempDir& dir,
                      const std::function<void(const std::filesystem::path&)>& edit_ct_files = nullptr) {
  testing::Grid grid;
  grid.size = {24, 20, 12};
  grid.spacing_mm = {0.8, 0.8, 2.5};
  grid.origin_mm = {-12.0, 30.0, -40.0};
  grid.rotation_z_deg = 20.0;
  auto ct = testing::MakeImage<CtImage>(grid, -50.0f);
  testing::Paint<CtImage>(*ct, testing::Sphere({-4, 36, -27}, 5.0), 60.5f);  // rounds to 61 HU (int16)
  auto labels = testing::MakeImage<LabelImage>(grid, 0);
  testing::Paint<LabelImage>(*labels, testing::Sphere({-4, 36, -27}, 4.0), 3);
  testing::Paint<LabelImage>(*labels, testing::Sphere({4, 40, -22}, 3.0), 5);
  DicomCtSpec spec;
  spec.study_uid = DerivedUid("test/study");
  spec.series_uid = DerivedUid("test/series");
  spec.frame_of_reference = DerivedUid("test/frame");
  WriteDicomCtSeries(*ct, dir / "ct", spec);
  if (edit_ct_files) edit_ct_files(dir / "ct");
  WrittenCase c;
  c.ct = LoadCt(dir / "ct", "CT");
  c.labels = labels;
  SegSpec seg;
  seg.ct = c.ct.report.dicom;
  seg.grid = c.ct.image.GetPointer();
  labels->CopyInformation(c.ct.image);  // the loaded CT's grid, to the last bit
  seg.segments = {{"Tumour 3", "tumour label 3", SegmentKind::kTumour, labels.GetPointer(), {3}},
                  {"Ablation zone", "", SegmentKind::kAblationZone, labels.GetPointer(), {3, 5}}};
  seg.uid_seed = "test";
  seg.software_version = "test";
  c.seg_path = dir / "seg.dcm";
  c.seg = WriteDicomSeg(seg, c.seg_path);
  return c;
}

TEST(DicomSegWriterTest, CtSeriesKeepsItsObliqueGeometryAndValues) {
  TempDir dir;
  const WrittenCase c = WriteCase(dir);
  const ImageGeometry g = c.ct.report.geometry;
  EXPECT_EQ(g.size[0], 24u);
  EXPECT_EQ(g.size[2], 12u);
  EXPECT_NEAR(g.spacing_mm[2], 2.5, 1e-6);
  EXPECT_NEAR(g.direction[0][0], std::cos(20.0 * M_PI / 180), 1e-6);
  EXPECT_NEAR(g.direction[1][0], std::sin(20.0 * M_PI / 180), 1e-6);
  EXPECT_NEAR(g.origin_mm[2], -40.0, 1e-6);
  itk::Point<double, 3> centre;
  centre[0] = -4, centre[1] = 36, centre[2] = -27;
  const auto index = c.ct.image->TransformPhysicalPointToIndex(centre);
  EXPECT_FLOAT_EQ(c.ct.image->GetPixel(index), 61.0f);
  EXPECT_FLOAT_EQ(c.ct.image->GetPixel({{0, 0, 0}}), -50.0f);
}

TEST(DicomSegWriterTest, SegReadsBackVoxelForVoxelWithItsReferences) {
  TempDir dir;
  const WrittenCase c = WriteCase(dir);
  ASSERT_EQ(c.seg.segment_numbers, (std::vector<std::uint16_t>{1, 2}));
  const LoadedLabels tumour =
      LoadLabels(c.seg_path, "SEG", {&c.ct.report, c.ct.image.GetPointer(), "CT", {1}});
  const LoadedLabels zone = LoadLabels(c.seg_path, "SEG", {&c.ct.report, c.ct.image.GetPointer(), "CT", {2}});
  EXPECT_EQ(tumour.report.references, "frame of reference and referenced series match the CT");
  // Frames exist only where a segment is present: the SEG's own grid is a sub-stack.
  EXPECT_LT(tumour.report.geometry.size[2], 12u);
  std::size_t expected_tumour = 0, expected_zone = 0, found_tumour = 0, found_zone = 0, wrong = 0;
  itk::ImageRegionConstIteratorWithIndex<LabelImage> it(c.labels, c.labels->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    expected_tumour += it.Get() == 3;
    expected_zone += it.Get() != 0;
    itk::Point<double, 3> p;
    c.labels->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    LabelImage::IndexType i;
    const bool in_tumour =
        tumour.image->TransformPhysicalPointToIndex(p, i) && tumour.image->GetPixel(i) == 1;
    const bool in_zone = zone.image->TransformPhysicalPointToIndex(p, i) && zone.image->GetPixel(i) == 2;
    found_tumour += in_tumour;
    found_zone += in_zone;
    wrong += in_tumour != (it.Get() == 3) || in_zone != (it.Get() != 0);
  }
  EXPECT_GT(expected_tumour, 100u);
  EXPECT_EQ(found_tumour, expected_tumour);
  EXPECT_EQ(found_zone, expected_zone);
  EXPECT_EQ(wrong, 0u);
}

// Some scanners pad text with NUL where DICOM pads with a space (the
// 3D-IRCADb series: PatientSex "M\0"). Copied as it is, the SEG could not
// be written ("Value Representation violated") and the whole run was lost.
TEST(DicomSegWriterTest, NulPaddedPatientValuesAreCutAndReported) {
  TempDir dir;
  const WrittenCase c = WriteCase(dir, [](const std::filesystem::path& ct) {
    testing::EditEachDicomFile(ct, [](DcmDataset& d) {
      ASSERT_TRUE(d.putAndInsertOFStringArray(DCM_PatientSex, OFString("M\0", 2)).good());
    });
  });
  ASSERT_EQ(c.seg.repaired_source_values.size(), 1u);
  EXPECT_EQ(c.seg.repaired_source_values[0], "PatientSex (0010,0040) 'M\\0': cut at its NUL");
  DcmFileFormat seg;
  ASSERT_TRUE(seg.loadFile(c.seg_path.c_str()).good());
  OFString sex;
  seg.getDataset()->findAndGetOFString(DCM_PatientSex, sex);
  EXPECT_EQ(std::string(sex.c_str(), sex.length()), "M");
}

// A SEG drawn on lossy-compressed slices is derived from lossy data and
// must say so (Lossy Image Compression 01); it said 00 (found by a review).
TEST(DicomSegWriterTest, ASegOnLossySlicesSaysItIsLossy) {
  TempDir plain_dir, lossy_dir;
  const WrittenCase plain = WriteCase(plain_dir);
  EXPECT_NE(testing::DicomString(plain.seg_path, DCM_LossyImageCompression), "01");
  const WrittenCase lossy = WriteCase(lossy_dir, [](const std::filesystem::path& ct) {
    testing::EditEachDicomFile(ct,
                               [](DcmDataset& d) { d.putAndInsertString(DCM_LossyImageCompression, "01"); });
  });
  EXPECT_TRUE(lossy.ct.report.dicom.lossy);
  EXPECT_EQ(testing::DicomString(lossy.seg_path, DCM_LossyImageCompression), "01");
}

TEST(DicomSegWriterTest, DciodvfyFindsNoErrorInTheSegOrTheCt) {
  TempDir dir;
  const WrittenCase c = WriteCase(dir);
  for (const std::string& path : {c.seg_path, c.ct.report.dicom.files.front()}) {
    const testing::DciodvfyResult r = testing::RunDciodvfy(path);
    if (!r.available) GTEST_SKIP() << "dciodvfy (Debian dicom3tools) not installed; skipping";
    EXPECT_TRUE(r.errors.empty()) << path << ":\n" << r.output;
  }
}

// A SEG cut short still has the DICOM preamble: it is a broken DICOM file,
// not "an unsupported file type" (what it was called before).
TEST(DicomSegWriterTest, ASegCutShortIsRefusedAsTruncatedDicom) {
  TempDir dir;
  const WrittenCase c = WriteCase(dir);
  const auto full = std::filesystem::file_size(c.seg_path);
  for (const std::uintmax_t bytes : {std::uintmax_t{300}, full / 2, full - 10}) {
    SCOPED_TRACE(bytes);
    std::filesystem::resize_file(c.seg_path, bytes);
    testing::ExpectError(
        [&] { LoadLabels(c.seg_path, "tumour labels"); }, ErrorKind::kInputUnreadable,
        {"tumour labels", c.seg_path, "truncated or corrupt DICOM file", std::to_string(bytes) + " bytes"});
  }
}

}  // namespace
}  // namespace margo
