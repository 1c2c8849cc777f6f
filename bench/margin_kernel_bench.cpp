// Times the margin kernel (MeasureMargins: surfaces, distances, statistics,
// shells, residual) for 10 sphere tumours in their ablation zones on a
// 512 x 512 x 200 grid of 0.7 x 0.7 x 1.25 mm, or of the slice spacing
// given (from 1.4 mm, twice the pixels, the surfaces are faired between
// slices: margin/band_fairing.h). Usage: margo_bench_margin [runs] [slice mm]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <itkImageRegionIteratorWithIndex.h>

#include "margin/surface.h"
#include "margin/tumour_margin.h"

namespace {

using margo::LabelImage;
using margo::MaskImage;

template <typename TImage>
typename TImage::Pointer Grid(double slice_mm) {
  auto image = TImage::New();
  typename TImage::SizeType size{{512, 512, 200}};
  image->SetRegions(size);
  const double spacing[3] = {0.7, 0.7, slice_mm};
  image->SetSpacing(spacing);
  image->Allocate();
  image->FillBuffer(0);
  return image;
}

struct Sphere {
  double x, y, z, r;
};

// Paints spheres, visiting only their bounding boxes.
template <typename TImage>
void Paint(TImage& image, const Sphere& s, typename TImage::PixelType value) {
  typename TImage::IndexType lo, hi;
  typename TImage::PointType p;
  p[0] = s.x - s.r, p[1] = s.y - s.r, p[2] = s.z - s.r;
  image.TransformPhysicalPointToIndex(p, lo);
  p[0] = s.x + s.r, p[1] = s.y + s.r, p[2] = s.z + s.r;
  image.TransformPhysicalPointToIndex(p, hi);
  typename TImage::RegionType region;
  region.SetIndex(lo);
  for (int a = 0; a < 3; ++a) region.SetSize(a, static_cast<itk::SizeValueType>(hi[a] - lo[a] + 1));
  region.Crop(image.GetLargestPossibleRegion());
  itk::ImageRegionIteratorWithIndex<TImage> it(&image, region);
  for (; !it.IsAtEnd(); ++it) {
    image.TransformIndexToPhysicalPoint(it.GetIndex(), p);
    if (std::pow(p[0] - s.x, 2) + std::pow(p[1] - s.y, 2) + std::pow(p[2] - s.z, 2) <= s.r * s.r) it.Set(value);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const double slice_mm = argc > 2 ? std::atof(argv[2]) : 1.25;
  if (!(slice_mm >= 0.5 && slice_mm <= 5.0)) {
    std::fprintf(stderr, "margo_bench_margin: slice spacing %s mm; expected 0.5 to 5\n", argv[2]);
    return 2;
  }
  auto tumours = Grid<LabelImage>(slice_mm);
  auto zone = Grid<MaskImage>(slice_mm);
  for (int t = 0; t < 10; ++t) {
    const double r = 5.0 + t;                        // 5..14 mm radius
    const double x = 60.0 + 60.0 * (t % 5), y = 110.0 + 130.0 * (t / 5), z = 80.0 + 10.0 * (t % 3);
    Paint(*zone, {x + 1.0, y, z, r + 3.0 + t % 4 * 2.0}, std::uint8_t{1});
    Paint(*tumours, {x, y, z, r}, static_cast<std::uint16_t>(t + 1));
  }
  margo::MarginInputs in;
  in.tumours = tumours.GetPointer();
  in.ablation = zone.GetPointer();
  if (std::getenv("MARGO_BENCH_STAGES") != nullptr) {  // where the time goes
    auto t0 = std::chrono::steady_clock::now();
    margo::LabelRegions(*tumours);
    auto t1 = std::chrono::steady_clock::now();
    margo::Surface::OfMask(*zone);
    auto t2 = std::chrono::steady_clock::now();
    std::printf("stages: label regions %.3f s, zone surface %.3f s\n",
                std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count());
  }
  std::vector<double> seconds;
  std::size_t assessed = 0;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<margo::TumourMargin> out = margo::MeasureMargins(in);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    assessed = std::count_if(out.begin(), out.end(), [](const auto& m) { return m.assessable; });
    std::printf("run %d: %.3f s, %zu of %zu tumours assessed\n", run + 1, seconds.back(), assessed, out.size());
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("margin kernel, 10 tumours, 512 x 512 x 200 grid (0.7 x 0.7 x %g mm): median %.3f s over %d runs\n",
              slice_mm, seconds[seconds.size() / 2], runs);
  return assessed == 10 ? 0 : 1;
}
