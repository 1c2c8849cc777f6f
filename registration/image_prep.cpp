#include "registration/image_prep.h"

#include <itkMultiThreaderBase.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace margo {

CtImage::Pointer CropWindowed(const CtImage& image, const std::optional<WorldBox>& roi, double margin_mm,
                              double low_hu, double high_hu) {
  itk::ImageRegion<3> region = image.GetBufferedRegion();
  if (roi) {
    const itk::ImageRegion<3> inside = RegionForBox(image, Grown(*roi, margin_mm));
    bool thick = true;
    for (int a = 0; a < 3; ++a) thick &= inside.GetSize(a) >= 8;
    if (thick) region = inside;  // too thin: use all
  }
  auto out = CtImage::New();
  out->SetSpacing(image.GetSpacing());
  out->SetDirection(image.GetDirection());
  CtImage::PointType origin;
  image.TransformIndexToPhysicalPoint(region.GetIndex(), origin);
  out->SetOrigin(origin);
  itk::ImageRegion<3> own;
  own.SetSize(region.GetSize());
  out->SetRegions(own);
  out->Allocate();
  // As ITK's IntensityWindowingImageFilter computes it (in double, then float).
  const float low = float(low_hu), high = float(high_hu);
  const double scale = 1.0 / (double(high) - double(low)), shift = -double(low) * scale;
  const auto buffer = image.GetBufferedRegion();
  const long nx = long(region.GetSize(0)), ny = long(region.GetSize(1)), nz = long(region.GetSize(2));
  const long in_x = long(buffer.GetSize(0)), in_slice = in_x * long(buffer.GetSize(1));
  const float* in = image.GetBufferPointer() + (region.GetIndex(0) - buffer.GetIndex(0)) +
                    (region.GetIndex(1) - buffer.GetIndex(1)) * in_x +
                    (region.GetIndex(2) - buffer.GetIndex(2)) * in_slice;
  float* o = out->GetBufferPointer();
  auto threader = itk::MultiThreaderBase::New();
  threader->ParallelizeArray(
      0, itk::SizeValueType(nz),
      [&](itk::SizeValueType z) {
        for (long y = 0; y < ny; ++y) {
          const float* row = in + long(z) * in_slice + y * in_x;
          float* to = o + (long(z) * ny + y) * nx;
          for (long x = 0; x < nx; ++x) {
            const float v = row[x];
            to[x] = v < low ? 0.0f : v > high ? 1.0f : float(double(v) * scale + shift);
          }
        }
      },
      nullptr);
  return out;
}

}  // namespace margo
