// DICOM series loading: sorting by Image Position Patient, the grid the
// stack defines, and the refusals (missing/uneven slices, tilt, bad tags,
// several series). Synthetic series are tiny (8 x 8 int16 slices) and written
// with GDCM into a temporary folder; the real-data tests skip without data.
#include "io/dicom_series.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/image_reader.h"
#include "tests/support/dicom_writer.h"
#include "tests/support/expect_error.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

using testing::ExpectError;

namespace fs = std::filesystem;
using testing::kFrameOfReferenceUid;
using testing::kSeriesUidA;
using testing::kSeriesUidB;
using testing::kStudyUid;
using testing::MakeSeries;
using testing::SeriesSpec;
using testing::SyntheticSlice;
using testing::SyntheticStoredValue;
using testing::TempDir;
using testing::WriteDicomSeries;
using Mutation = std::function<void(std::vector<SyntheticSlice>&)>;

constexpr double kTolMm = 1e-6;
const double kDeg = M_PI / 180.0;

LoadedCt LoadFolder(const std::string& folder, const std::string& series_uid = "") {
  DicomSelection selection;
  selection.series_uid = series_uid;
  selection.option = "--pre-series-uid";
  return LoadCt(folder, "test CT", selection);
}

float Hu(const CtImage& image, long i, long j, long k) { return image.GetPixel({{i, j, k}}); }

// Every voxel (i = column, j = row, k = slice along the normal) must hold the
// value written for the slice labelled labels[k].
void ExpectPixelsFromLabels(const CtImage& image, const std::vector<int>& labels, double slope,
                            double intercept) {
  const auto size = image.GetLargestPossibleRegion().GetSize();
  ASSERT_EQ(size[2], labels.size());
  int wrong = 0;
  for (long k = 0; k < long(size[2]); ++k) {
    for (long j = 0; j < long(size[1]); ++j) {
      for (long i = 0; i < long(size[0]); ++i) {
        const double expected = slope * SyntheticStoredValue(labels[k], j, i) + intercept;
        if (std::abs(Hu(image, i, j, k) - expected) > 1e-3 && wrong++ < 5) {
          ADD_FAILURE() << "voxel (" << i << ", " << j << ", " << k << ") holds " << Hu(image, i, j, k)
                        << "; expected " << expected << " from the slice labelled " << labels[k];
        }
      }
    }
  }
  EXPECT_EQ(wrong, 0);
}

// ---------------------------------------------------------------------------
// Series that load.

// File names and instance numbers that disagree with the position order.
void ShuffleNamesAndInstances(std::vector<SyntheticSlice>& slices) {
  const std::vector<std::string> names = {"IM9", "IM10", "IM1", "IM3", "IM2"};
  const std::vector<int> instances = {4, 1, 5, 2, 3};
  for (std::size_t k = 0; k < slices.size(); ++k) {
    slices[k].file_name = names[k % names.size()] + "_" + std::to_string(k / names.size());
    slices[k].instance = instances[k % instances.size()] + 10 * int(k / instances.size());
  }
  std::reverse(slices.begin(), slices.end());  // and write them in yet another order
}

struct GoodCase {
  const char* name;
  SeriesSpec spec;
  Mutation mutate;  // may be empty
  std::array<std::size_t, 3> size;
  Vec3 spacing_mm;
  Vec3 origin_mm;
  std::array<Vec3, 3> direction;  // direction[r][c], columns = i, j, k axes
  std::vector<int> labels;        // pixel label of each slice along k
};

SeriesSpec Axial() { return SeriesSpec{}; }  // 5 slices, 8 x 8, 0.7 x 0.7 x 2.5 mm

SeriesSpec With(std::function<void(SeriesSpec&)> change) {
  SeriesSpec spec;
  change(spec);
  return spec;
}

const std::array<Vec3, 3> kIdentity{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};

// Row cosines rotated 30 degrees about S, column cosines tilted 20 degrees
// out of the axial plane: orthonormal, and oblique on every axis.
const double c30 = std::cos(30 * kDeg), s30 = std::sin(30 * kDeg);
const double c20 = std::cos(20 * kDeg), s20 = std::sin(20 * kDeg);
// clang-format off
const std::array<double, 6> kObliqueIop{c30, s30, 0, -s30 * c20, c30 * c20, s20};
// Columns: row cosines, column cosines, their cross product (worked out by hand).
const std::array<Vec3, 3> kObliqueDirection{{{c30, -s30 * c20,  s20 * s30},
                                             {s30,  c30 * c20, -s20 * c30},
                                             {0,    s20,        c20}}};
