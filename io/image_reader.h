// Loading CT volumes and label maps from NIfTI (.nii, .nii.gz), NRRD (.nrrd,
// .nhdr), MetaImage (.mha, .mhd) and DICOM series folders. Geometry is
// checked here, once, and described in the returned report.
#pragma once

#include <string>

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
};

struct LoadedCt {
  CtImage::Pointer image;
  LoadReport report;
};

struct LoadedLabels {
  LabelImage::Pointer image;
  LoadReport report;
};

// `role` names the input in messages ("pre CT", "tumour labels").
LoadedCt LoadCt(const std::string& path, const std::string& role, const DicomSelection& selection = {});
// Label maps hold whole numbers 0..65535; anything else is Error(kSegmentationInvalid).
LoadedLabels LoadLabels(const std::string& path, const std::string& role);

// Rejects zero, negative or absurd spacing and non-orthonormal directions.
void CheckGeometry(const ImageGeometry& g, const std::string& role, const std::string& path);

}  // namespace margo
