// Loading CT volumes and label maps from NIfTI (.nii, .nii.gz), NRRD (.nrrd,
// .nhdr), MetaImage (.mha, .mhd) and DICOM series folders. Geometry is
// checked here, once, and described in the returned report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "core/image_types.h"
#include "io/dicom_series.h"

namespace margo {

struct LoadReport {
  std::string path;
  std::string format;      // "DICOM series", "NIfTI", "NRRD", "MetaImage"
  ImageGeometry geometry;  // as loaded (before any resampling)
  std::string series_uid;  // DICOM only
  std::string frame_of_reference;
  std::size_t file_count = 1;
  double slice_spacing_min_mm = 0.0;  // DICOM only: measured from positions
  double slice_spacing_max_mm = 0.0;
  DicomSeriesRef dicom;  // DICOM series only: what derived objects reference
  std::string references;  // DICOM SEG/RTSTRUCT only: how its references were checked against the CT
  // Warnings for the caller to log, one line each (a DICOM series of another
  // modality than CT, lossy-compressed slices); the input is still used.
  std::vector<std::string> notes;
};

struct LoadedCt {
  CtImage::Pointer image;
  LoadReport report;
};

struct LoadedLabels {
  LabelImage::Pointer image;
  LoadReport report;
};

// True for the volume files margo may read on one thread while it reads
// others on another (.nii, .nii.gz, .nrrd, .nhdr by name, and not DICOM by
// content: a SEG or RTSTRUCT under such a name is read as DICOM, and needs
// its CT). Not MetaImage:
// MetaIO prints on std::cerr, which margo captures while it reads one
// (io/cerr_capture.h). Not DICOM series and objects: their toolkits share
// dictionaries.
bool ReadableAlongsideOthers(const std::string& path);

// Every loader first refuses, with Error(kInputUnreadable), a path that does
// not exist or is neither a regular file nor a folder (a FIFO, device or
// socket would block or never end); symlinks are followed.
// `role` names the input in messages ("pre CT", "tumour labels").
LoadedCt LoadCt(const std::string& path, const std::string& role, const DicomSelection& selection = {});
// What a segmentation is checked against and, for RTSTRUCT, drawn onto.
struct LabelReference {
  const LoadReport* ct = nullptr;          // the CT the labels belong to (its UIDs, if DICOM)
  const itk::ImageBase<3>* grid = nullptr;  // that CT's grid: RTSTRUCT contours are rasterised onto it
  std::string ct_role;                     // "pre CT"
  std::vector<std::uint16_t> only;         // DICOM: segments / ROI numbers to read; empty = all
};

// Label maps (.nii, .nrrd, .mha, ...) hold whole numbers 0..65535; anything
// else is Error(kSegmentationInvalid). A DICOM SEG gives label n for segment
// number n, an RTSTRUCT label n for ROI number n (contours rasterised onto
// reference.grid, required); overlapping segments or ROIs are
// Error(kSegmentationInvalid). When reference.ct is a DICOM series, the
// object's Frame of Reference UID must equal the CT's (else
// Error(kGeometryInvalid)) and, when it lists referenced series, the CT's
// series must be among them (else Error(kSegmentationInvalid)).
LoadedLabels LoadLabels(const std::string& path, const std::string& role, const LabelReference& reference = {});

// Voxel spacing margo trusts, along every axis.
inline constexpr double kMinSpacingMm = 0.01;
inline constexpr double kMaxSpacingMm = 50.0;

// Rejects zero, negative or absurd spacing and non-orthonormal directions.
void CheckGeometry(const ImageGeometry& g, const std::string& role, const std::string& path);

}  // namespace margo
