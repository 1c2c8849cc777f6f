// RTSTRUCT contours from a real planning system (dicompyler-core's breast
// case) rasterised onto a grid built from one slice of its CT: the voxel area
// of each contour against the polygon's own area (shoelace), an independent
// truth. Skipped, with a message, when the shared data is absent.
#include "io/rtstruct_reader.h"

#include <gtest/gtest.h>
#include <itkImageRegionConstIteratorWithIndex.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "io/dicom_series.h"
#include "io/image_reader.h"
#include "tests/support/dicom_rtstruct.h"
#include "tests/support/expect_error.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

namespace fs = std::filesystem;
using testing::ExpectError;

std::string Dicompyler() {
  const std::string shared = testing::SharedDataDir();
  if (shared.empty() || !fs::is_regular_file(shared + "/dicompyler_core/rtss.dcm")) return "";
  return shared + "/dicompyler_core";
}

#define REQUIRE_DICOMPYLER() \
  if (Dicompyler().empty())  \
  GTEST_SKIP() << "real data ../shared/data/real/dicompyler_core not present; skipping"

constexpr double kSliceSpacingMm = 3.0;  // the CT series' spacing (SOURCES.md)

// The CT's grid: ct.0.dcm's rows, columns, pixel spacing and orientation, its
// position as one slice, and enough 3 mm slices to hold every contour.
MaskImage::Pointer GridFromCtSlice(const RtStructureSet& rt) {
  const DicomSlice s = ScanDicomFolder(Dicompyler()).at(0);  // the only image in the folder
  const Vec3 row{s.orientation[0], s.orientation[1], s.orientation[2]};
  const Vec3 col{s.orientation[3], s.orientation[4], s.orientation[5]};
  const Vec3 normal{row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2],
                    row[0] * col[1] - row[1] * col[0]};
  auto along = [&](const Vec3& p) { return p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2]; };
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  for (const RtRoi& roi : rt.rois) {
    for (const RtContour& c : roi.contours) {
      for (const Vec3& p : c.points_mm) {
        lo = std::min(lo, along(p) - along(s.position_mm));
        hi = std::max(hi, along(p) - along(s.position_mm));
      }
    }
  }
  const double k_lo = std::floor(lo / kSliceSpacingMm + 0.5), k_hi = std::ceil(hi / kSliceSpacingMm - 0.5);
  auto grid = MaskImage::New();
  MaskImage::RegionType region;
  region.SetSize({{s.columns, s.rows, static_cast<itk::SizeValueType>(k_hi - k_lo + 1)}});
  MaskImage::SpacingType spacing;
  spacing[0] = s.pixel_spacing_mm[1], spacing[1] = s.pixel_spacing_mm[0], spacing[2] = kSliceSpacingMm;
  MaskImage::PointType origin;
  MaskImage::DirectionType direction;
  for (int r = 0; r < 3; ++r) {
    origin[r] = s.position_mm[r] + k_lo * kSliceSpacingMm * normal[r];
    direction[r][0] = row[r], direction[r][1] = col[r], direction[r][2] = normal[r];
  }
  grid->SetRegions(region);
  grid->SetSpacing(spacing);
  grid->SetOrigin(origin);
  grid->SetDirection(direction);
  return grid;
}

// Area (mm^2) of a planar polygon by the shoelace formula, in the plane
// spanned by the grid's first two axes.
double ShoelaceAreaMm2(const RtContour& c, const MaskImage& grid) {
  double twice = 0.0;
  std::vector<std::array<double, 2>> q;
  for (const Vec3& p : c.points_mm) {
    double u = 0, v = 0;
    for (int a = 0; a < 3; ++a) {
      u += (p[a] - grid.GetOrigin()[a]) * grid.GetDirection()[a][0];
      v += (p[a] - grid.GetOrigin()[a]) * grid.GetDirection()[a][1];
    }
    q.push_back({u, v});
  }
  for (std::size_t i = 0; i < q.size(); ++i) {
    const auto& a = q[i];
    const auto& b = q[(i + 1) % q.size()];
    twice += a[0] * b[1] - b[0] * a[1];
  }
  return std::abs(twice) / 2.0;
}

