// World (LPS mm) to continuous voxel index of an image's buffer, as ITK maps
// it (index = S^-1 D^-1 (p - first voxel)), held as plain numbers so that
// per-sample loops need no ITK call.
#pragma once

#include "core/geometry.h"

namespace margo {

struct IndexMap {
  double origin[3] = {0, 0, 0};  // the buffer's first voxel
  double point_to_index[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  long size[3] = {0, 0, 0};      // voxels of the buffer per axis

  void ContinuousIndex(const Vec3& p, double ci[3]) const {
    for (int a = 0; a < 3; ++a) {
      ci[a] = point_to_index[a][0] * (p[0] - origin[0]) + point_to_index[a][1] * (p[1] - origin[1]) +
              point_to_index[a][2] * (p[2] - origin[2]);
    }
  }
};

// The map of `image`'s buffered region (an ITK image of any pixel type).
template <typename TImage>
IndexMap IndexMapOf(const TImage& image) {
  IndexMap m;
  const auto inverse_direction = image.GetInverseDirection();
  const auto& region = image.GetBufferedRegion();
  typename TImage::PointType first;
  image.TransformIndexToPhysicalPoint(region.GetIndex(), first);
  for (int i = 0; i < 3; ++i) {
    m.origin[i] = first[i];
    m.size[i] = long(region.GetSize(i));
    for (int j = 0; j < 3; ++j) m.point_to_index[i][j] = inverse_direction[i][j] / image.GetSpacing()[i];
  }
  return m;
}

}  // namespace margo
