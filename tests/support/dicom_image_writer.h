// A CT image written as a DICOM CT series (one file per slice along the
// image's third axis), so tests can put a phantom into an archive.
#pragma once

#include <string>

#include "core/image_types.h"

namespace margo::testing {

struct DicomSeriesIds {
  std::string study_uid, series_uid, frame_of_reference;
  std::string modality = "CT";
  std::string description = "synthetic CT";
};

// Writes `image` into `folder` (created): stored value = round(HU) + 1024,
// rescale intercept -1024; Image Position/Orientation Patient and Pixel
// Spacing from the image's own origin, direction and spacing (LPS mm).
// Returns the number of slices written.
std::size_t WriteCtAsDicomSeries(const CtImage& image, const std::string& folder, const DicomSeriesIds& ids);

// A new DICOM UID (GDCM's generator), unique per call.
std::string NewUid();

}  // namespace margo::testing
