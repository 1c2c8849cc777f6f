#include "apps/warped_labels.h"

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
  ParallelOverMappedRows(*out, PostRegionReaching(grid, labels, map), map, [&](const MappedRow& row) {
    itk::Index<3> at = row.first;
    for (std::size_t i = 0; i < row.pre.size(); ++i, ++at[0]) {
      const itk::Index<3> source =
          labels.TransformPhysicalPointToIndex(LabelImage::PointType(row.pre[i].data()));
      if (region.IsInside(source)) out->SetPixel(at, labels.GetPixel(source));
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
