#include "apps/warped_labels.h"

#include <itkImageRegionIteratorWithIndex.h>

#include "io/image_writer.h"
#include "registration/map_region.h"

namespace margo {
namespace {

// Nearest-neighbour resampling of `labels` (pre space) onto `grid` (post
// space) through any post -> pre map, rigid or deformable; only the part of
// the grid the labels can reach is visited.
LabelImage::Pointer LabelsThrough(const LabelImage& labels, const ScanMap& map,
                                  const itk::ImageBase<3>& grid) {
  auto out = LabelImage::New();
  out->CopyInformation(&grid);
  out->SetRegions(grid.GetLargestPossibleRegion());
  out->Allocate();
  out->FillBuffer(0);
  const auto region = labels.GetLargestPossibleRegion();
  const auto post_to_pre = map.PostToPre();
  ParallelOverRegion(PostRegionReaching(grid, labels, map), [&](const itk::ImageRegion<3>& piece) {
    itk::ImageRegionIteratorWithIndex<LabelImage> it(out, piece);
    for (; !it.IsAtEnd(); ++it) {
      LabelImage::PointType p;
      out->TransformIndexToPhysicalPoint(it.GetIndex(), p);
      const Vec3 q = post_to_pre({p[0], p[1], p[2]});
      for (int a = 0; a < 3; ++a) p[a] = q[a];
      const itk::Index<3> index = labels.TransformPhysicalPointToIndex(p);
      if (region.IsInside(index)) it.Set(labels.GetPixel(index));
    }
  });
  return out;
}

}  // namespace

LabelImage::Pointer TumoursOnPostCt(const ReportImages& images) {
  return LabelsThrough(*images.tumours, images.post_to_pre, *images.post_ct);
}

void WriteTumoursOnPostCt(const ReportImages& images, const std::string& path) {
  WriteImage(*TumoursOnPostCt(images), path);
}

}  // namespace margo
