#include "registration/gaussian_blur.h"

#include <itkMultiThreaderBase.h>

#include <algorithm>
#include <array>
#include <functional>
#include <cmath>
#include <vector>

namespace margo {
namespace {

// Taps of a Gaussian of `sigma` voxels, truncated at 3 sigma (not normalised).
std::vector<float> Taps(double sigma) {
  const long radius = std::max(1L, long(std::ceil(3.0 * sigma)));
  std::vector<float> taps(std::size_t(2 * radius + 1));
  for (long k = -radius; k <= radius; ++k) {
    taps[std::size_t(k + radius)] = float(std::exp(-0.5 * double(k * k) / (sigma * sigma)));
  }
  return taps;
}

// For each output position i in [0, n): the inverse of the sum of the taps
// that fall inside [0, n) (renormalised edges) or of all of them (zeros
// beyond the ends).
std::vector<float> InverseWeights(const std::vector<float>& taps, long n, BlurEdge edge) {
  const long radius = long(taps.size() / 2);
  std::vector<float> inverse(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) {
    double sum = 0.0;
    for (long k = -radius; k <= radius; ++k) {
      if (edge == BlurEdge::kZero || (i + k >= 0 && i + k < n)) sum += taps[std::size_t(k + radius)];
    }
    inverse[std::size_t(i)] = float(1.0 / sum);
  }
  return inverse;
}

// out[i] = sum_k taps[k] in[(i + k - radius) * stride] over the `lines`
// lines of `width` contiguous values that one step along the axis moves by
// `stride`: each tap adds a shifted block at once (vectorised), then the
// edge weights renormalise.
struct AxisPass {
  std::vector<float> taps, inverse;
  long length = 0;  // along the axis

  // One line set: `in` and `out` point at position 0 along the axis; each
  // position holds `width` contiguous values, `stride` apart.
  void Run(const float* in, float* out, long width, long stride) const {
    const long radius = long(taps.size() / 2);
    for (long i = 0; i < length; ++i) {
      float* o = out + i * stride;
      std::fill(o, o + width, 0.0f);
      const long lo = std::max(0L, i - radius), hi = std::min(length - 1, i + radius);
      for (long j = lo; j <= hi; ++j) {
        const float w = taps[std::size_t(j - i + radius)];
        const float* s = in + j * stride;
        for (long x = 0; x < width; ++x) o[x] += w * s[x];
      }
      const float norm = inverse[std::size_t(i)];
      for (long x = 0; x < width; ++x) o[x] *= norm;
    }
  }
};

AxisPass PassFor(double sigma_voxels, long length, BlurEdge edge) {
  AxisPass p;
  p.taps = Taps(sigma_voxels);
  p.inverse = InverseWeights(p.taps, length, edge);
  p.length = length;
  return p;
}

// The x pass on one row: tap by tap over the whole row, which the compiler
// vectorises; each output still sums its taps in the same order (first to
// last), so the bits are those of summing output by output.
void RowPass(const AxisPass& p, const float* in, float* out) {
  const long radius = long(p.taps.size() / 2), n = p.length;
  std::fill(out, out + n, 0.0f);
  for (long k = 0; k < long(p.taps.size()); ++k) {
    const float w = p.taps[std::size_t(k)];
    const long shift = k - radius;  // out[i] takes in[i + shift]
    const long lo = std::max(0L, -shift), hi = std::min(n, n - shift);
    for (long i = lo; i < hi; ++i) out[i] += w * in[i + shift];
  }
  for (long i = 0; i < n; ++i) out[i] *= p.inverse[std::size_t(i)];
}

void InParallel(long count, const std::function<void(long)>& work) {
  itk::MultiThreaderBase::Pointer threader = itk::MultiThreaderBase::New();
  threader->ParallelizeArray(0, itk::SizeValueType(count), [&](itk::SizeValueType i) { work(long(i)); }, nullptr);
}

}  // namespace

CtImage::Pointer GaussianBlur(const CtImage& image, double sigma_mm) {
  std::array<double, 3> sigma_voxels{};
  for (int a = 0; a < 3; ++a) sigma_voxels[std::size_t(a)] = sigma_mm / image.GetSpacing()[a];
  return GaussianBlurVoxels(image, sigma_voxels, BlurEdge::kRenormalise);
}

CtImage::Pointer GaussianBlurVoxels(const CtImage& image, const std::array<double, 3>& sigma_voxels,
                                    BlurEdge edge) {
  const auto region = image.GetBufferedRegion();
  const std::array<long, 3> n{long(region.GetSize(0)), long(region.GetSize(1)), long(region.GetSize(2))};
  const long slice = n[0] * n[1];
  auto out = CtImage::New();
  out->CopyInformation(&image);
  out->SetRegions(region);
  out->Allocate();
  std::vector<float> work(std::size_t(slice * n[2]));
  const float* source = image.GetBufferPointer();
  float* target = out->GetBufferPointer();
  std::array<bool, 3> blur{};
  std::array<AxisPass, 3> pass;
  for (int a = 0; a < 3; ++a) {
    const double sigma = sigma_voxels[std::size_t(a)];
    blur[a] = sigma >= 0.1 && n[a] > 1;
    if (blur[a]) pass[a] = PassFor(sigma, n[a], edge);
  }
  // x then y within each slice (source -> work -> target), then z across
  // slices (target -> work -> target).
  InParallel(n[2], [&](long z) {
    const float* in = source + z * slice;
    float* mid = work.data() + z * slice;
    float* o = target + z * slice;
    for (long y = 0; y < n[1]; ++y) {
      if (blur[0]) {
        RowPass(pass[0], in + y * n[0], mid + y * n[0]);
      } else {
        std::copy(in + y * n[0], in + (y + 1) * n[0], mid + y * n[0]);
      }
    }
    if (blur[1]) {
      pass[1].Run(mid, o, n[0], n[0]);
    } else {
      std::copy(mid, mid + slice, o);
    }
  });
  if (blur[2]) {
    std::copy(target, target + slice * n[2], work.data());
    // Each worker takes whole rows of every slice: the z pass over a block of y.
    InParallel(n[1], [&](long y) { pass[2].Run(work.data() + y * n[0], target + y * n[0], n[0], slice); });
  }
  return out;
}

}  // namespace margo
