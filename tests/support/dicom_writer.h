// Synthetic CT DICOM series for unit tests: one small int16 file per slice,
// written with GDCM, with every geometry tag under the test's control so
// tests can build broken series (missing slices, tilt, odd orientations).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/geometry.h"

namespace margo::testing {

inline constexpr char kSeriesUidA[] = "1.2.826.0.1.3680043.10.1234.1.1";
inline constexpr char kSeriesUidB[] = "1.2.826.0.1.3680043.10.1234.1.2";
inline constexpr char kFrameOfReferenceUid[] = "1.2.826.0.1.3680043.10.1234.9.1";
inline constexpr char kStudyUid[] = "1.2.826.0.1.3680043.10.1234.2.1";

// The stored (raw) value of pixel (row, column) in a slice labelled `label`:
// 1024 * label + 32 * row + column, so a test can tell from any voxel which
// slice it came from. Needs rows, columns < 32 and 0 <= label < 32.
std::int16_t SyntheticStoredValue(int label, unsigned row, unsigned column);

// Everything written into one slice file. Each geometry tag can be dropped
// (write_* = false) or given any value, valid or not.
struct SyntheticSlice {
  std::string file_name;                                  // inside the series folder
  std::string study_uid = kStudyUid;                      // (0020,000D)
  std::string series_uid = kSeriesUidA;                   // (0020,000E)
  std::string frame_of_reference = kFrameOfReferenceUid;  // (0020,0052)
  std::string modality = "CT";                            // (0008,0060)
  std::string description = "synthetic CT";               // (0008,103E)
  std::string patient_id = "MARGO-TEST";                  // (0010,0020)
  std::string patient_name = "Synthetic^Phantom";         // (0010,0010)
  std::string lossy_image_compression;                    // (0028,2110); empty: not written
  int instance = 1;                                       // (0020,0013)
  Vec3 position_mm{};                                     // (0020,0032)
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};    // (0020,0037)
  std::array<double, 2> pixel_spacing_mm{1, 1};           // (0028,0030): row, column spacing
  double slice_thickness_mm = 1.0;                        // (0018,0050): never used for geometry
  unsigned rows = 8, columns = 8;                         // (0028,0010), (0028,0011)
  double rescale_slope = 1.0;                             // (0028,1053)
  double rescale_intercept = -1024.0;                     // (0028,1052)
  int pixel_label = 0;                                    // see SyntheticStoredValue
  std::vector<std::int16_t> pixels;  // when not empty: the stored values, row by row (rows x columns)
  bool write_position = true, write_orientation = true, write_pixel_spacing = true;
  // Values written exactly as given, over those above (keeping their VR):
  // {{0x0028, 0x0030}, "1,8\\1,8"}; nullopt removes the element.
  std::map<std::pair<std::uint16_t, std::uint16_t>, std::optional<std::string>> raw_text;
};

// A regular series: slice k sits at origin + k * slice_spacing * normal
// (normal = row x column cosines), has InstanceNumber k + 1, pixel_label k and
// file name "slice_<k>.dcm".
struct SeriesSpec {
  std::size_t slices = 5;
  unsigned rows = 8, columns = 8;
  Vec3 origin_mm{-10.0, 20.0, -30.0};
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};
  std::array<double, 2> pixel_spacing_mm{0.7, 0.7};
  double slice_spacing_mm = 2.5;
  std::string series_uid = kSeriesUidA;
  double rescale_slope = 1.0;
  double rescale_intercept = -1024.0;
};

std::vector<SyntheticSlice> MakeSeries(const SeriesSpec& spec);

// Writes one slice into `folder` (which must exist); returns the file path.
// Throws std::runtime_error if GDCM cannot write it.
std::string WriteDicomSlice(const std::string& folder, const SyntheticSlice& slice);

// Creates `folder` if needed and writes every slice into it.
void WriteDicomSeries(const std::string& folder, const std::vector<SyntheticSlice>& slices);

}  // namespace margo::testing
