#include "margin/shell_distance.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "core/parallel_for.h"

namespace margo {
namespace {

using Foot = std::array<float, 3>;  // a surface point, LPS mm

// Distance from `p` to the nearest of the feet already carried to the
// 26-neighbours of voxel (i, j, k), and that foot; infinity when none has one.
std::pair<double, Foot> NearestNeighbourFoot(const Vec3& p, const std::vector<Foot>& foot,
                                             const std::vector<char>& known, const itk::Size<3>& size, long i,
                                             long j, long k) {
  double best2 = std::numeric_limits<double>::infinity();
  Foot best{};
  for (long dk = -1; dk <= 1; ++dk) {
    for (long dj = -1; dj <= 1; ++dj) {
      for (long di = -1; di <= 1; ++di) {
        const long x = i + di, y = j + dj, z = k + dk;
        if (x < 0 || y < 0 || z < 0 || x >= long(size[0]) || y >= long(size[1]) || z >= long(size[2]))
          continue;
        const std::size_t at = std::size_t(x + long(size[0]) * (y + long(size[1]) * z));
        if (!known[at]) continue;
        const Foot& f = foot[at];
        const double d2 =
            (p[0] - f[0]) * (p[0] - f[0]) + (p[1] - f[1]) * (p[1] - f[1]) + (p[2] - f[2]) * (p[2] - f[2]);
        if (d2 < best2) best2 = d2, best = f;
      }
    }
  }
  return {std::sqrt(best2), best};
}

// Whether a 26-neighbour of voxel `at` lies on the other side of the mask's boundary.
bool OnBoundary(const std::uint8_t* mask, const itk::Size<3>& size, std::size_t at) {
  const long i = long(at % size[0]), j = long(at / size[0] % size[1]), k = long(at / (size[0] * size[1]));
  for (long dk = -1; dk <= 1; ++dk) {
    for (long dj = -1; dj <= 1; ++dj) {
      for (long di = -1; di <= 1; ++di) {
        const long x = i + di, y = j + dj, z = k + dk;
        if (x < 0 || y < 0 || z < 0 || x >= long(size[0]) || y >= long(size[1]) || z >= long(size[2]))
          continue;
        if (mask[std::size_t(x + long(size[0]) * (y + long(size[1]) * z))] != mask[at]) return true;
      }
    }
  }
  return false;
}

// Whether voxel `at` or a 26-neighbour is a boundary voxel.
bool NearBoundary(const std::vector<char>& boundary, const itk::Size<3>& size, std::size_t at) {
  if (boundary[at]) return true;
  const long i = long(at % size[0]), j = long(at / size[0] % size[1]), k = long(at / (size[0] * size[1]));
  for (long dk = -1; dk <= 1; ++dk) {
    for (long dj = -1; dj <= 1; ++dj) {
      for (long di = -1; di <= 1; ++di) {
        const long x = i + di, y = j + dj, z = k + dk;
        if (x < 0 || y < 0 || z < 0 || x >= long(size[0]) || y >= long(size[1]) || z >= long(size[2]))
          continue;
        if (boundary[std::size_t(x + long(size[0]) * (y + long(size[1]) * z))]) return true;
      }
    }
  }
  return false;
}

Vec3 CentreOf(const MaskImage& mask, std::size_t at, const itk::Size<3>& size) {
  const itk::Index<3> index{
      {long(at % size[0]), long(at / size[0] % size[1]), long(at / (size[0] * size[1]))}};
  MaskImage::PointType q;
  mask.TransformIndexToPhysicalPoint(index, q);
  return {q[0], q[1], q[2]};
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
  std::vector<Foot> foot(count);
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
  std::vector<std::pair<float, std::size_t>> order;
  for (std::size_t at = 0; at < count; ++at) {
    const float face = -face_inside[at];
    if (face > 0.0f && face <= reach_mm && !known[at]) order.push_back({face, at});
  }
  std::sort(order.begin(), order.end());
  for (const auto& entry : order) {
    const std::size_t at = entry.second;
    const auto [d, f] = NearestNeighbourFoot(CentreOf(mask, at, size), foot, known, size, long(at % size[0]),
                                             long(at / size[0] % size[1]), long(at / slice));
    if (!std::isfinite(d)) continue;  // no neighbour reached: keeps its voxel-face distance
    distance[at] = float(d);
    foot[at] = f;
    known[at] = 1;
  }
  return out;
}

}  // namespace margo
