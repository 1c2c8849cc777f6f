#include "io/label_extent.h"

#include <itkRegionOfInterestImageFilter.h>

#include <algorithm>
#include <cmath>

#include "core/geometry.h"

namespace margo {
namespace {

constexpr double kToleranceVoxels = 1e-3;

// Index region of `labels` whose voxel centres lie within `box` (its
// bounding region in index space when the grids are not parallel).
itk::ImageRegion<3> RegionWithin(const LabelImage& labels, const WorldBox& box) {
  Vec3 lo{HUGE_VAL, HUGE_VAL, HUGE_VAL}, hi{-HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
  for (int corner = 0; corner < 8; ++corner) {
    LabelImage::PointType p;
    for (int a = 0; a < 3; ++a) p[a] = (corner >> a & 1) ? box.max_mm[a] : box.min_mm[a];
    itk::ContinuousIndex<double, 3> index;
    labels.TransformPhysicalPointToContinuousIndex(p, index);
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], index[a]);
      hi[a] = std::max(hi[a], index[a]);
    }
  }
  const itk::ImageRegion<3> whole = labels.GetLargestPossibleRegion();
  itk::ImageRegion<3> region;
  for (unsigned a = 0; a < 3; ++a) {
    const long first = std::max<long>(whole.GetIndex(a), long(std::ceil(lo[a] - kToleranceVoxels)));
    const long last = std::min<long>(whole.GetIndex(a) + long(whole.GetSize(a)) - 1,
                                     long(std::floor(hi[a] + kToleranceVoxels)));
    region.SetIndex(a, first);
    region.SetSize(a, last >= first ? std::size_t(last - first + 1) : 0);
  }
  return region;
}

}  // namespace

LabelImage::Pointer WithinExtentOf(const LabelImage::Pointer& labels, const itk::ImageBase<3>& ct) {
  const itk::ImageRegion<3> region = RegionWithin(*labels, WorldBounds(GeometryOf(ct)));
  if (region == labels->GetLargestPossibleRegion() || region.GetNumberOfPixels() == 0) return labels;
  auto crop = itk::RegionOfInterestImageFilter<LabelImage, LabelImage>::New();
  crop->SetInput(labels);
  crop->SetRegionOfInterest(region);
  crop->Update();
  LabelImage::Pointer out = crop->GetOutput();
  out->DisconnectPipeline();
  return out;
}

}  // namespace margo