// clang-format on

// Slice Thickness (0018,0050) says 5 mm where the positions say 2.5 mm.
void LyingThicknessTag(std::vector<SyntheticSlice>& slices) {
  for (SyntheticSlice& s : slices) s.slice_thickness_mm = 5.0;
}

// Positions rounded by the scanner (+/- 4 micrometres): the slice spacing is
// the mean over the stack, not the first gap.
void RoundingJitter(std::vector<SyntheticSlice>& slices) {
  slices[1].position_mm[2] += 0.004;
  slices[3].position_mm[2] -= 0.004;
}

std::vector<GoodCase> GoodCases() {
  const Vec3 o{-10.0, 20.0, -30.0};
  const std::array<std::size_t, 3> size{8, 8, 5};
  const Vec3 sp{0.7, 0.7, 2.5};
  const std::vector<int> up{0, 1, 2, 3, 4}, down{4, 3, 2, 1, 0};
  const Mutation shuffle = ShuffleNamesAndInstances;
  const SeriesSpec descending = With([](SeriesSpec& s) { s.slice_spacing_mm = -2.5; });
  // Rows != columns and row spacing != column spacing: i runs along a row
  // (column spacing 0.6 mm), j down the columns (row spacing 0.8 mm).
  const SeriesSpec non_square = With([](SeriesSpec& s) {
    s.rows = 6;
    s.columns = 9;
    s.pixel_spacing_mm = {0.8, 0.6};
  });
  const SeriesSpec oblique = With([](SeriesSpec& s) { s.orientation = kObliqueIop; });
  const SeriesSpec rescaled = With([](SeriesSpec& s) {
    s.rescale_slope = 2.0;
    s.rescale_intercept = -1000.0;
  });
  return {
      // name, spec, mutate, size, spacing_mm, origin_mm, direction, labels along k
      {"axial_anisotropic", Axial(), nullptr, size, sp, o, kIdentity, up},
      {"axial_files_and_instances_shuffled", Axial(), shuffle, size, sp, o, kIdentity, up},
      // Positions decreasing with the instance number: the lowest slice along
      // the normal (label 4) becomes k = 0 and gives the origin.
      {"axial_descending_positions", descending, nullptr, size, sp, {-10, 20, -40}, kIdentity, down},
      {"non_square_pixels", non_square, nullptr, {9, 6, 5}, {0.6, 0.8, 2.5}, o, kIdentity, up},
      {"slice_thickness_tag_ignored", Axial(), LyingThicknessTag, size, sp, o, kIdentity, up},
      {"rounding_jitter_in_positions", Axial(), RoundingJitter, size, sp, o, kIdentity, up},
      {"oblique_orthonormal", oblique, shuffle, size, sp, o, kObliqueDirection, up},
      {"rescale_slope_and_intercept", rescaled, nullptr, size, sp, o, kIdentity, up},
  };
}

TEST(DicomSeriesTest, LoadsGoodSeries) {
  for (const GoodCase& c : GoodCases()) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    std::vector<SyntheticSlice> slices = MakeSeries(c.spec);
    if (c.mutate) c.mutate(slices);
    WriteDicomSeries(dir / "ct", slices);

    const LoadedCt ct = LoadFolder(dir / "ct");
    const ImageGeometry& g = ct.report.geometry;
    EXPECT_EQ(g.size, c.size);
    for (int a = 0; a < 3; ++a) {
      EXPECT_NEAR(g.spacing_mm[a], c.spacing_mm[a], kTolMm) << "axis " << a;
      EXPECT_NEAR(g.origin_mm[a], c.origin_mm[a], kTolMm) << "axis " << a;
      for (int b = 0; b < 3; ++b) {
        EXPECT_NEAR(g.direction[a][b], c.direction[a][b], kTolMm) << "direction[" << a << "][" << b << "]";
      }
    }
    // The image itself carries the same grid as the report.
    EXPECT_TRUE(SameGrid(GeometryOf(*ct.image), g, 1e-9));
    EXPECT_EQ(ct.report.format, "DICOM series");
    EXPECT_EQ(ct.report.series_uid, kSeriesUidA);
    EXPECT_EQ(ct.report.frame_of_reference, kFrameOfReferenceUid);
    EXPECT_EQ(ct.report.file_count, c.size[2]);
    EXPECT_NEAR(ct.report.slice_spacing_min_mm, c.spacing_mm[2], 0.01);
    EXPECT_NEAR(ct.report.slice_spacing_max_mm, c.spacing_mm[2], 0.01);
    ExpectPixelsFromLabels(*ct.image, c.labels, c.spec.rescale_slope, c.spec.rescale_intercept);
  }
}

