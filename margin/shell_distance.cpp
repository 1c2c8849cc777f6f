#include "margin/shell_distance.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "core/parallel_for.h"

namespace margo {
namespace {

using Foot = std::array<float, 3>;  // a surface point, LPS mm

// Calls visit(n) for the voxel index n of each 26-neighbour of voxel `at`
// inside the image; stops early when visit returns true, and says whether it did.
template <typename Visit>
bool AnyNeighbour(const itk::Size<3>& size, std::size_t at, Visit visit) {
  const long i = long(at % size[0]), j = long(at / size[0] % size[1]), k = long(at / (size[0] * size[1]));
  for (long z = std::max(k - 1, 0L); z <= std::min(k + 1, long(size[2]) - 1); ++z) {
    for (long y = std::max(j - 1, 0L); y <= std::min(j + 1, long(size[1]) - 1); ++y) {
      for (long x = std::max(i - 1, 0L); x <= std::min(i + 1, long(size[0]) - 1); ++x) {
        const std::size_t n = std::size_t(x + long(size[0]) * (y + long(size[1]) * z));
        if (n != at && visit(n)) return true;
      }
    }
  }
  return false;
}

// Distance from `p` to the nearest of the feet already carried to the
// 26-neighbours of voxel `at`, and that foot; infinity when none has one.
std::pair<double, Foot> NearestNeighbourFoot(const Vec3& p, const Foot* foot, const std::vector<char>& known,
                                             const itk::Size<3>& size, std::size_t at) {
  double best2 = std::numeric_limits<double>::infinity();
  Foot best{};
  AnyNeighbour(size, at, [&](std::size_t n) {
    if (!known[n]) return false;
    const Foot& f = foot[n];
    const double d2 =
        (p[0] - f[0]) * (p[0] - f[0]) + (p[1] - f[1]) * (p[1] - f[1]) + (p[2] - f[2]) * (p[2] - f[2]);
    if (d2 < best2) best2 = d2, best = f;
    return false;
  });
  return {std::sqrt(best2), best};
}

// Whether a 26-neighbour of voxel `at` lies on the other side of the mask's boundary.
bool OnBoundary(const std::uint8_t* mask, const itk::Size<3>& size, std::size_t at) {
  return AnyNeighbour(size, at, [&](std::size_t n) { return mask[n] != mask[at]; });
}

// Whether voxel `at` or a 26-neighbour is a boundary voxel.
bool NearBoundary(const std::vector<char>& boundary, const itk::Size<3>& size, std::size_t at) {
  return boundary[at] || AnyNeighbour(size, at, [&](std::size_t n) { return boundary[n] != 0; });
}

Vec3 CentreOf(const MaskImage& mask, std::size_t at, const itk::Size<3>& size) {
  const itk::Index<3> index{
      {long(at % size[0]), long(at / size[0] % size[1]), long(at / (size[0] * size[1]))}};
  MaskImage::PointType q;
  mask.TransformIndexToPhysicalPoint(index, q);
  return {q[0], q[1], q[2]};
}

double FinestSpacing(const MaskImage& mask) {
  const auto& h = mask.GetSpacing();
  return std::min({h[0], h[1], h[2]});
}

// The voxels outside the mask within `reach_mm` of its faces and not yet
// `known`, in increasing order of that distance to `step_mm` (a counting
// sort: within a step, in raster order).
std::vector<std::size_t> NearestFirst(const float* face_inside, const std::vector<char>& known,
                                      std::size_t count, double reach_mm, double step_mm) {
  const std::size_t buckets = std::size_t(reach_mm / step_mm) + 1;
  std::vector<std::size_t> start(buckets + 1, 0);
  auto bucket = [&](std::size_t at) {
    return std::min(buckets - 1, std::size_t(-face_inside[at] / step_mm));
  };
  auto wanted = [&](std::size_t at) {
    const float face = -face_inside[at];
    return face > 0.0f && face <= reach_mm && !known[at];
  };
  for (std::size_t at = 0; at < count; ++at) {
    if (wanted(at)) ++start[bucket(at) + 1];
  }
  for (std::size_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
  std::vector<std::size_t> order(start[buckets]);
  for (std::size_t at = 0; at < count; ++at) {
    if (wanted(at)) order[start[bucket(at)]++] = at;
  }
  return order;
}

}  // namespace

FloatImage::Pointer OutsideDistanceMm(const MaskImage& mask, const FloatImage& face_signed,
                                      const Surface& tumour, double band_mm, double reach_mm) {
  const itk::Size<3> size = mask.GetLargestPossibleRegion().GetSize();
  const std::size_t slice = size[0] * size[1], count = slice * size[2];
  auto out = FloatImage::New();
  out->CopyInformation(&mask);
  out->SetRegions(mask.GetLargestPossibleRegion());
  out->Allocate();
  float* distance = out->GetBufferPointer();
  const float* face_inside = face_signed.GetBufferPointer();
  const std::unique_ptr<Foot[]> foot(new Foot[count]);  // read only where `known`: left uninitialised
  std::vector<char> known(count, 0);
  // The band: voxels next to the mask's boundary and their neighbours (the
  // surface lies between the centres on either side of it), exact, each
  // slice on any core.
  std::vector<char> boundary(count, 0);
  ParallelFor(size[2], [&](std::size_t k) {
    for (std::size_t at = k * slice; at < (k + 1) * slice; ++at) {
      boundary[at] = OnBoundary(mask.GetBufferPointer(), size, at) ? 1 : 0;
    }
  });
  ParallelFor(size[2], [&](std::size_t k) {
    for (std::size_t at = k * slice; at < (k + 1) * slice; ++at) {
      const double face = -face_inside[at];
      distance[at] = float(face);
      if (face < -band_mm || face > band_mm || !NearBoundary(boundary, size, at)) continue;
      const Surface::Foot f = tumour.NearestMm(CentreOf(mask, at, size));
      distance[at] = float(-f.signed_mm);
      foot[at] = {float(f.point_mm[0]), float(f.point_mm[1]), float(f.point_mm[2])};
      known[at] = 1;
    }
  });
  // Beyond it, nearest to the band first: each voxel is measured to the
  // nearest of the surface points found for its neighbours, which lie
  // nearer the surface (vector propagation, after Danielsson).
  for (const std::size_t at : NearestFirst(face_inside, known, count, reach_mm, FinestSpacing(mask) / 4)) {
    const auto [d, f] = NearestNeighbourFoot(CentreOf(mask, at, size), foot.get(), known, size, at);
    if (!std::isfinite(d)) continue;  // no neighbour reached: keeps its voxel-face distance
    distance[at] = float(d);
    foot[at] = f;
    known[at] = 1;
  }
  return out;
}

}  // namespace margo