double PerimeterMm(const RtContour& c) {
  double length = 0.0;
  for (std::size_t i = 0; i < c.points_mm.size(); ++i) {
    const Vec3& a = c.points_mm[i];
    const Vec3& b = c.points_mm[(i + 1) % c.points_mm.size()];
    length += std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                        (a[2] - b[2]) * (a[2] - b[2]));
  }
  return length;
}

TEST(RtStructReaderTest, ReadsTheRoisAndTheirReferences) {
  REQUIRE_DICOMPYLER();
  const RtStructureSet rt = ReadRtStruct(Dicompyler() + "/rtss.dcm", "RTSTRUCT");
  EXPECT_EQ(rt.frame_of_reference, "2.16.840.1.113662.2.12.0.3057.1241703565.36");  // SOURCES.md
  ASSERT_EQ(rt.referenced_series_uids.size(), 1u);
  EXPECT_EQ(rt.referenced_series_uids[0],
            "2.16.840.1.113662.2.12.0.3057.1241703565.43");  // ct.0.dcm's series
  std::map<std::string, std::size_t> contours;
  for (const RtRoi& r : rt.rois) contours[r.name] = r.contours.size();
  EXPECT_EQ(rt.rois.size(), 10u);
  EXPECT_GT(contours["Heart"], 3u);
  EXPECT_GT(contours["Tumor Bed"], 3u);
}

// Each contour's voxel area within the band a pixel-sized boundary can
// misclassify (perimeter x pixel diagonal), and the ROI's total within 1 %.
TEST(RtStructReaderTest, RasterisedAreaMatchesTheShoelaceAreaOfEachContour) {
  REQUIRE_DICOMPYLER();
  const RtStructureSet rt = ReadRtStruct(Dicompyler() + "/rtss.dcm", "RTSTRUCT");
  const MaskImage::Pointer grid = GridFromCtSlice(rt);
  const double pixel_area = grid->GetSpacing()[0] * grid->GetSpacing()[1];
  const double diagonal = std::hypot(grid->GetSpacing()[0], grid->GetSpacing()[1]);
  for (const std::string name : {"Heart", "Tumor Bed"}) {
    const RtRoi& roi =
        *std::find_if(rt.rois.begin(), rt.rois.end(), [&](const RtRoi& r) { return r.name == name; });
    const MaskImage::Pointer mask = RasteriseRoi(roi, *grid, "RTSTRUCT", "rtss.dcm");
    std::map<long, std::size_t> voxels_per_slice;
    itk::ImageRegionConstIteratorWithIndex<MaskImage> it(mask, mask->GetLargestPossibleRegion());
    for (; !it.IsAtEnd(); ++it) voxels_per_slice[it.GetIndex()[2]] += it.Get();
    double total_shoelace = 0.0, total_voxels = 0.0;
    for (const RtContour& c : roi.contours) {  // one contour per slice for these ROIs
      itk::Point<double, 3> p;
      for (int a = 0; a < 3; ++a) p[a] = c.points_mm[0][a];
      const long k = std::lround(grid->TransformPhysicalPointToContinuousIndex<double, double>(p)[2]);
      const double shoelace = ShoelaceAreaMm2(c, *grid);
      const double voxels = double(voxels_per_slice[k]) * pixel_area;
      EXPECT_NEAR(voxels, shoelace, PerimeterMm(c) * diagonal / 2) << name << " slice " << k;
      total_shoelace += shoelace;
      total_voxels += voxels;
    }
    EXPECT_NEAR(total_voxels, total_shoelace, 0.01 * total_shoelace) << name;
    SCOPED_TRACE(name);
  }
}

