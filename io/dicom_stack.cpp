// Sorting and checking the slices of one DICOM series, then reading them.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gdcmTrace.h>
#include <itkGDCMImageIO.h>
#include <itkImageSeriesReader.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>

#include "core/error.h"
#include "io/dicom_series.h"

namespace margo {
namespace {

constexpr double kOrientationTolerance = 1e-3;
constexpr double kMaxTiltDeg = 0.1;
constexpr double kMaxOffLineMm = 0.1;
constexpr double kMinSpacingMm = 0.05;
constexpr double kMaxPixelSpacingMm = 10.0;
constexpr double kMaxSliceSpacingMm = 20.0;

std::string Fmt(const char* format, double a, double b = 0, double c = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, format, a, b, c);
  return buf;
}

std::string Where(const DicomSlice& s) {
  return "instance " + std::to_string(s.instance) + " (" + s.file + ")";
}

[[noreturn]] void Reject(const std::string& folder, const std::string& what) {
  throw Error(ErrorKind::kGeometryInvalid, "DICOM series " + folder + ": " + what);
}

// A position, orientation or pixel spacing that is absent, or present but
// not `count` finite numbers (NaN, text).
[[noreturn]] void RejectUnparsed(const DicomSlice& s, const std::string& tag, const std::string& text,
                                 int count, const std::string& folder) {
  if (text.empty()) Reject(folder, Where(s) + " has no " + tag);
  Reject(folder, Where(s) + ": " + tag + " is '" + text + "'; expected " + std::to_string(count) +
                     " finite numbers separated by backslashes");
}

// One attribute that must be the same in every slice of a series.
struct SeriesWideTag {
  const char* name;  // "Patient ID (0010,0020)"
  std::string DicomSlice::*value;
};

// A series mixing two patients or two studies is two scans stacked into
// one volume: refused, naming the first slice that differs from the first.
void CheckOnePatientAndStudy(const std::vector<DicomSlice>& slices, const std::string& folder) {
  static const SeriesWideTag kTags[] = {{"Patient ID (0010,0020)", &DicomSlice::patient_id},
                                        {"Patient's Name (0010,0010)", &DicomSlice::patient_name},
                                        {"Study Instance UID (0020,000D)", &DicomSlice::study_uid}};
  const DicomSlice& first = slices.front();
  for (const SeriesWideTag& tag : kTags) {
    for (const DicomSlice& s : slices) {
      if (s.*tag.value == first.*tag.value) continue;
      Reject(folder, Where(s) + " has " + tag.name + " '" + s.*tag.value + "'; expected '" +
                         first.*tag.value + "' as in " + Where(first) +
                         " (one series must hold one patient's study)");
    }
  }
}

void CheckHeaders(const std::vector<DicomSlice>& slices, const std::string& folder) {
  if (slices.size() < 2) {
    Reject(folder, "found " + std::to_string(slices.size()) +
                       " slice; expected at least 2 to make a volume");
  }
  const DicomSlice& first = slices.front();
  for (const DicomSlice& s : slices) {
    if (!s.has_position) RejectUnparsed(s, "Image Position Patient (0020,0032)", s.position_text, 3, folder);
    if (!s.has_orientation) {
      RejectUnparsed(s, "Image Orientation Patient (0020,0037)", s.orientation_text, 6, folder);
    }
    if (!s.has_pixel_spacing) RejectUnparsed(s, "Pixel Spacing (0028,0030)", s.pixel_spacing_text, 2, folder);
    if (s.frame_of_reference != first.frame_of_reference) {
      Reject(folder, Where(s) + " has Frame of Reference UID (0020,0052) '" + s.frame_of_reference + "'; expected '" +
                         first.frame_of_reference + "' as in " + Where(first));
    }
    if (s.rows != first.rows || s.columns != first.columns) {
      Reject(folder, Where(s) + " is " + std::to_string(s.columns) + " x " + std::to_string(s.rows) +
                         " pixels; expected " + std::to_string(first.columns) + " x " +
                         std::to_string(first.rows) + " as in " + Where(first));
    }
    for (int i = 0; i < 6; ++i) {
      if (std::abs(s.orientation[i] - first.orientation[i]) > kOrientationTolerance) {
        Reject(folder, Where(s) + ": Image Orientation Patient (0020,0037) is '" + s.orientation_text +
                           "'; expected '" + first.orientation_text + "' as in " + Where(first) +
                           Fmt(" (one orientation per series, within %g)", kOrientationTolerance));
      }
    }
    for (int i = 0; i < 2; ++i) {
      const double v = s.pixel_spacing_mm[i];
      if (!(v >= kMinSpacingMm && v <= kMaxPixelSpacingMm)) {
        Reject(folder, Where(s) + ": Pixel Spacing (0028,0030) is " + Fmt("%g mm", v) +
                           Fmt("; expected %g to %g mm", kMinSpacingMm, kMaxPixelSpacingMm));
      }
      if (std::abs(v - first.pixel_spacing_mm[i]) > 1e-4) {
        Reject(folder, Where(s) + ": Pixel Spacing (0028,0030) " + Fmt("%g mm differs from %g mm", v,
                                                                         first.pixel_spacing_mm[i]) +
                           " in " + Where(first));
      }
    }
  }
}

[[noreturn]] void RejectPixels(const std::string& folder, const std::string& what) {
  throw Error(ErrorKind::kInputUnreadable, "DICOM series " + folder + ": " + what);
}

// The pixel format attributes in which `s` differs from `first`: "Bits
// Allocated (0028,0100) 8; expected 16".
std::string PixelFormatDifference(const DicomSlice& s, const DicomSlice& first) {
  std::string found, expected;
  const auto compare = [&](const char* name, unsigned a, unsigned b) {
    if (a == b) return;
    found += std::string(found.empty() ? "" : ", ") + name + " " + std::to_string(a);
    expected += std::string(expected.empty() ? "" : ", ") + std::to_string(b);
  };
  compare("Bits Allocated (0028,0100)", s.bits_allocated, first.bits_allocated);
  compare("Samples per Pixel (0028,0002)", s.samples_per_pixel, first.samples_per_pixel);
  compare("Pixel Representation (0028,0103)", s.pixel_representation, first.pixel_representation);
  return found.empty() ? "" : found + "; expected " + expected;
}

// ITK reads every slice with the first slice's pixel format: another format
// in one slice comes out as garbage, not as an error.
void CheckOnePixelFormat(const std::vector<DicomSlice>& slices, const std::string& folder) {
  const DicomSlice& first = slices.front();
  for (const DicomSlice& s : slices) {
    const std::string difference = PixelFormatDifference(s, first);
    if (difference.empty()) continue;
    RejectPixels(folder, "mixed pixel format within the series: " + Where(s) + " has " + difference +
                             " as in " + Where(first));
  }
}

// Uncompressed Pixel Data must hold exactly one frame of Rows x Columns:
// GDCM reads a short one as zeros (and a wrong Rows as a sheared image).
void CheckPixelDataLength(const DicomSlice& s, const std::string& folder) {
  if (!s.has_pixel_data) {
    RejectPixels(folder, Where(s) + " has no Pixel Data (7FE0,0010); expected a CT image");
  }
  if (s.pixel_data_encapsulated) return;  // compressed: the decoder checks its frame
  const std::uint64_t expected =
      std::uint64_t(s.rows) * s.columns * (s.bits_allocated / 8) * s.samples_per_pixel;
  const std::uint64_t padded = expected + expected % 2;  // values have even length
  if (s.bits_allocated % 8 == 0 && s.bits_allocated > 0 &&
      (s.pixel_data_bytes == expected || s.pixel_data_bytes == padded)) {
    return;
  }
  RejectPixels(folder, Where(s) + ": pixel data length " + std::to_string(s.pixel_data_bytes) +
                           "; expected Rows x Columns x BitsAllocated/8 x SamplesPerPixel = " +
                           std::to_string(s.rows) + " x " + std::to_string(s.columns) + " x " +
                           std::to_string(s.bits_allocated) + "/8 x " + std::to_string(s.samples_per_pixel) +
                           " = " + std::to_string(expected));
}

bool IsCt(const DicomSlice& s) { return s.modality == "CT" || s.sop_class_uid == UID_CTImageStorage; }

// Stored value x Rescale Slope + Intercept = HU. Both are Type 1 in a CT
// image: GDCM reads a missing or unreadable slope as 1 (also a slope of 0)
// and intercept as 0, which turns one slice into a slab of stored values
// (+1024 HU). A slice of another modality (noted, not refused) may lack both.
void CheckRescale(const DicomSlice& s, const std::string& folder) {
  static const char kWhy[] = "HU = stored value x slope + intercept)";
  const bool absent = s.rescale_slope_text.empty() && s.rescale_intercept_text.empty();
  if (absent && !IsCt(s)) return;
  if (s.rescale_slope_text.empty() || s.rescale_intercept_text.empty()) {
    const char* tag =
        s.rescale_slope_text.empty() ? "Rescale Slope (0028,1053)" : "Rescale Intercept (0028,1052)";
    RejectPixels(folder,
                 Where(s) + " has no " + tag + "; expected one in every slice" +
                     (IsCt(s) ? " (Type 1 in a CT image: " : " (or neither, in an image other than CT: ") +
                     kWhy);
  }
  if (!(std::isfinite(s.rescale_slope) && s.rescale_slope != 0.0)) {
    RejectPixels(folder, Where(s) + ": Rescale Slope (0028,1053) is '" + s.rescale_slope_text +
                             "'; expected a finite, non-zero number (" + kWhy);
  }
  if (!std::isfinite(s.rescale_intercept)) {
    RejectPixels(folder, Where(s) + ": Rescale Intercept (0028,1052) is '" + s.rescale_intercept_text +
                             "'; expected a finite number (" + kWhy);
  }
}

void CheckPixelData(const std::vector<DicomSlice>& slices, const std::string& folder) {
  CheckOnePixelFormat(slices, folder);
  for (const DicomSlice& s : slices) {
    CheckPixelDataLength(s, folder);
    CheckRescale(s, folder);
  }
}

// "Modality (0008,0060) is 'MR' in 12 of 40 slices (first: instance 3
// (file)); ..." or nothing when every slice is CT.
std::optional<std::string> ModalityNote(const std::vector<DicomSlice>& slices) {
  const auto not_ct = [](const DicomSlice& s) { return s.modality != "CT"; };
  const auto odd = std::find_if(slices.begin(), slices.end(), not_ct);
  if (odd == slices.end()) return std::nullopt;
  const auto count = std::count_if(slices.begin(), slices.end(), not_ct);
  return "Modality (0008,0060) is '" + odd->modality + "' in " + std::to_string(count) + " of " +
         std::to_string(slices.size()) + " slices (first: " + Where(*odd) +
         "); expected CT: margo's registration window assumes Hounsfield units";
}

bool LossyCompressed(const DicomSlice& s) {
  return s.transfer_syntax_lossy || s.lossy_image_compression == "01";
}

// Lossy compression changes HU values near edges; not refused, but said.
std::optional<std::string> LossyNote(const std::vector<DicomSlice>& slices) {
  const auto odd = std::find_if(slices.begin(), slices.end(), LossyCompressed);
  if (odd == slices.end()) return std::nullopt;
  const auto count = std::count_if(slices.begin(), slices.end(), LossyCompressed);
  const std::string how = odd->transfer_syntax_lossy ? "Transfer Syntax " + odd->transfer_syntax
                                                     : std::string("Lossy Image Compression (0028,2110) 01");
  return std::to_string(count) + " of " + std::to_string(slices.size()) +
         " slices are lossy-compressed (first: " + Where(*odd) + ", " + how +
         "); expected lossless: HU values may differ from the scanner's";
}

std::vector<std::string> StackNotes(const std::vector<DicomSlice>& slices) {
  std::vector<std::string> notes;
  for (const auto& note : {ModalityNote(slices), LossyNote(slices)}) {
    if (note) notes.push_back(*note);
  }
  return notes;
}

// Row and column direction cosines; rejects non-orthonormal ones.
std::pair<Vec3, Vec3> CheckedAxes(const DicomSlice& s, const std::string& folder) {
  const Vec3 row{s.orientation[0], s.orientation[1], s.orientation[2]};
  const Vec3 col{s.orientation[3], s.orientation[4], s.orientation[5]};
  const double dot = Dot(row, col);
  const double nr = std::sqrt(Dot(row, row)), nc = std::sqrt(Dot(col, col));
  if (std::abs(dot) > kOrientationTolerance || std::abs(nr - 1) > kOrientationTolerance ||
      std::abs(nc - 1) > kOrientationTolerance) {
    Reject(folder, Where(s) + ": Image Orientation Patient (0020,0037) is not orthonormal: " +
                       Fmt("row.column = %.4f, |row| = %.4f, |column| = %.4f", dot, nr, nc) +
                       "; expected 0, 1, 1");
  }
  return {row, col};
}

void CheckSpacing(const std::vector<DicomSlice>& sorted, const std::vector<double>& along,
                  const std::string& folder, SliceStack& stack) {
  std::vector<double> gaps;
  for (std::size_t i = 1; i < sorted.size(); ++i) gaps.push_back(along[i] - along[i - 1]);
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    if (gaps[i] < kMinSpacingMm) {
      Reject(folder, Where(sorted[i]) + " and " + Where(sorted[i + 1]) + Fmt(
                         " are %.3f mm apart along the slice normal (0020,0032); expected distinct "
                         "positions", gaps[i]));
    }
  }
  std::vector<double> ordered = gaps;
  std::nth_element(ordered.begin(), ordered.begin() + ordered.size() / 2, ordered.end());
  const double typical = ordered[ordered.size() / 2];
  if (typical > kMaxSliceSpacingMm) {
    Reject(folder, Fmt("slice spacing is %.2f mm (from Image Position Patient); expected at most %g mm",
                       typical, kMaxSliceSpacingMm));
  }
  const double tolerance = std::max(0.05, 0.01 * typical);
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    if (std::abs(gaps[i] - typical) <= tolerance) continue;
    const double ratio = gaps[i] / typical;
    const bool missing = ratio > 1.5 && std::abs(ratio - std::round(ratio)) < 0.1;
    const std::string between = " between " + Where(sorted[i]) + " and " + Where(sorted[i + 1]);
    if (missing) {
      Reject(folder, Fmt("missing slice: gap of %.2f mm (0020,0032)", gaps[i]) + between +
                         Fmt("; expected %.2f mm, about %.0f slice(s) absent", typical,
                             std::round(ratio) - 1));
    }
    Reject(folder, Fmt("slice spacing varies: %.2f mm (0020,0032)", gaps[i]) + between +
                       Fmt("; expected %.2f mm +/- %.2f mm", typical, tolerance));
  }
  stack.slice_spacing_min_mm = *std::min_element(gaps.begin(), gaps.end());
  stack.slice_spacing_max_mm = *std::max_element(gaps.begin(), gaps.end());
}

