#include "registration/image_prep.h"

#include <itkIntensityWindowingImageFilter.h>
#include <itkRegionOfInterestImageFilter.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace margo {

CtImage::Pointer WindowHu(const CtImage& image, double low_hu, double high_hu) {
  auto filter = itk::IntensityWindowingImageFilter<CtImage, CtImage>::New();
  filter->SetInput(&image);
  filter->SetWindowMinimum(low_hu);
  filter->SetWindowMaximum(high_hu);
  filter->SetOutputMinimum(0.0f);
  filter->SetOutputMaximum(1.0f);
  filter->Update();
  CtImage::Pointer out = filter->GetOutput();
  out->DisconnectPipeline();
  return out;
}

itk::ImageRegion<3> RegionForBox(const itk::ImageBase<3>& image, const WorldBox& box) {
  const itk::ImageRegion<3> whole = image.GetLargestPossibleRegion();
  itk::ContinuousIndex<double, 3> lo, hi;
  for (int a = 0; a < 3; ++a) {
    lo[a] = std::numeric_limits<double>::max();
    hi[a] = std::numeric_limits<double>::lowest();
  }
  for (int corner = 0; corner < 8; ++corner) {
    itk::Point<double, 3> p;
    for (int a = 0; a < 3; ++a) p[a] = (corner >> a & 1) ? box.max_mm[a] : box.min_mm[a];
    itk::ContinuousIndex<double, 3> ci;
    image.TransformPhysicalPointToContinuousIndex(p, ci);
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], ci[a]);
      hi[a] = std::max(hi[a], ci[a]);
    }
  }
  itk::ImageRegion<3> region;
  for (int a = 0; a < 3; ++a) {
    const long first = std::max<long>(whole.GetIndex(a), std::lround(std::floor(lo[a])));
    const long last = std::min<long>(whole.GetIndex(a) + long(whole.GetSize(a)) - 1, std::lround(std::ceil(hi[a])));
    region.SetIndex(a, first);
    region.SetSize(a, last >= first ? static_cast<unsigned long>(last - first + 1) : 0);
  }
  return region;
}

CtImage::Pointer Crop(const CtImage& image, const std::optional<WorldBox>& roi, double margin_mm) {
  if (!roi) return const_cast<CtImage*>(&image);
  WorldBox grown = *roi;
  for (int a = 0; a < 3; ++a) {
    grown.min_mm[a] -= margin_mm;
    grown.max_mm[a] += margin_mm;
  }
  const CtImage::RegionType region = RegionForBox(image, grown);
  for (int a = 0; a < 3; ++a) {
    if (region.GetSize(a) < 8) return const_cast<CtImage*>(&image);  // too thin: use all
  }
  auto filter = itk::RegionOfInterestImageFilter<CtImage, CtImage>::New();
  filter->SetInput(&image);
  filter->SetRegionOfInterest(region);
  filter->Update();
  CtImage::Pointer out = filter->GetOutput();
  out->DisconnectPipeline();
  return out;
}

}  // namespace margo