TEST(RtStructReaderTest, LoadLabelsGivesEachRoiItsNumberAndNeedsAGrid) {
  REQUIRE_DICOMPYLER();
  const std::string path = Dicompyler() + "/rtss.dcm";
  const RtStructureSet rt = ReadRtStruct(path, "RTSTRUCT");
  const MaskImage::Pointer grid = GridFromCtSlice(rt);
  const RtRoi& heart =
      *std::find_if(rt.rois.begin(), rt.rois.end(), [](const RtRoi& r) { return r.name == "Heart"; });
  const auto number = static_cast<std::uint16_t>(heart.number);
  const LoadedLabels labels =
      LoadLabels(path, "tumour labels", {nullptr, grid.GetPointer(), "pre CT", {number}});
  EXPECT_EQ(labels.report.format, "DICOM RTSTRUCT");
  std::size_t in_label = 0, other = 0;
  itk::ImageRegionConstIteratorWithIndex<LabelImage> it(labels.image,
                                                        labels.image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) (it.Get() == number ? in_label : other) += it.Get() != 0;
  EXPECT_GT(in_label, 1000u);
  EXPECT_EQ(other, 0u);
  // BODY holds every other ROI: loading them all together is an overlap.
  std::vector<std::uint16_t> drawn;
  for (const RtRoi& r : rt.rois) {
    if (!r.contours.empty()) drawn.push_back(static_cast<std::uint16_t>(r.number));
  }
  ExpectError(
      [&] {
        LoadLabels(path, "tumour labels", {nullptr, grid.GetPointer(), "pre CT", drawn});
      },
      ErrorKind::kSegmentationInvalid, {"tumour labels", path, "overlap", "'BODY'"});
  // Areola is defined, but has no contour: it would vanish from the report.
  ExpectError(
      [&] {
        LoadLabels(path, "tumour labels", {nullptr, grid.GetPointer(), "pre CT", {}});
      },
      ErrorKind::kSegmentationInvalid, {"tumour labels", path, "ROI 2 'Areola' has no contour"});
  ExpectError([&] { LoadLabels(path, "tumour labels"); }, ErrorKind::kUsage,
              {"tumour labels", path, "grid of the CT"});
}

// An 8 x 8 x 5 grid, 1 mm pixels, slices 2 mm apart from z = 0 to 8 mm.
MaskImage::Pointer SmallGrid() {
  auto grid = MaskImage::New();
  MaskImage::RegionType region;
  region.SetSize({{8, 8, 5}});
  grid->SetRegions(region);
  MaskImage::SpacingType spacing;
  spacing[0] = spacing[1] = 1.0;
  spacing[2] = 2.0;
  grid->SetSpacing(spacing);
  return grid;
}

RtContour SquareAtZ(double z_mm) {
  return RtContour{{{1, 1, z_mm}, {5, 1, z_mm}, {5, 5, z_mm}, {1, 5, z_mm}}};
}

// Contours drawn on another CT used to be measured against this CT's slice
// planes ("0.48 slices off grid slice -77"); the real problem is that they lie
// outside it.
TEST(RtStructRasteriseTest, RoiOutsideTheCtNamesBothExtents) {
  const MaskImage::Pointer grid = SmallGrid();
  RtRoi roi;
  roi.number = 3;
  roi.name = "Liver";
  roi.contours = {SquareAtZ(-40.9), SquareAtZ(-30.9)};
  ExpectError([&] { RasteriseRoi(roi, *grid, "tumour labels", "rtss.dcm"); }, ErrorKind::kGeometryInvalid,
              {"tumour labels rtss.dcm", "ROI 3 'Liver' lies outside the CT", "z -40.9 to -30.9 mm",
               "the CT covers z 0.0 to 8.0 mm (slices 0 to 4)"});
  roi.contours.push_back(SquareAtZ(4.0));
  ExpectError([&] { RasteriseRoi(roi, *grid, "tumour labels", "rtss.dcm"); }, ErrorKind::kGeometryInvalid,
              {"ROI 3 'Liver' lies partly outside the CT", "z -40.9 to 4.0 mm"});
}

