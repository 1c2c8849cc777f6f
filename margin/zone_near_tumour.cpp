#include "margin/zone_near_tumour.h"

#include "registration/image_prep.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <vector>

namespace margo {
namespace {

using Index = itk::Index<3>;

// Flood fill over the zone's non-zero voxels from every one of them in
// `seeds`; returns the voxels reached as offsets into the (whole) buffer.
std::vector<long> PiecesFrom(const MaskImage& zone, const itk::ImageRegion<3>& seeds) {
  const auto whole = zone.GetLargestPossibleRegion();
  const std::array<long, 3> n{long(whole.GetSize(0)), long(whole.GetSize(1)), long(whole.GetSize(2))};
  const std::uint8_t* data = zone.GetBufferPointer();
  std::vector<bool> seen(std::size_t(n[0] * n[1] * n[2]), false);
  std::vector<long> reached;
  for (long k = seeds.GetIndex(2); k < seeds.GetIndex(2) + long(seeds.GetSize(2)); ++k) {
    for (long j = seeds.GetIndex(1); j < seeds.GetIndex(1) + long(seeds.GetSize(1)); ++j) {
      for (long i = seeds.GetIndex(0); i < seeds.GetIndex(0) + long(seeds.GetSize(0)); ++i) {
        const long o = (i - whole.GetIndex(0)) + n[0] * ((j - whole.GetIndex(1)) + n[1] * (k - whole.GetIndex(2)));
        if (data[o] == 0 || seen[std::size_t(o)]) continue;
        seen[std::size_t(o)] = true;
        reached.push_back(o);
        for (std::size_t head = reached.size() - 1; head < reached.size(); ++head) {
          const long v = reached[head], x = v % n[0], y = (v / n[0]) % n[1], z = v / (n[0] * n[1]);
          const std::array<std::pair<bool, long>, 6> steps{{{x > 0, -1},
                                                            {x + 1 < n[0], 1},
                                                            {y > 0, -n[0]},
                                                            {y + 1 < n[1], n[0]},
                                                            {z > 0, -n[0] * n[1]},
                                                            {z + 1 < n[2], n[0] * n[1]}}};
          for (const auto& [ok, step] : steps) {
            const long w = v + step;
            if (!ok || data[w] == 0 || seen[std::size_t(w)]) continue;
            seen[std::size_t(w)] = true;
            reached.push_back(w);
          }
        }
      }
    }
  }
  return reached;
}

}  // namespace

WorldBox MappedBox(const itk::ImageBase<3>& tumour_grid, const itk::ImageRegion<3>& bounds,
                   const std::function<Vec3(const Vec3&)>& to_measuring) {
  WorldBox box{{1e300, 1e300, 1e300}, {-1e300, -1e300, -1e300}};
  for (int corner = 0; corner < 8; ++corner) {
    itk::ContinuousIndex<double, 3> ci;
    for (int a = 0; a < 3; ++a) {
      ci[a] = double(bounds.GetIndex(a)) + ((corner >> a) & 1 ? double(bounds.GetSize(a)) - 0.5 : -0.5);
    }
    itk::Point<double, 3> p;
    tumour_grid.TransformContinuousIndexToPhysicalPoint(ci, p);
    Vec3 q{p[0], p[1], p[2]};
    if (to_measuring) q = to_measuring(q);
    for (int a = 0; a < 3; ++a) {
      box.min_mm[a] = std::min(box.min_mm[a], q[a]);
      box.max_mm[a] = std::max(box.max_mm[a], q[a]);
    }
  }
  return box;
}

MaskImage::Pointer ZonePiecesNear(const MaskImage& zone, const WorldBox& box, double reach_mm) {
  const itk::ImageRegion<3> seeds = RegionForBox(zone, Grown(box, reach_mm));
  if (seeds.GetNumberOfPixels() == 0) return nullptr;
  const std::vector<long> reached = PiecesFrom(zone, seeds);
  if (reached.empty()) return nullptr;
  const auto whole = zone.GetLargestPossibleRegion();
  const long n0 = long(whole.GetSize(0)), n1 = long(whole.GetSize(1));
  Index lo, hi;
  lo.Fill(itk::NumericTraits<itk::IndexValueType>::max());
  hi.Fill(itk::NumericTraits<itk::IndexValueType>::min());
  for (long v : reached) {
    const long idx[3] = {v % n0, (v / n0) % n1, v / (n0 * n1)};
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], idx[a] + whole.GetIndex(a));
      hi[a] = std::max(hi[a], idx[a] + whole.GetIndex(a));
    }
  }
  itk::ImageRegion<3> held;
  held.SetIndex(lo);
  for (int a = 0; a < 3; ++a) held.SetSize(a, itk::SizeValueType(hi[a] - lo[a] + 1));
  auto pieces = MaskImage::New();
  pieces->CopyInformation(&zone);
  pieces->SetLargestPossibleRegion(whole);
  pieces->SetBufferedRegion(held);
  pieces->SetRequestedRegion(held);
  pieces->Allocate();
  pieces->FillBuffer(0);
  for (long v : reached) {
    Index index;
    const long idx[3] = {v % n0, (v / n0) % n1, v / (n0 * n1)};
    for (int a = 0; a < 3; ++a) index[a] = idx[a] + whole.GetIndex(a);
    pieces->SetPixel(index, 1);
  }
  return pieces;
}

}  // namespace margo