// Every slice must lie on the line through the first and last positions:
// a slice shifted sideways is as wrong as a tilted stack.
void CheckOnLine(const std::vector<DicomSlice>& sorted, const std::string& folder) {
  const Vec3 first = sorted.front().position_mm;
  const Vec3 span = Sub(sorted.back().position_mm, first);
  const double length = std::sqrt(Dot(span, span));
  const Vec3 dir{span[0] / length, span[1] / length, span[2] / length};
  for (const DicomSlice& s : sorted) {
    const Vec3 d = Sub(s.position_mm, first);
    const double along = Dot(d, dir);
    const Vec3 off = Sub(d, {along * dir[0], along * dir[1], along * dir[2]});
    const double off_mm = std::sqrt(Dot(off, off));
    if (off_mm > kMaxOffLineMm) {
      Reject(folder, Where(s) + Fmt(": Image Position Patient (0020,0032) lies %.2f mm off the line of the other "
                                    "slices; expected at most %.2f mm", off_mm, kMaxOffLineMm));
    }
  }
}

double TiltDegrees(const Vec3& first, const Vec3& last, const Vec3& normal) {
  const Vec3 d = Sub(last, first);
  const double along = Dot(d, normal);
  const Vec3 across = Sub(d, {along * normal[0], along * normal[1], along * normal[2]});
  return std::atan2(std::sqrt(Dot(across, across)), std::abs(along)) * 180.0 / M_PI;
}

}  // namespace

