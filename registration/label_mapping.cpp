#include "registration/label_mapping.h"

#include "io/label_grid.h"
#include "registration/itk_transform.h"

namespace margo {

LabelImage::Pointer MapPreLabelsToPost(const LabelImage& pre_labels, const RigidTransform& post_to_pre,
                                       const itk::ImageBase<3>& post_grid) {
  return ResampleLabels(pre_labels, ToItk(post_to_pre), post_grid);
}

LabelImage::Pointer MapPostLabelsToPre(const LabelImage& post_labels, const RigidTransform& post_to_pre,
                                       const itk::ImageBase<3>& pre_grid) {
  auto inverse = ItkRigid::New();
  ToItk(post_to_pre)->GetInverse(inverse);
  return ResampleLabels(post_labels, inverse, pre_grid);
}

}  // namespace margo
