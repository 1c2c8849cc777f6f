#include "io/label_extent.h"

#include <itkRegionOfInterestImageFilter.h>

#include <algorithm>
#include <cstring>

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

const std::uint16_t* NextLabelled(const std::uint16_t* from, const std::uint16_t* end) {
  for (; end - from >= 8; from += 8) {
    std::uint64_t a, b;
    std::memcpy(&a, from, 8);
    std::memcpy(&b, from + 4, 8);
    if ((a | b) != 0) break;
  }
  while (from != end && *from == 0) ++from;
  return from;
}

std::map<std::uint16_t, WorldBox> BoxesOfLabels(const LabelImage& labels) {
  std::map<std::uint16_t, WorldBox> boxes;
  const itk::ImageRegion<3> region = labels.GetBufferedRegion();
  const std::size_t nx = region.GetSize(0), ny = region.GetSize(1);
  const LabelImage::PixelType* first = labels.GetBufferPointer();
  const LabelImage::PixelType* end = first + region.GetNumberOfPixels();
  for (const LabelImage::PixelType* v = NextLabelled(first, end); v != end; v = NextLabelled(v + 1, end)) {
    const std::size_t at = std::size_t(v - first);
    LabelImage::PointType p;
    labels.TransformIndexToPhysicalPoint(
        {{region.GetIndex(0) + long(at % nx), region.GetIndex(1) + long(at / nx % ny),
          region.GetIndex(2) + long(at / (nx * ny))}},
        p);
    auto [entry, added] = boxes.try_emplace(*v);
    for (int a = 0; a < 3; ++a) {
      entry->second.min_mm[a] = added ? p[a] : std::min(entry->second.min_mm[a], p[a]);
      entry->second.max_mm[a] = added ? p[a] : std::max(entry->second.max_mm[a], p[a]);
    }
  }
  return boxes;
}

}  // namespace margo