TEST(DicomSeriesTest, IgnoresNonDicomFilesNextToTheSeries) {
  TempDir dir;
  WriteDicomSeries(dir / "ct", MakeSeries(Axial()));
  std::ofstream(dir / "ct/README.txt") << "exported by a PACS\n";
  std::ofstream(dir / "ct/thumbs.db") << std::string(300, '\x7f');
  const LoadedCt ct = LoadFolder(dir / "ct");
  EXPECT_EQ(ct.report.file_count, 5u);
  EXPECT_EQ(ct.report.geometry.size[2], 5u);
}

// ---------------------------------------------------------------------------
// Series that are refused.

struct RejectCase {
  const char* name;
  Mutation mutate;
  ErrorKind kind;
  std::vector<std::string> message_parts;  // besides the folder path
};

void ShiftAlongZ(std::vector<SyntheticSlice>& slices, std::size_t from, double mm) {
  for (std::size_t k = from; k < slices.size(); ++k) slices[k].position_mm[2] += mm;
}

std::vector<RejectCase> RejectCases() {
  const ErrorKind geometry = ErrorKind::kGeometryInvalid;
  return {
      {"missing_middle_slice",
       [](auto& v) { v.erase(v.begin() + 2); },
       geometry,
       {"missing slice", "gap of 5.00 mm", "expected 2.50 mm", "(0020,0032)", "slice_1.dcm", "slice_3.dcm"}},
      {"uneven_spacing",
       [](auto& v) { ShiftAlongZ(v, 3, 0.6); },
       geometry,
       {"slice spacing varies", "3.10 mm", "expected 2.50 mm", "slice_2.dcm", "slice_3.dcm"}},
      {"duplicate_position",
       [](auto& v) { v[3].position_mm = v[2].position_mm; },
       geometry,
       {"0.000 mm apart", "expected distinct positions", "slice_2.dcm", "slice_3.dcm"}},
      // Gantry tilt: each slice 0.5 mm further posterior per 2.5 mm step,
      // atan(0.5 / 2.5) = 11.31 degrees.
      {"gantry_tilt",
       [](auto& v) {
         for (std::size_t k = 0; k < v.size(); ++k) v[k].position_mm[1] += 0.5 * double(k);
       },
       geometry,
       {"gantry tilt", "11.31 degrees", "expected 0"}},
      {"non_orthonormal_orientation",
       [](auto& v) {
         for (auto& s : v) s.orientation = {1, 0, 0, 0.1, 1, 0};
       },
       geometry,
       {"not orthonormal", "(0020,0037)", "row.column = 0.1000", "|column| = 1.0050", "expected 0, 1, 1"}},
      {"orientation_changes_within_series",
       [](auto& v) { v[4].orientation = {0, 1, 0, -1, 0, 0}; },
       geometry,
       {"slice_4.dcm", "Image Orientation Patient (0020,0037) is '0\\1\\0\\-1\\0\\0'",
        "expected '1\\0\\0\\0\\1\\0' as in instance 1", "slice_0.dcm"}},
      {"zero_pixel_spacing",
       [](auto& v) {
         for (auto& s : v) s.pixel_spacing_mm = {0, 0};
       },
       geometry,
       {"Pixel Spacing (0028,0030) is 0 mm", "expected 0.05 to 10 mm"}},
      {"absurd_pixel_spacing",
       [](auto& v) {
         for (auto& s : v) s.pixel_spacing_mm = {70, 70};
       },
       geometry,
       {"Pixel Spacing (0028,0030) is 70 mm", "expected 0.05 to 10 mm"}},
      {"pixel_spacing_changes_within_series",
       [](auto& v) {
         v[1].pixel_spacing_mm = {0.8, 0.8};
       },
       // The reference slice is whichever the folder scan lists first, so the
       // message may blame either side; it names both values and the odd file.
       geometry,
       {"Pixel Spacing (0028,0030)", "differs from", "0.8 mm", "0.7 mm", "slice_1.dcm"}},
      {"absurd_slice_spacing",
       [](auto& v) {
         for (std::size_t k = 0; k < v.size(); ++k) v[k].position_mm[2] = 25.0 * double(k);
       },
       geometry,
       {"slice spacing is 25.00 mm", "expected at most 20 mm"}},
      {"matrix_size_changes_within_series",
       [](auto& v) { v[3].columns = 6; },
       geometry,
       {"6 x 8", "8 x 8", " pixels; expected ", "slice_3.dcm"}},
      {"no_image_position",
       [](auto& v) { v[2].write_position = false; },
       geometry,
       {"no Image Position Patient (0020,0032)", "slice_2.dcm"}},
      // NaN parses as a number; it used to pass and surface as a "missing
      // slice" between its neighbours, without naming the slice itself.
      {"nan_image_position",
       [](auto& v) {
         v[2].position_mm = {NAN, NAN, NAN};
       },
       geometry,
       {"slice_2.dcm", "Image Position Patient (0020,0032) is 'nan\\nan\\nan'", "expected 3 finite numbers"}},
      {"nan_pixel_spacing",
       [](auto& v) {
         for (auto& s : v) s.pixel_spacing_mm = {NAN, NAN};
       },
       geometry,
       {"Pixel Spacing (0028,0030) is 'nan\\nan'", "expected 2 finite numbers"}},
      {"no_image_orientation",
       [](auto& v) { v[0].write_orientation = false; },
       geometry,
       {"no Image Orientation Patient (0020,0037)", "slice_0.dcm"}},
      {"no_pixel_spacing",
       [](auto& v) { v[1].write_pixel_spacing = false; },
       geometry,
       {"no Pixel Spacing (0028,0030)", "slice_1.dcm"}},
      {"single_slice", [](auto& v) { v.resize(1); }, geometry, {"found 1 slice", "expected at least 2"}},
      // Two scans stacked into one volume: refused naming the slice, the
      // value found and the one the first slice (slice_0.dcm) has.
      {"second_patient_id",
       [](auto& v) { v[3].patient_id = "OTHER123"; },
       geometry,
       {"slice_3.dcm", "Patient ID (0010,0020) 'OTHER123'", "expected 'MARGO-TEST'", "slice_0.dcm"}},
      {"second_patient_name",
       [](auto& v) { v[2].patient_name = "Other^Person"; },
       geometry,
       {"slice_2.dcm", "Patient's Name (0010,0010) 'Other^Person'", "expected 'Synthetic^Phantom'"}},
      {"second_study",
       [](auto& v) { v[4].study_uid = "2.25.77777"; },
       geometry,
       {"slice_4.dcm", "Study Instance UID (0020,000D) '2.25.77777'", std::string("expected '") + kStudyUid}},
      // std::stod read the number at the front of a value: "1,8" as 1 mm and
      // "0.7mm" as 0.7 mm, "-10\20\z" as a position. A decimal string is
      // the whole value or nothing (DS, PS3.5 6.2).
      {"comma_decimal_pixel_spacing",
       [](auto& v) {
         for (auto& s : v) s.raw_text[{0x0028, 0x0030}] = "0,7\\0,7";
       },
       geometry,
       {"Pixel Spacing (0028,0030) is '0,7\\0,7'", "expected 2 finite numbers"}},
      {"unit_in_pixel_spacing",
       [](auto& v) {
         for (auto& s : v) s.raw_text[{0x0028, 0x0030}] = "0.7mm\\0.7mm";
       },
       geometry,
       {"Pixel Spacing (0028,0030) is '0.7mm\\0.7mm'", "expected 2 finite numbers"}},
      {"text_in_image_position",
       [](auto& v) {
         v[2].raw_text[{0x0020, 0x0032}] = "-10\\20\\z";
       },
       geometry,
       {"slice_2.dcm", "Image Position Patient (0020,0032) is '-10\\20\\z'", "expected 3 finite numbers"}},
      {"comma_decimal_image_position",
       [](auto& v) {
         v[2].raw_text[{0x0020, 0x0032}] = "-10,5\\20\\-25";
       },
       geometry,
       {"slice_2.dcm", "Image Position Patient (0020,0032) is '-10,5\\20\\-25'"}},
      // GDCM reads a slope of 0 as 1: every voxel would silently be wrong.
      {"zero_rescale_slope",
       [](auto& v) { v[2].rescale_slope = 0.0; },
       ErrorKind::kInputUnreadable,
       {"slice_2.dcm", "Rescale Slope (0028,1053) is '0'", "expected a finite, non-zero number"}},
      // Both are Type 1 in a CT image; GDCM reads a missing slope as 1 and a
      // missing or unreadable intercept as 0: the slice became a slab of
      // stored values (+1024 HU).
      {"ct_slice_without_rescale",
       [](auto& v) {
         v[3].raw_text[{0x0028, 0x1052}] = std::nullopt;
         v[3].raw_text[{0x0028, 0x1053}] = std::nullopt;
       },
       ErrorKind::kInputUnreadable,
       {"slice_3.dcm", "has no Rescale Slope (0028,1053)", "Type 1 in a CT image"}},
      {"ct_slice_without_rescale_intercept",
       [](auto& v) {
         v[1].raw_text[{0x0028, 0x1052}] = std::nullopt;
       },
       ErrorKind::kInputUnreadable,
       {"slice_1.dcm", "has no Rescale Intercept (0028,1052)"}},
      {"text_rescale_intercept",
       [](auto& v) {
         v[2].raw_text[{0x0028, 0x1052}] = "-1024 HU";
       },
       ErrorKind::kInputUnreadable,
       {"slice_2.dcm", "Rescale Intercept (0028,1052) is '-1024 HU'", "expected a finite number"}},
      {"comma_decimal_rescale_slope",
       [](auto& v) {
         v[2].raw_text[{0x0028, 0x1053}] = "1,5";
       },
       ErrorKind::kInputUnreadable,
       {"slice_2.dcm", "Rescale Slope (0028,1053) is '1,5'", "expected a finite, non-zero number"}},
  };
}

