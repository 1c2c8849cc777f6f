// Writing a CT volume as a DICOM CT series (one file per slice), e.g. the
// phantom cases, so margo's DICOM path can be tested end to end.
#pragma once

#include <string>

#include "core/image_types.h"
#include "io/dicom_series.h"

namespace margo {

struct DicomCtSpec {
  std::string patient_name = "MARGO^PHANTOM";
  std::string patient_id = "MARGO-PHANTOM";
  std::string study_uid;           // REQUIRES: non-empty
  std::string series_uid;          // REQUIRES: non-empty
  std::string frame_of_reference;  // REQUIRES: non-empty
  std::string series_description = "CT";
  int series_number = 1;
  std::string study_date = "20240101", study_time = "120000";  // fixed: phantom files are reproducible
};

// Writes slice k of `image` to `folder`/slice_<kkkk>.dcm (the folder is
// created), with the image's exact geometry (Image Position/Orientation
// (Patient), Pixel Spacing) and HU as int16 (rescale slope 1, intercept 0,
// clamped to -32768..32767). SOP Instance UIDs derive from the series UID.
// Returns what derived objects (SEG) must reference. Throws Error(kOutputFailed).
DicomSeriesRef WriteDicomCtSeries(const CtImage& image, const std::string& folder, const DicomCtSpec& spec);
DicomSeriesRef WriteDicomCtSeries(const itk::Image<std::int16_t, 3>& image, const std::string& folder,
                                  const DicomCtSpec& spec);

}  // namespace margo
