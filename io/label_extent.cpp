#include "io/label_extent.h"

#include <itkRegionOfInterestImageFilter.h>

#include <algorithm>

#include "core/geometry.h"

namespace margo {

LabelImage::Pointer WithinExtentOf(const LabelImage::Pointer& labels, const itk::ImageBase<3>& ct) {
  const itk::ImageRegion<3> region =
      RegionForBox(*labels, WorldBounds(GeometryOf(ct)), BoxRounding::kCentresInside);
  if (region == labels->GetLargestPossibleRegion() || region.GetNumberOfPixels() == 0) return labels;
  auto crop = itk::RegionOfInterestImageFilter<LabelImage, LabelImage>::New();
  crop->SetInput(labels);
  crop->SetRegionOfInterest(region);
  crop->Update();
  LabelImage::Pointer out = crop->GetOutput();
  out->DisconnectPipeline();
  return out;
}

std::map<std::uint16_t, WorldBox> BoxesOfLabels(const LabelImage& labels) {
  std::map<std::uint16_t, WorldBox> boxes;
  const itk::ImageRegion<3> region = labels.GetBufferedRegion();
  const long nx = long(region.GetSize(0)), ny = long(region.GetSize(1)), nz = long(region.GetSize(2));
  const LabelImage::PixelType* v = labels.GetBufferPointer();
  for (long z = 0; z < nz; ++z) {
    for (long y = 0; y < ny; ++y, v += nx) {
      LabelImage::PixelType any = 0;  // branch-free: the compiler vectorises it
      for (long x = 0; x < nx; ++x) any |= v[x];
      if (any == 0) continue;
      for (long x = 0; x < nx; ++x) {
        if (v[x] == 0) continue;
        LabelImage::PointType p;
        labels.TransformIndexToPhysicalPoint(
            {{region.GetIndex(0) + x, region.GetIndex(1) + y, region.GetIndex(2) + z}}, p);
        auto [entry, added] = boxes.try_emplace(v[x]);
        for (int a = 0; a < 3; ++a) {
          entry->second.min_mm[a] = added ? p[a] : std::min(entry->second.min_mm[a], p[a]);
          entry->second.max_mm[a] = added ? p[a] : std::max(entry->second.max_mm[a], p[a]);
        }
      }
    }
  }
  return boxes;
}

}  // namespace margo