TEST(DicomSeriesTest, RejectsBrokenSeries) {
  for (const RejectCase& c : RejectCases()) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    std::vector<SyntheticSlice> slices = MakeSeries(Axial());
    c.mutate(slices);
    const std::string folder = dir / "ct";
    WriteDicomSeries(folder, slices);
    std::vector<std::string> parts = c.message_parts;
    parts.push_back(folder);
    ExpectError([&] { LoadFolder(folder); }, c.kind, parts);
  }
}

// ---------------------------------------------------------------------------
// Series that load with a note for the caller to log.

std::vector<std::string> NotesOf(const std::function<void(std::vector<SyntheticSlice>&)>& mutate) {
  TempDir dir;
  std::vector<SyntheticSlice> slices = MakeSeries(Axial());
  if (mutate) mutate(slices);
  WriteDicomSeries(dir / "ct", slices);
  return LoadFolder(dir / "ct").report.notes;
}

TEST(DicomSeriesTest, CtSeriesHasNoNotes) { EXPECT_TRUE(NotesOf(nullptr).empty()); }

TEST(DicomSeriesTest, ModalityOtherThanCtIsNotedOnce) {
  const std::vector<std::string> notes = NotesOf([](auto& v) {
    for (SyntheticSlice& s : v) s.modality = "MR";
  });
  ASSERT_EQ(notes.size(), 1u);
  for (const char* part : {"Modality (0008,0060) is 'MR'", "5 of 5 slices", "expected CT", "Hounsfield"}) {
    EXPECT_NE(notes[0].find(part), std::string::npos) << part << " not in: " << notes[0];
  }
}

