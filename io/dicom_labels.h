// Label maps from DICOM segmentation objects (SEG, RTSTRUCT), checked
// against the CT they belong to. Called by LoadLabels (io/image_reader.h).
#pragma once

#include <string>

#include "io/dicom_object.h"
#include "io/image_reader.h"

namespace margo {

LoadedLabels LoadDicomLabels(const std::string& path, const std::string& role, DicomObjectKind kind,
                             const LabelReference& reference);

}  // namespace margo
