#include "registration/image_prep.h"

#include <itkBinShrinkImageFilter.h>
#include <itkDiscreteGaussianImageFilter.h>
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

CtImage::Pointer CropAndWindow(const CtImage& image, const std::optional<WorldBox>& roi, double margin_mm,
                               double low_hu, double high_hu) {
  CtImage::Pointer out = Crop(image, roi, margin_mm);
  if (out.GetPointer() == &image) return WindowHu(image, low_hu, high_hu);  // no crop: keep the input
  float* v = out->GetBufferPointer();
  const std::size_t n = out->GetBufferedRegion().GetNumberOfPixels();
  const float low = float(low_hu), scale = float(1.0 / (high_hu - low_hu));
  for (std::size_t i = 0; i < n; ++i) v[i] = std::clamp((v[i] - low) * scale, 0.0f, 1.0f);
  return out;
}

CtImage::Pointer PyramidLevel(const CtImage& image, double spacing_mm, double sigma_mm) {
  auto shrink = itk::BinShrinkImageFilter<CtImage, CtImage>::New();
  shrink->SetInput(&image);
  itk::BinShrinkImageFilter<CtImage, CtImage>::ShrinkFactorsType factors;
  itk::FixedArray<double, 3> residual;
  for (int a = 0; a < 3; ++a) {
    const double s = image.GetSpacing()[a];
    factors[a] = std::max(1u, static_cast<unsigned>(std::lround(spacing_mm / s)));
    // A block of f voxels blurs like a Gaussian of sigma f s / sqrt(12).
    const double block = factors[a] > 1 ? factors[a] * s / std::sqrt(12.0) : 0.0;
    residual[a] = std::sqrt(std::max(0.0, sigma_mm * sigma_mm - block * block));
  }
  shrink->SetShrinkFactors(factors);
  shrink->Update();
  CtImage::Pointer out = shrink->GetOutput();
  out->DisconnectPipeline();
  if (residual[0] <= 0.0 && residual[1] <= 0.0 && residual[2] <= 0.0) return out;
  auto smooth = itk::DiscreteGaussianImageFilter<CtImage, CtImage>::New();  // small image: a direct kernel
  smooth->SetInput(out);
  itk::FixedArray<double, 3> variance;
  for (int a = 0; a < 3; ++a) variance[a] = residual[a] * residual[a];
  smooth->SetVariance(variance);
  smooth->SetUseImageSpacing(true);
  smooth->Update();
  out = smooth->GetOutput();
  out->DisconnectPipeline();
  return out;
}

}  // namespace margo