// Rescale Slope and Intercept are Type 1 only in a CT image: a slice of
// another modality (noted above) without them is read as stored.
TEST(DicomSeriesTest, NonCtSlicesWithoutRescaleAreReadAsStored) {
  TempDir dir;
  std::vector<SyntheticSlice> slices = MakeSeries(Axial());
  for (SyntheticSlice& s : slices) {
    s.modality = "MR";
    s.raw_text[{0x0008, 0x0016}] = "1.2.840.10008.5.1.4.1.1.4";  // MR Image Storage
    s.raw_text[{0x0028, 0x1052}] = std::nullopt;
    s.raw_text[{0x0028, 0x1053}] = std::nullopt;
  }
  WriteDicomSeries(dir / "ct", slices);
  const LoadedCt ct = LoadFolder(dir / "ct");
  ExpectPixelsFromLabels(*ct.image, {0, 1, 2, 3, 4}, 1.0, 0.0);
}

// Slices of one series may each have their own (valid) slope and intercept.
TEST(DicomSeriesTest, EachSliceUsesItsOwnRescale) {
  TempDir dir;
  std::vector<SyntheticSlice> slices = MakeSeries(Axial());
  slices[2].rescale_slope = 2.0;
  slices[2].rescale_intercept = -1000.0;
  WriteDicomSeries(dir / "ct", slices);
  const LoadedCt ct = LoadFolder(dir / "ct");
  EXPECT_NEAR(Hu(*ct.image, 3, 1, 2), 2.0 * SyntheticStoredValue(2, 1, 3) - 1000.0, 1e-3);
  EXPECT_NEAR(Hu(*ct.image, 3, 1, 1), SyntheticStoredValue(1, 1, 3) - 1024.0, 1e-3);
}

