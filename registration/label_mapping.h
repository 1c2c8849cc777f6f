// Carrying label maps between the two scans through a rigid map.
#pragma once

#include "core/image_types.h"
#include "registration/rigid_transform.h"

namespace margo {

// Pre-scan labels onto the post-scan grid `post_grid` (nearest neighbour).
LabelImage::Pointer MapPreLabelsToPost(const LabelImage& pre_labels, const RigidTransform& post_to_pre,
                                       const itk::ImageBase<3>& post_grid);

// Post-scan labels onto the pre-scan grid `pre_grid` (nearest neighbour).
LabelImage::Pointer MapPostLabelsToPre(const LabelImage& post_labels, const RigidTransform& post_to_pre,
                                       const itk::ImageBase<3>& pre_grid);

}  // namespace margo