TEST(RtStructRasteriseTest, RoiInsideTheCtIsFilledOnItsSlice) {
  const MaskImage::Pointer grid = SmallGrid();
  RtRoi roi;
  roi.number = 1;
  roi.name = "Tumour";
  roi.contours = {SquareAtZ(4.0)};
  const MaskImage::Pointer mask = RasteriseRoi(roi, *grid, "tumour labels", "rtss.dcm");
  EXPECT_EQ(mask->GetPixel({{2, 2, 2}}), 1);
  EXPECT_EQ(mask->GetPixel({{2, 2, 1}}), 0);
}

// ---------------------------------------------------------------------------
// RTSTRUCTs written for the test, loaded as tumour labels on SmallGrid.

constexpr char kFrame[] = "1.2.826.0.1.3680043.10.1234.9.1";

// A square of `side_mm` at (x_mm, y_mm) on the slices z = 2, 4 and 6 mm.
testing::SyntheticRoi SquareRoi(const std::string& number, const std::string& name, double x_mm, double y_mm,
                                double side_mm) {
  testing::SyntheticRoi roi;
  roi.number = number;
  roi.name = name;
  for (double z : {2.0, 4.0, 6.0}) roi.contours.push_back(testing::SquareContour(x_mm, y_mm, z, side_mm));
  return roi;
}

// Two ROIs side by side: 1 'T1' (voxel centres 1..3) and 2 'T2' (5..6).
testing::SyntheticRtStruct TwoRois() {
  testing::SyntheticRtStruct rt;
  rt.rois = {SquareRoi("1", "T1", 0.5, 0.5, 3.0), SquareRoi("2", "T2", 4.5, 4.5, 2.5)};
  return rt;
}

// A DICOM CT's load report, for the reference checks.
LoadReport DicomCt(const std::string& frame = kFrame) {
  LoadReport ct;
  ct.path = "/x/pre_ct";
  ct.dicom.series_uid = "1.2.826.0.1.3680043.10.1234.1.1";
  ct.dicom.frame_of_reference = frame;
  return ct;
}

class RtStructLoadTest : public ::testing::Test {
 protected:
  LoadedLabels Load(const testing::SyntheticRtStruct& rt, const LoadReport* ct = nullptr) {
    testing::WriteRtStruct(path_, rt);
    return LoadLabels(path_, "tumour labels", {ct, grid_.GetPointer(), "pre CT", {}});
  }
  void ExpectRefused(const testing::SyntheticRtStruct& rt, ErrorKind kind, std::vector<std::string> parts) {
    parts.push_back("tumour labels " + path_);
    ExpectError([&] { Load(rt); }, kind, parts);
  }
  testing::TempDir dir_;
  const std::string path_ = dir_ / "rtss.dcm";
  const MaskImage::Pointer grid_ = SmallGrid();
};

TEST_F(RtStructLoadTest, RoisBecomeLabelsByNumber) {
  const LoadReport ct = DicomCt();
  const LoadedLabels labels = Load(TwoRois(), &ct);
  EXPECT_EQ(labels.image->GetPixel({{2, 2, 2}}), 1);
  EXPECT_EQ(labels.image->GetPixel({{5, 6, 3}}), 2);
  EXPECT_EQ(labels.image->GetPixel({{5, 6, 0}}), 0);
  EXPECT_EQ(labels.report.references,
            "frame of reference matches the pre CT; referenced series not checked (the object lists none)");
}

// Two ROIs numbered 1: their contours merged into one tumour (label 1).
TEST_F(RtStructLoadTest, TwoRoisWithOneNumberAreRefusedNamingBoth) {
  testing::SyntheticRtStruct rt = TwoRois();
  rt.rois[1].number = "1";
  ExpectRefused(
      rt, ErrorKind::kSegmentationInvalid,
      {"ROI Number (3006,0022) 1 is given to two ROIs, 'T1' and 'T2'", "expected one number per ROI"});
}

