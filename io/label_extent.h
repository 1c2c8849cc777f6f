// A label map limited to the field of view of the CT it belongs to.
#pragma once

#include <cstdint>
#include <map>

#include "core/geometry.h"
#include "core/image_types.h"

namespace margo {

// `labels` without the voxels whose centres lie outside `ct`'s extent (its
// voxels' outer faces): the same image when none does, else a cropped copy
// with the same spacing, direction and world positions. A DICOM SEG reads
// as a stack padded by one empty frame beyond its first and last: left as
// it is, a zone cut by the end of the CT would look closed there.
LabelImage::Pointer WithinExtentOf(const LabelImage::Pointer& labels, const itk::ImageBase<3>& ct);

// The first voxel at or after `from` that is not 0 (`end` if none): eight
// voxels at a time, since label maps are mostly background.
const std::uint16_t* NextLabelled(const std::uint16_t* from, const std::uint16_t* end);

// Per label of `labels`, the LPS box of its voxels' centres (any direction:
// each labelled voxel's centre is placed in the world), visiting the
// labelled voxels only (NextLabelled).
std::map<std::uint16_t, WorldBox> BoxesOfLabels(const LabelImage& labels);

}  // namespace margo
