// A label map limited to the field of view of the CT it belongs to.
#pragma once

#include "core/image_types.h"

namespace margo {

// `labels` without the voxels whose centres lie outside `ct`'s extent (its
// voxels' outer faces): the same image when none does, else a cropped copy
// with the same spacing, direction and world positions. A DICOM SEG reads
// as a stack padded by one empty frame beyond its first and last: left as
// it is, a zone cut by the end of the CT would look closed there.
LabelImage::Pointer WithinExtentOf(const LabelImage::Pointer& labels, const itk::ImageBase<3>& ct);

}  // namespace margo