// "1a" was read as 1.
TEST_F(RtStructLoadTest, RoiNumberThatIsNotAnIntegerIsRefused) {
  testing::SyntheticRtStruct rt = TwoRois();
  rt.rois[1].number = "2a";
  ExpectRefused(rt, ErrorKind::kSegmentationInvalid,
                {"ROI 'T2': ROI Number (3006,0022) is '2a'; expected one integer"});
}

// Open contours were skipped: all of them, and the tumour vanished from the
// report; one of them, and the tumour lost a slice. Both exit 0, no word.
TEST_F(RtStructLoadTest, OpenContoursAreRefusedNamingTheRoi) {
  testing::SyntheticRtStruct rt = TwoRois();
  for (auto& c : rt.rois[0].contours) c.type = "OPEN_PLANAR";
  ExpectRefused(rt, ErrorKind::kSegmentationInvalid,
                {"ROI 1 'T1': 3 of its 3 contours are not CLOSED_PLANAR", "contour 1", "'OPEN_PLANAR'",
                 "expected only CLOSED_PLANAR contours"});
  rt = TwoRois();
  rt.rois[1].contours[1].type = "OPEN_PLANAR";
  ExpectRefused(rt, ErrorKind::kSegmentationInvalid,
                {"ROI 2 'T2': 1 of its 3 contours are not CLOSED_PLANAR (first: contour 2"});
}

TEST_F(RtStructLoadTest, RoiWithoutContoursIsRefused) {
  testing::SyntheticRtStruct rt = TwoRois();
  rt.rois[1].contours.clear();
  ExpectRefused(rt, ErrorKind::kSegmentationInvalid, {"ROI 2 'T2' has no contour"});
}

TEST_F(RtStructLoadTest, RoiEnclosingNoVoxelCentreIsRefused) {
  testing::SyntheticRtStruct rt = TwoRois();
  rt.rois[0] = SquareRoi("1", "T1", 1.2, 1.2, 0.5);
  ExpectRefused(rt, ErrorKind::kSegmentationInvalid,
                {"ROI 1 'T1': its 3 contours enclose no voxel centre of the pre CT grid"});
}

// The slice axis was checked, not the plane: a contour beyond the CT's
// edge was clipped to nothing (or in part), exit 0.
TEST_F(RtStructLoadTest, RoiOutsideTheCtInPlaneIsRefused) {
  testing::SyntheticRtStruct rt = TwoRois();
  rt.rois[0] = SquareRoi("1", "T1", -40.0, 1.0, 3.0);
  ExpectRefused(rt, ErrorKind::kGeometryInvalid,
                {"ROI 1 'T1' lies outside the CT in-plane", "columns -40.0 to -37.0",
                 "the CT has columns 0 to 7 and rows 0 to 7"});
  rt.rois[0] = SquareRoi("1", "T1", 5.0, 1.0, 4.0);
  ExpectRefused(rt, ErrorKind::kGeometryInvalid, {"ROI 1 'T1' lies partly outside the CT in-plane"});
}

// DCMTK read "1,5" as 1.
TEST_F(RtStructLoadTest, ContourDataThatIsNotDecimalNumbersIsRefused) {
  testing::SyntheticRtStruct rt = TwoRois();
  rt.rois[0].contours[0].data_text = "0,5\\0,5\\2\\3,5\\0,5\\2\\3,5\\3,5\\2";
  ExpectRefused(
      rt, ErrorKind::kGeometryInvalid,
      {"ROI 1 'T1', contour 1: Contour Data (3006,0050) is '0,5\\0,5\\2", "expected decimal numbers"});
}

