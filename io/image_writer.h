// Writing images (NIfTI, NRRD, MetaImage by extension) atomically: a failed
// write leaves no half-written file. ITK's writers do not all report failed
// writes (a full disk), so the file written is read back and checked before
// it is renamed into place; Error(kOutputFailed) names `path` otherwise.
// NIfTI stores LPS images as RAS on disk (ITK converts); readers such as
// 3D Slicer show them in the right place.
#pragma once

#include <string>

#include "core/image_types.h"

namespace margo {

void WriteImage(const CtImage& image, const std::string& path);
void WriteImage(const LabelImage& image, const std::string& path);
void WriteImage(const itk::Image<std::int16_t, 3>& image, const std::string& path);

}  // namespace margo
