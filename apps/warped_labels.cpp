#include "apps/warped_labels.h"

#include "io/image_writer.h"
#include "io/label_grid.h"
#include "registration/itk_transform.h"

namespace margo {

void WriteTumoursOnPostCt(const ReportImages& images, const std::string& path) {
  const ItkRigid::Pointer post_to_pre = ToItk(images.post_to_pre);
  WriteImage(*ResampleLabels(*images.tumours, post_to_pre, *images.post_ct), path);
}

}  // namespace margo
