#include "apps/warped_labels.h"

#include <vector>

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
  ParallelOverRegion(PostRegionReaching(grid, labels, map), [&](const itk::ImageRegion<3>& piece) {
    // Row by row: the map carries a row's voxel centres at once.
    const std::size_t length = piece.GetSize(0);
    std::vector<Vec3> row(length), mapped(length);
    itk::Index<3> index = piece.GetIndex();
    for (index[2] = piece.GetIndex(2); index[2] < piece.GetIndex(2) + long(piece.GetSize(2)); ++index[2]) {
      for (index[1] = piece.GetIndex(1); index[1] < piece.GetIndex(1) + long(piece.GetSize(1)); ++index[1]) {
        itk::Index<3> at = index;
        for (std::size_t i = 0; i < length; ++i, ++at[0]) {
          LabelImage::PointType p;
          out->TransformIndexToPhysicalPoint(at, p);
          row[i] = {p[0], p[1], p[2]};
        }
        map.Apply(row.data(), length, mapped.data());
        at = index;
        for (std::size_t i = 0; i < length; ++i, ++at[0]) {
          const itk::Index<3> source = labels.TransformPhysicalPointToIndex(LabelImage::PointType(mapped[i].data()));
          if (region.IsInside(source)) out->SetPixel(at, labels.GetPixel(source));
        }
      }
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
