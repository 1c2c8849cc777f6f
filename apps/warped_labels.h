// The tumour label map carried into the post CT (nearest neighbour through the
// registration), for viewing tumours and ablation zone together in 3D Slicer.
#pragma once

#include <string>

#include "apps/report_images.h"

namespace margo {

// The tumour labels carried onto the post CT's grid (nearest neighbour).
// REQUIRES: images.post_ct.
LabelImage::Pointer TumoursOnPostCt(const ReportImages& images);

// REQUIRES: images.post_ct. Written atomically as NIfTI (RAS on disk; ITK converts).
void WriteTumoursOnPostCt(const ReportImages& images, const std::string& path);

}  // namespace margo
