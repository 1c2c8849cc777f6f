// The level images' Gaussian (registration/gaussian_blur.h): a constant stays
// constant up to the edges (renormalised), an impulse spreads with the asked
// sigma in millimetres along each axis of an anisotropic grid, a ramp stays
// a ramp away from the edges, and the bits do not depend on the thread count;
// with zeros beyond the ends (the margin kernel's masks) a constant fades
// at its ends by the share of the Gaussian inside.
#include "registration/gaussian_blur.h"

#include <gtest/gtest.h>
#include <itkMultiThreaderBase.h>

#include <cmath>
#include <cstring>

namespace margo {
namespace {

CtImage::Pointer Filled(long nx, long ny, long nz, const double spacing[3], float value) {
  auto image = CtImage::New();
  CtImage::RegionType region;
  region.SetSize({{itk::SizeValueType(nx), itk::SizeValueType(ny), itk::SizeValueType(nz)}});
  image->SetRegions(region);
  CtImage::SpacingType s;
  for (int a = 0; a < 3; ++a) s[a] = spacing[a];
  image->SetSpacing(s);
  image->Allocate();
  image->FillBuffer(value);
  return image;
}

const double kSpacing[3] = {0.8, 0.8, 2.5};

TEST(GaussianBlurTest, ConstantStaysConstantUpToTheEdges) {
  const CtImage::Pointer blurred = GaussianBlur(*Filled(30, 20, 12, kSpacing, 0.7f), 2.0);
  const float* v = blurred->GetBufferPointer();
  for (long i = 0; i < 30 * 20 * 12; ++i) ASSERT_NEAR(v[i], 0.7f, 1e-6) << "voxel " << i;
}

TEST(GaussianBlurTest, ImpulseSpreadsWithSigmaInMillimetresPerAxis) {
  const long n[3] = {41, 41, 21};
  CtImage::Pointer image = Filled(n[0], n[1], n[2], kSpacing, 0.0f);
  const CtImage::IndexType centre{{20, 20, 10}};
  image->SetPixel(centre, 1.0f);
  const double sigma_mm = 2.0;
  const CtImage::Pointer blurred = GaussianBlur(*image, sigma_mm);
  double total = 0.0, second[3] = {0, 0, 0};
  for (long z = 0; z < n[2]; ++z)
    for (long y = 0; y < n[1]; ++y)
      for (long x = 0; x < n[0]; ++x) {
        const double v = blurred->GetPixel({{x, y, z}});
        const double d[3] = {double(x - 20) * kSpacing[0], double(y - 20) * kSpacing[1], double(z - 10) * kSpacing[2]};
        total += v;
        for (int a = 0; a < 3; ++a) second[a] += v * d[a] * d[a];
      }
  EXPECT_NEAR(total, 1.0, 1e-5);
  for (int a = 0; a < 3; ++a) {
    // Truncation at 3 sigma and the coarse z sampling (0.8 voxel sigma) keep
    // the discrete variance within a few per cent of sigma^2.
    EXPECT_NEAR(std::sqrt(second[a] / total), sigma_mm, 0.05 * sigma_mm) << "axis " << a;
  }
}

TEST(GaussianBlurTest, RampStaysARampInside) {
  CtImage::Pointer image = Filled(40, 30, 16, kSpacing, 0.0f);
  for (long z = 0; z < 16; ++z)
    for (long y = 0; y < 30; ++y)
      for (long x = 0; x < 40; ++x) image->SetPixel({{x, y, z}}, float(0.01 * x + 0.02 * y - 0.03 * z));
  const CtImage::Pointer blurred = GaussianBlur(*image, 1.5);
  for (long z = 3; z < 13; ++z)
    for (long y = 8; y < 22; ++y)
      for (long x = 8; x < 32; ++x) {
        ASSERT_NEAR(blurred->GetPixel({{x, y, z}}), image->GetPixel({{x, y, z}}), 1e-5);
      }
}

TEST(GaussianBlurTest, SameBitsAtAnyThreadCount) {
  CtImage::Pointer image = Filled(37, 29, 13, kSpacing, 0.0f);
  float* v = image->GetBufferPointer();
  for (long i = 0; i < 37 * 29 * 13; ++i) v[i] = float(std::sin(0.1 * double(i)));
  const auto saved = itk::MultiThreaderBase::GetGlobalDefaultNumberOfThreads();
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(1);
  const CtImage::Pointer one = GaussianBlur(*image, 2.0);
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(4);
  const CtImage::Pointer four = GaussianBlur(*image, 2.0);
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(saved);
  EXPECT_EQ(std::memcmp(one->GetBufferPointer(), four->GetBufferPointer(), 37 * 29 * 13 * sizeof(float)), 0);
}

// Zeros beyond the ends (the margin kernel's masks): a constant row fades
// at its ends to exactly the share of the Gaussian that falls inside, and
// only the axes given a sigma are blurred.
TEST(GaussianBlurTest, ZeroEdgesFadeByTheShareOfTheGaussianInside) {
  const long n[3] = {25, 9, 7};
  const CtImage::Pointer blurred =
      GaussianBlurVoxels(*Filled(n[0], n[1], n[2], kSpacing, 1.0f), {1.0, 0.0, 0.0}, BlurEdge::kZero);
  double all = 0.0;
  for (int k = -3; k <= 3; ++k) all += std::exp(-0.5 * k * k);
  for (long x = 0; x < n[0]; ++x) {
    double inside = 0.0;  // the taps (radius 3) that fall on the row
    for (int k = -3; k <= 3; ++k) inside += x + k >= 0 && x + k < n[0] ? std::exp(-0.5 * k * k) : 0.0;
    for (long y = 0; y < n[1]; ++y) {
      for (long z = 0; z < n[2]; ++z) ASSERT_NEAR(blurred->GetPixel({{x, y, z}}), inside / all, 1e-6) << x;
    }
  }
}

}  // namespace
}  // namespace margo
