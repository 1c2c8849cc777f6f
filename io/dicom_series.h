// DICOM series folders: find the series, sort the slices by Image Position
// Patient and check the stack's geometry once, before any pixel is read.
// ITK's series reader only warns about missing or uneven slices; margo refuses.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "core/image_types.h"

namespace margo {

// Header fields of one slice file, as read from the folder.
struct DicomSlice {
  std::string file;
  std::string series_uid;          // (0020,000E)
  std::string study_uid;           // (0020,000D)
  std::string sop_instance_uid;    // (0008,0018)
  std::string sop_class_uid;       // (0008,0016)
  std::string frame_of_reference;  // (0020,0052)
  std::string modality;            // (0008,0060)
  std::string description;         // (0008,103E)
  std::string patient_id;          // (0010,0020)
  std::string patient_name;        // (0010,0010)
  int instance = 0;                // (0020,0013)
  Vec3 position_mm{};              // (0020,0032)
  std::array<double, 6> orientation{};  // (0020,0037): row then column direction cosines
  std::array<double, 2> pixel_spacing_mm{};  // (0028,0030): row spacing, column spacing
  unsigned rows = 0, columns = 0;  // (0028,0010), (0028,0011)
  bool has_position = false, has_orientation = false, has_pixel_spacing = false;
  std::string position_text, orientation_text, pixel_spacing_text;  // as stored, for messages
  unsigned bits_allocated = 0;                  // (0028,0100)
  unsigned samples_per_pixel = 0;               // (0028,0002)
  unsigned pixel_representation = 0;            // (0028,0103): 0 unsigned, 1 signed
  bool has_pixel_data = false;                  // (7FE0,0010)
  bool pixel_data_encapsulated = false;         // compressed: its length says nothing about Rows x Columns
  std::uint64_t pixel_data_bytes = 0;           // value length of (7FE0,0010) when not encapsulated
  double rescale_slope = NAN;                   // (0028,1053); NaN when absent or not one number
  double rescale_intercept = NAN;               // (0028,1052); NaN when absent or not one number
  std::string rescale_slope_text;               // as stored, for messages ("" when absent)
  std::string rescale_intercept_text;
  std::string transfer_syntax;                  // (0002,0010), DCMTK's name for it
  bool transfer_syntax_lossy = false;           // JPEG Baseline/Extended, JPEG 2000 lossy, ...
  std::string lossy_image_compression;          // (0028,2110): "01" once lossy-compressed
};

// What a DICOM object derived from a CT series (SEG, SR) must reference:
// the series, its study and frame of reference, and one SOP instance per
// slice in the order of the loaded image's k axis.
struct DicomSeriesRef {
  std::string study_uid, series_uid, frame_of_reference, sop_class_uid;
  std::vector<std::string> sop_instance_uids;  // slice k of the image
  std::vector<std::string> files;              // slice k's file
  bool lossy = false;  // some slice lossy-compressed: what is derived from it is lossy too
  bool Empty() const { return series_uid.empty(); }
};

// A checked, sorted stack of slices and the grid it defines.
struct SliceStack {
  std::vector<std::string> files;  // sorted along the slice normal
  std::string series_uid;
  std::string frame_of_reference;
  DicomSeriesRef reference;
  ImageGeometry geometry;
  double slice_spacing_min_mm = 0.0;  // measured from positions, not tags
  double slice_spacing_max_mm = 0.0;
  double tilt_deg = 0.0;
  // Not refused, but worth a warning, one line each: a modality other than
  // CT, lossy-compressed slices.
  std::vector<std::string> notes;
};

struct DicomSelection {
  std::string series_uid;  // empty: the folder must hold exactly one series
  std::string option;      // the option that sets it, for messages ("--pre-series-uid")
};

// Reads the header fields of every DICOM file directly in `folder` (with
// DCMTK, pixel data left on disk). Throws Error(kInputUnreadable) if the
// folder has no DICOM image, or naming the file if a DICOM file is cut
// short or corrupt (GDCM would abort the process on it): one with the DICOM
// preamble that DCMTK cannot read whole, one without it whose first
// elements DCMTK read (a SOP Class UID) before failing, and an image
// instance (an image storage SOP Class UID, from the data set or the file
// meta header) without Rows or Columns: DCMTK reads a file cut between two
// elements as complete, and skipping it as "not an image" lost the slice.
std::vector<DicomSlice> ScanDicomFolder(const std::string& folder);

// Keeps the slices of the selected series. Several series and no UID given,
// or an unknown UID: throws Error(kUsage) listing the series found.
std::vector<DicomSlice> SelectSeries(const std::vector<DicomSlice>& slices,
                                     const DicomSelection& selection, const std::string& folder);

// Sorts and checks one series: one patient (Patient ID and Name) and one
// study (Study Instance UID) in every slice; orientation present,
// orthonormal and constant, pixel spacing and matrix constant and sane, no
// duplicate, missing or unevenly spaced slice, no gantry tilt. Throws
// Error(kGeometryInvalid) naming the files, the value found and the value
// expected (the first slice's, for patient and study). Then the pixels: one
// pixel format (Bits Allocated, Samples per Pixel, Pixel Representation) in
// every slice, Pixel Data of Rows x Columns x Bits Allocated / 8 x Samples
// per Pixel bytes, a finite, non-zero Rescale Slope and a finite Rescale
// Intercept (both Type 1 in a CT image: a CT slice without them is refused;
// a slice of another modality may lack both, and is read as stored), else
// Error(kInputUnreadable) naming the slice. A modality other than CT and
// lossy-compressed slices are not refused but noted (SliceStack::notes).
SliceStack CheckSliceStack(std::vector<DicomSlice> slices, const std::string& folder);

// Reads the pixels of a checked stack (rescale slope/intercept applied) and
// gives the image exactly the geometry the stack defines.
CtImage::Pointer ReadSliceStack(const SliceStack& stack, const std::string& folder);

}  // namespace margo