// A clinical structure set holds more than the ROIs asked for: a point
// marker whose Contour Data is empty, a second ROI numbered like another, an
// ROI number that is no integer. With --tumour-labels choosing ROI 2, those
// refused the whole file (exit 4 or 5); they are now left unread, and
// still refused when no ROI is chosen or when one of them is.
TEST_F(RtStructLoadTest, DefectsInRoisNotAskedForDoNotRefuseTheFile) {
  testing::SyntheticRtStruct rt = TwoRois();
  testing::SyntheticRoi marker;
  marker.number = "7";
  marker.name = "ISOCENTER";
  marker.contours.push_back(testing::SquareContour(1.0, 1.0, 4.0, 1.0));
  marker.contours[0].type = "POINT";
  marker.contours[0].data_text = "";
  marker.contours[0].points_mm.clear();
  testing::SyntheticRoi twin = SquareRoi("1", "BODY", 0.5, 0.5, 7.0);
  testing::SyntheticRoi unnumbered = SquareRoi("9a", "couch", 0.5, 0.5, 7.0);
  for (const testing::SyntheticRoi& extra : {marker, twin, unnumbered}) {
    SCOPED_TRACE(extra.name);
    testing::SyntheticRtStruct with = rt;
    with.rois.push_back(extra);
    testing::WriteRtStruct(path_, with);
    const LoadedLabels chosen =
        LoadLabels(path_, "tumour labels", {nullptr, grid_.GetPointer(), "pre CT", {2}});
    EXPECT_EQ(chosen.image->GetPixel({{5, 6, 3}}), 2);
    EXPECT_EQ(chosen.image->GetPixel({{2, 2, 2}}), 0) << "ROI 1 was not asked for";
    ExpectError(
        [&] {
          LoadLabels(path_, "tumour labels", {nullptr, grid_.GetPointer(), "pre CT", {}});
        },
        extra.name == "ISOCENTER" ? ErrorKind::kGeometryInvalid : ErrorKind::kSegmentationInvalid,
        {"tumour labels " + path_, extra.name == "ISOCENTER" ? "ROI 7 'ISOCENTER', contour 1"
                                   : extra.name == "BODY"    ? "is given to two ROIs, 'T1' and 'BODY'"
                                                             : "ROI 'couch': ROI Number (3006,0022)"});
  }
  testing::SyntheticRtStruct with = rt;
  with.rois.push_back(twin);
  testing::WriteRtStruct(path_, with);
  ExpectError(
      [&] {
        LoadLabels(path_, "tumour labels", {nullptr, grid_.GetPointer(), "pre CT", {1}});
      },
      ErrorKind::kSegmentationInvalid, {"is given to two ROIs, 'T1' and 'BODY'"});
  // Asking for a number only a skipped ROI could have held says why it is missing.
  with = rt;
  with.rois.push_back(unnumbered);
  testing::WriteRtStruct(path_, with);
  ExpectError(
      [&] {
        LoadLabels(path_, "tumour labels", {nullptr, grid_.GetPointer(), "pre CT", {9}});
      },
      ErrorKind::kSegmentationInvalid,
      {"has no ROI 9; its ROI numbers are 1, 2; ROI Number (3006,0022) is not one integer for "
       "'couch' ('9a')"});
}

// Type 1 in the Structure Set module: without it nothing says which scan
// the contours were drawn on. It was skipped, and reported as matching.
TEST_F(RtStructLoadTest, MissingFrameOfReferenceIsRefusedAgainstADicomCt) {
  testing::SyntheticRtStruct rt = TwoRois();
  rt.frame_of_reference.clear();
  const LoadReport ct = DicomCt();
  testing::WriteRtStruct(path_, rt);
  ExpectError(
      [&] {
        LoadLabels(path_, "tumour labels", {&ct, grid_.GetPointer(), "pre CT", {}});
      },
      ErrorKind::kGeometryInvalid,
      {"tumour labels " + path_, "has no Frame of Reference UID (0020,0052)",
       std::string("expected '") + kFrame, "as in the pre CT /x/pre_ct"});
}

}  // namespace
}  // namespace margo
