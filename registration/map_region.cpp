#include "registration/map_region.h"

#include <itkMultiThreaderBase.h>

#include <algorithm>
#include <cmath>

#include "registration/image_prep.h"

namespace margo {

namespace {

template <typename TImage>
itk::ImageRegion<3> NonZeroRegionOf(const TImage& labels) {
  const itk::ImageRegion<3> whole = labels.GetBufferedRegion();
  const long nx = long(whole.GetSize(0)), ny = long(whole.GetSize(1)), nz = long(whole.GetSize(2));
  long lo[3] = {nx, ny, nz}, hi[3] = {-1, -1, -1};
  const typename TImage::PixelType* v = labels.GetBufferPointer();
  for (long z = 0; z < nz; ++z) {
    for (long y = 0; y < ny; ++y, v += nx) {
      long first = 0;
      while (first < nx && v[first] == 0) ++first;
      if (first == nx) continue;
      long last = nx - 1;
      while (v[last] == 0) --last;
      lo[0] = std::min(lo[0], first), hi[0] = std::max(hi[0], last);
      lo[1] = std::min(lo[1], y), hi[1] = std::max(hi[1], y);
      lo[2] = std::min(lo[2], z), hi[2] = std::max(hi[2], z);
    }
  }
  itk::ImageRegion<3> region;
  for (int a = 0; a < 3; ++a) {
    region.SetIndex(a, whole.GetIndex(a) + std::min(lo[a], hi[a] + 1));
    region.SetSize(a, hi[a] >= lo[a] ? itk::SizeValueType(hi[a] - lo[a] + 1) : 0);
  }
  return region;
}

}  // namespace

itk::ImageRegion<3> NonZeroRegion(const LabelImage& labels) { return NonZeroRegionOf(labels); }
itk::ImageRegion<3> NonZeroRegion(const MaskImage& mask) { return NonZeroRegionOf(mask); }

itk::ImageRegion<3> PostRegionReaching(const itk::ImageBase<3>& post_grid, const LabelImage& pre_labels,
                                       const ScanMap& map) {
  const itk::ImageRegion<3> labelled = NonZeroRegion(pre_labels);
  if (labelled.GetNumberOfPixels() == 0) return labelled;
  // The labelled voxels' extent, one voxel wider (nearest-voxel lookups
  // round), carried into post space corner by corner through the rigid
  // part (exact for a box under an affine map) ...
  const ImageGeometry g = GeometryOf(pre_labels);  // indices from the largest region's start
  const auto start = pre_labels.GetLargestPossibleRegion().GetIndex();
  WorldBox post_box{{HUGE_VAL, HUGE_VAL, HUGE_VAL}, {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL}};
  for (int c = 0; c < 8; ++c) {
    Vec3 index;
    for (int a = 0; a < 3; ++a) {
      const long first = labelled.GetIndex(a) - start[a];
      index[a] = (c >> a & 1) ? double(first + long(labelled.GetSize(a))) : double(first) - 1.0;
    }
    const Vec3 q = map.rigid().ApplyInverse(g.IndexToPoint(index));
    for (int a = 0; a < 3; ++a) {
      post_box.min_mm[a] = std::min(post_box.min_mm[a], q[a]);
      post_box.max_mm[a] = std::max(post_box.max_mm[a], q[a]);
    }
  }
  // ... then widened by what the B-spline part can add.
  const double reach = map.deformable() ? map.deformable()->DisplacementBoundMm() : 0.0;
  return RegionForBox(post_grid, Grown(post_box, reach));
}

itk::ImageRegion<3> RegionUnion(const itk::ImageRegion<3>& a, const itk::ImageRegion<3>& b) {
  if (a.GetNumberOfPixels() == 0) return b;
  if (b.GetNumberOfPixels() == 0) return a;
  itk::ImageRegion<3> out;
  for (int i = 0; i < 3; ++i) {
    const long lo = std::min(a.GetIndex(i), b.GetIndex(i));
    const long hi = std::max(a.GetIndex(i) + long(a.GetSize(i)), b.GetIndex(i) + long(b.GetSize(i)));
    out.SetIndex(i, lo);
    out.SetSize(i, itk::SizeValueType(hi - lo));
  }
  return out;
}

void ParallelOverRegion(const itk::ImageRegion<3>& region,
                        const std::function<void(const itk::ImageRegion<3>&)>& visit) {
  if (region.GetNumberOfPixels() == 0) return;
  itk::MultiThreaderBase::New()->ParallelizeImageRegion<3>(region, visit, nullptr);
}

void ParallelOverMappedRows(const itk::ImageBase<3>& post_grid, const itk::ImageRegion<3>& region,
                            const ScanMap& map, const std::function<void(const MappedRow&)>& visit) {
  ParallelOverRegion(region, [&](const itk::ImageRegion<3>& piece) {
    const std::size_t length = piece.GetSize(0);
    MappedRow row;
    row.post.resize(length);
    row.pre.resize(length);
    row.first = piece.GetIndex();
    for (row.first[2] = piece.GetIndex(2); row.first[2] < piece.GetIndex(2) + long(piece.GetSize(2));
         ++row.first[2]) {
      for (row.first[1] = piece.GetIndex(1); row.first[1] < piece.GetIndex(1) + long(piece.GetSize(1));
           ++row.first[1]) {
        itk::Index<3> at = row.first;
        for (std::size_t i = 0; i < length; ++i, ++at[0]) {
          itk::Point<double, 3> p;
          post_grid.TransformIndexToPhysicalPoint(at, p);
          row.post[i] = {p[0], p[1], p[2]};
        }
        map.Apply(row.post.data(), length, row.pre.data());
        visit(row);
      }
    }
  });
}

}  // namespace margo