TEST(DicomSeriesTest, LossyImageCompressionIsNoted) {
  const std::vector<std::string> notes = NotesOf([](auto& v) { v[1].lossy_image_compression = "01"; });
  ASSERT_EQ(notes.size(), 1u);
  for (const char* part : {"1 of 5 slices are lossy-compressed", "slice_1.dcm", "(0028,2110) 01"}) {
    EXPECT_NE(notes[0].find(part), std::string::npos) << part << " not in: " << notes[0];
  }
}

// ---------------------------------------------------------------------------
// Several series in one folder.

// Series A: 5 slices labelled 0..4. Series B: 3 slices 5 mm apart, labelled 10..12.
std::string WriteTwoSeries(const TempDir& dir) {
  const std::string folder = dir / "mixed";
  WriteDicomSeries(folder, MakeSeries(Axial()));
  std::vector<SyntheticSlice> b = MakeSeries(With([](SeriesSpec& s) {
    s.slices = 3;
    s.slice_spacing_mm = 5.0;
    s.series_uid = kSeriesUidB;
  }));
  for (SyntheticSlice& s : b) {
    s.file_name = "b_" + s.file_name;
    s.pixel_label += 10;
    s.description = "second series";
  }
  WriteDicomSeries(folder, b);
  return folder;
}

TEST(DicomSeriesTest, TwoSeriesWithoutUidIsUsageErrorListingBoth) {
  TempDir dir;
  const std::string folder = WriteTwoSeries(dir);
  ExpectError([&] { LoadFolder(folder); }, ErrorKind::kUsage,
              {folder, "holds 2 series; choose one with --pre-series-uid:", kSeriesUidA, kSeriesUidB,
               "5 files", "3 files"});
}

TEST(DicomSeriesTest, SelectsEachOfTwoSeriesByUid) {
  TempDir dir;
  const std::string folder = WriteTwoSeries(dir);

  const LoadedCt b = LoadFolder(folder, kSeriesUidB);
  EXPECT_EQ(b.report.series_uid, kSeriesUidB);
  EXPECT_EQ(b.report.file_count, 3u);
  EXPECT_EQ(b.report.geometry.size, (std::array<std::size_t, 3>{8, 8, 3}));
  EXPECT_NEAR(b.report.geometry.spacing_mm[2], 5.0, kTolMm);
  ExpectPixelsFromLabels(*b.image, {10, 11, 12}, 1.0, -1024.0);

  const LoadedCt a = LoadFolder(folder, kSeriesUidA);
  EXPECT_EQ(a.report.series_uid, kSeriesUidA);
  EXPECT_EQ(a.report.geometry.size, (std::array<std::size_t, 3>{8, 8, 5}));
  EXPECT_NEAR(a.report.geometry.spacing_mm[2], 2.5, kTolMm);
  ExpectPixelsFromLabels(*a.image, {0, 1, 2, 3, 4}, 1.0, -1024.0);
}

