#include "io/label_extent.h"

#include <itkRegionOfInterestImageFilter.h>

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

}  // namespace margo