SliceStack CheckSliceStack(std::vector<DicomSlice> slices, const std::string& folder) {
  if (!slices.empty()) CheckOnePatientAndStudy(slices, folder);
  CheckHeaders(slices, folder);
  CheckPixelData(slices, folder);
  const auto [row, col] = CheckedAxes(slices.front(), folder);
  const Vec3 normal = Cross(row, col);
  std::sort(slices.begin(), slices.end(), [&normal](const DicomSlice& a, const DicomSlice& b) {
    return Dot(a.position_mm, normal) < Dot(b.position_mm, normal);
  });
  std::vector<double> along;
  for (const DicomSlice& s : slices) along.push_back(Dot(s.position_mm, normal));

  SliceStack stack;
  CheckSpacing(slices, along, folder, stack);
  CheckOnLine(slices, folder);
  stack.tilt_deg = TiltDegrees(slices.front().position_mm, slices.back().position_mm, normal);
  if (stack.tilt_deg > kMaxTiltDeg) {
    Reject(folder, Fmt("gantry tilt or sheared stack: slice positions (0020,0032) drift %.2f degrees "
                       "off the slice normal; expected 0 (at most %.1f)", stack.tilt_deg, kMaxTiltDeg));
  }
  const DicomSlice& first = slices.front();
  ImageGeometry& g = stack.geometry;
  g.size = {first.columns, first.rows, slices.size()};
  // Pixel Spacing is (row spacing = between rows, column spacing = between columns).
  g.spacing_mm = {first.pixel_spacing_mm[1], first.pixel_spacing_mm[0],
                  (along.back() - along.front()) / double(slices.size() - 1)};
  g.origin_mm = first.position_mm;
  for (int r = 0; r < 3; ++r) g.direction[r] = {row[r], col[r], normal[r]};
  for (const DicomSlice& s : slices) stack.files.push_back(s.file);
  stack.series_uid = first.series_uid;
  stack.frame_of_reference = first.frame_of_reference;
  DicomSeriesRef& ref = stack.reference;
  ref.study_uid = first.study_uid;
  ref.series_uid = first.series_uid;
  ref.frame_of_reference = first.frame_of_reference;
  ref.sop_class_uid = first.sop_class_uid;
  ref.files = stack.files;
  for (const DicomSlice& s : slices) ref.sop_instance_uids.push_back(s.sop_instance_uid);
  ref.lossy = std::any_of(slices.begin(), slices.end(), LossyCompressed);
  stack.notes = StackNotes(slices);
  return stack;
}

CtImage::Pointer ReadSliceStack(const SliceStack& stack, const std::string& folder) {
  using Reader = itk::ImageSeriesReader<CtImage>;
  auto reader = Reader::New();
  auto io = itk::GDCMImageIO::New();
  reader->SetImageIO(io);
  reader->SetFileNames(stack.files);
  // Every file passed CheckSliceStack: what GDCM would still say on stderr
  // (multi-line, unprefixed) is noise, and its refusals arrive as exceptions.
  gdcm::Trace::WarningOff();
  gdcm::Trace::DebugOff();
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorKind::kInputUnreadable,
                "DICOM series " + folder + ": cannot read the pixel data: " + e.GetDescription());
  }
  CtImage::Pointer image = reader->GetOutput();
  image->DisconnectPipeline();
  SetGeometry(*image, stack.geometry);
  return image;
}

}  // namespace margo