TEST(DicomSeriesTest, UnknownUidIsUsageErrorListingTheSeriesFound) {
  TempDir dir;
  const std::string folder = WriteTwoSeries(dir);
  ExpectError([&] { LoadFolder(folder, "1.2.3.999"); }, ErrorKind::kUsage,
              {folder, "no series with UID 1.2.3.999", kSeriesUidA, kSeriesUidB});
}

// ---------------------------------------------------------------------------
// Folders without a usable series.

TEST(DicomSeriesTest, EmptyFolderIsUnreadable) {
  TempDir dir;
  fs::create_directories(dir / "empty");
  ExpectError([&] { LoadFolder(dir / "empty"); }, ErrorKind::kInputUnreadable,
              {dir / "empty", "no readable file", "expected one DICOM file per slice"});
}

TEST(DicomSeriesTest, FolderOfNonDicomFilesIsUnreadable) {
  TempDir dir;
  const std::string folder = dir / "junk";
  fs::create_directories(folder);
  std::ofstream(folder + "/notes.txt") << "not a DICOM file\n";
  std::ofstream(folder + "/image_0") << std::string(1000, '\0');
  std::ofstream(folder + "/image_1.dcm") << std::string(4096, '\xa5');
  ExpectError([&] { LoadFolder(folder); }, ErrorKind::kInputUnreadable,
              {folder, "no DICOM image", "expected a CT series"});
}

TEST(DicomSeriesTest, MissingFolderIsUnreadable) {
  TempDir dir;
  ExpectError([&] { LoadFolder(dir / "nowhere"); }, ErrorKind::kInputUnreadable,
              {dir / "nowhere", "no such file or folder"});
}

// ---------------------------------------------------------------------------
// CheckSliceStack on in-memory headers (no files).

DicomSlice ToDicomSlice(const SyntheticSlice& s) {
  DicomSlice d;
  d.file = s.file_name;
  d.series_uid = s.series_uid;
  d.frame_of_reference = s.frame_of_reference;
  d.modality = s.modality;
  d.instance = s.instance;
  d.position_mm = s.position_mm;
  d.orientation = s.orientation;
  d.pixel_spacing_mm = s.pixel_spacing_mm;
  d.rows = s.rows;
  d.columns = s.columns;
  d.has_position = s.write_position;
  d.has_orientation = s.write_orientation;
  d.has_pixel_spacing = s.write_pixel_spacing;
  d.bits_allocated = 16;
  d.samples_per_pixel = 1;
  d.pixel_representation = 1;
  d.has_pixel_data = true;
  d.pixel_data_bytes = 2u * s.rows * s.columns;
  d.rescale_slope = s.rescale_slope;
  d.rescale_intercept = s.rescale_intercept;
  d.rescale_slope_text = std::to_string(s.rescale_slope);
  d.rescale_intercept_text = std::to_string(s.rescale_intercept);
  return d;
}

std::vector<DicomSlice> InMemory(const std::vector<SyntheticSlice>& slices) {
  std::vector<DicomSlice> out;
  for (const SyntheticSlice& s : slices) out.push_back(ToDicomSlice(s));
  return out;
}

TEST(CheckSliceStackTest, SortsFilesByPositionAlongTheNormal) {
  std::vector<SyntheticSlice> slices = MakeSeries(Axial());
  ShuffleNamesAndInstances(slices);  // names IM9_0, IM10_0, IM1_0, IM3_0, IM2_0 by position
  const SliceStack stack = CheckSliceStack(InMemory(slices), "/in/memory");
  EXPECT_EQ(stack.files, (std::vector<std::string>{"IM9_0", "IM10_0", "IM1_0", "IM3_0", "IM2_0"}));
  EXPECT_NEAR(stack.slice_spacing_min_mm, 2.5, kTolMm);
  EXPECT_NEAR(stack.slice_spacing_max_mm, 2.5, kTolMm);
  EXPECT_NEAR(stack.tilt_deg, 0.0, 1e-9);
  EXPECT_EQ(stack.series_uid, kSeriesUidA);
}

TEST(CheckSliceStackTest, ToleratesRoundingJitterInPositions) {
  std::vector<SyntheticSlice> slices = MakeSeries(Axial());
  slices[1].position_mm[2] += 0.004;  // positions rounded by the scanner
  slices[3].position_mm[2] -= 0.004;
  const SliceStack stack = CheckSliceStack(InMemory(slices), "/in/memory");
  EXPECT_NEAR(stack.geometry.spacing_mm[2], 2.5, kTolMm);
  EXPECT_NEAR(stack.slice_spacing_min_mm, 2.496, 1e-6);
  EXPECT_NEAR(stack.slice_spacing_max_mm, 2.504, 1e-6);
}

