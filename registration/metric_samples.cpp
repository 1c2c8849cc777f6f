#include "registration/metric_samples.h"
#include "registration/gaussian_blur.h"

#include <itkBinShrinkImageFilter.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace margo {
namespace {

bool KeepAt(const MaskImage& mask, const Vec3& p) {
  MaskImage::PointType q;
  for (int a = 0; a < 3; ++a) q[a] = p[a];
  MaskImage::IndexType i;
  return mask.TransformPhysicalPointToIndex(q, i) && mask.GetPixel(i) != 0;
}

// Block averaging grows voxels to at most this share of the level spacing.
// At 0.7 a 2 mm level averages 0.7 mm voxels in pairs; "about half", as
// before, left them alone and smoothed four times the voxels, for the same
// landmark error (docs/REGISTRATION.md).
constexpr double kShrunkSpacing = 0.7;

}  // namespace

CtImage::Pointer LevelImage(const CtImage& image, double level_spacing_mm, double sigma_mm) {
  CtImage::Pointer out = const_cast<CtImage*>(&image);
  itk::BinShrinkImageFilter<CtImage, CtImage>::ShrinkFactorsType factors;
  bool shrink = false;
  for (unsigned a = 0; a < 3; ++a) {
    factors[a] = std::max(1u, unsigned(std::floor(kShrunkSpacing * level_spacing_mm / image.GetSpacing()[a] + 1e-6)));
    shrink |= factors[a] > 1;
  }
  if (shrink) {
    auto filter = itk::BinShrinkImageFilter<CtImage, CtImage>::New();
    filter->SetInput(out);
    filter->SetShrinkFactors(factors);
    filter->Update();
    out = filter->GetOutput();
    out->DisconnectPipeline();
  }
  return sigma_mm > 0.0 ? GaussianBlur(*out, sigma_mm) : out;
}

LinearImage ViewOf(const CtImage& image) {
  LinearImage v;
  static_cast<IndexMap&>(v) = IndexMapOf(image);
  v.data = image.GetBufferPointer();
  return v;
}

FixedSamples DrawSamples(const CtImage& fixed, double sigma_mm, const MaskImage* fixed_keep,
                         const MaskImage* moving_keep, const RigidAffine& rigid, const BSplineGrid* grid,
                         unsigned count, unsigned seed) {
  FixedSamples s;
  // The smoothed image is needed only while the samples are drawn.
  const CtImage::Pointer smoothed = LevelImage(fixed, 0.0, sigma_mm);
  const LinearImage view = ViewOf(*smoothed);
  const auto region = smoothed->GetBufferedRegion();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (unsigned tries = 0; s.points_mm.size() < count && tries < 20u * count; ++tries) {
    itk::ContinuousIndex<double, 3> ci;
    for (int a = 0; a < 3; ++a) ci[a] = double(region.GetIndex(a)) + unit(rng) * double(region.GetSize(a) - 1);
    CtImage::PointType q;
    smoothed->TransformContinuousIndexToPhysicalPoint(ci, q);
    const Vec3 p{q[0], q[1], q[2]};
    double value = 0.0;
    if (!view.Value(p, value)) continue;
    if ((fixed_keep && !KeepAt(*fixed_keep, p)) || (moving_keep && !KeepAt(*moving_keep, rigid.Apply(p)))) continue;
    BSplineSupport support;
    s.supported.push_back(grid && grid->Support(p, support) ? 1 : 0);
    s.support.push_back(support);
    s.points_mm.push_back(p);
    s.intensity.push_back(value);
  }
  return s;
}

}  // namespace margo