TEST(CheckSliceStackTest, SliceShiftedSidewaysIsRefused) {
  std::vector<SyntheticSlice> slices = MakeSeries(Axial());
  slices[2].position_mm[0] += 9.0;  // first and last still on the normal: no tilt
  ExpectError([&] { CheckSliceStack(InMemory(slices), "/in/memory"); }, ErrorKind::kGeometryInvalid,
              {"/in/memory", "(0020,0032)", "off the line", "expected at most 0.10 mm"});
}

TEST(CheckSliceStackTest, MissingSliceCountsTheAbsentSlices) {
  std::vector<SyntheticSlice> slices = MakeSeries(With([](SeriesSpec& s) { s.slices = 8; }));
  slices.erase(slices.begin() + 3, slices.begin() + 5);  // two adjacent slices gone
  ExpectError([&] { CheckSliceStack(InMemory(slices), "/in/memory"); }, ErrorKind::kGeometryInvalid,
              {"/in/memory", "missing slice", "gap of 7.50 mm", "about 2 slice(s) absent"});
}

// ---------------------------------------------------------------------------
// Real data (3D-IRCADb-01 patient 1); skipped when the shared data is absent.

std::string IrcadbFolder() {
  const std::string root = testing::SharedDataDir();
  if (root.empty()) return {};
  const std::string folder = root + "/ircadb1.1/ct_dicom";
  return fs::is_directory(folder) ? folder : std::string();
}

TEST(DicomSeriesRealDataTest, LoadsIrcadbPatient1) {
  const std::string folder = IrcadbFolder();
  if (folder.empty()) {
    GTEST_SKIP() << "real data not found: set MARGO_SHARED_DATA_DIR to the folder holding "
                    "ircadb1.1/ct_dicom (shared/data/real)";
  }
  const LoadedCt ct = LoadFolder(folder);
  const ImageGeometry& g = ct.report.geometry;
  EXPECT_EQ(g.size, (std::array<std::size_t, 3>{512, 512, 129}));
  EXPECT_NEAR(g.spacing_mm[0], 0.57, 0.005);
  EXPECT_NEAR(g.spacing_mm[1], 0.57, 0.005);
  EXPECT_NEAR(g.spacing_mm[2], 1.6, 0.005);
  EXPECT_NEAR(ct.report.slice_spacing_min_mm, 1.6, 0.005);
  EXPECT_NEAR(ct.report.slice_spacing_max_mm, 1.6, 0.005);
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(g.direction[r][c], r == c ? 1.0 : 0.0, 1e-6);
  }
  EXPECT_EQ(ct.report.file_count, 129u);
}

TEST(DicomSeriesRealDataTest, IrcadbWithMiddleSliceRemovedIsRefused) {
  const std::string folder = IrcadbFolder();
  if (folder.empty()) {
    GTEST_SKIP() << "real data not found: set MARGO_SHARED_DATA_DIR to the folder holding "
                    "ircadb1.1/ct_dicom (shared/data/real)";
  }
  // The middle slice by position (not by file name), found from the headers.
  std::vector<DicomSlice> slices = ScanDicomFolder(folder);
  ASSERT_EQ(slices.size(), 129u);
  std::sort(slices.begin(), slices.end(),
            [](const DicomSlice& a, const DicomSlice& b) { return a.position_mm[2] < b.position_mm[2]; });
  const fs::path removed = fs::path(slices[64].file).filename();

  TempDir dir;
  const std::string copy = dir / "ct_dicom";
  fs::create_directories(copy);
  for (const DicomSlice& s : slices) {
    const fs::path source = fs::absolute(s.file);
    if (source.filename() == removed) continue;
    fs::create_symlink(source, fs::path(copy) / source.filename());  // no pixel data copied
  }
  ExpectError([&] { LoadFolder(copy); }, ErrorKind::kGeometryInvalid,
              {copy, "missing slice", "gap of 3.20 mm", "expected 1.60 mm"});
}

}  // namespace
}  // namespace margo
