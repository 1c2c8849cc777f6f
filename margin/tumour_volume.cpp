#include "margin/tumour_volume.h"

#include <itkImageRegionIteratorWithIndex.h>

#include <algorithm>
#include <cmath>

#include "core/parallel_for.h"
#include "margin/distance_map.h"
#include "margin/shell_distance.h"

namespace margo {
namespace {

// `bounds` grown by `margin_mm` on every side (may reach beyond the image).
itk::ImageRegion<3> Grown(const itk::ImageRegion<3>& bounds, const itk::ImageBase<3>& image, double margin_mm) {
  itk::ImageRegion<3> region = bounds;
  for (int a = 0; a < 3; ++a) {
    const long pad = static_cast<long>(std::ceil(margin_mm / image.GetSpacing()[a])) + 1;
    region.SetIndex(a, bounds.GetIndex(a) - pad);
    region.SetSize(a, bounds.GetSize(a) + itk::SizeValueType(2 * pad));
  }
  return region;
}

// The tumour as a 0/1 mask on `region` of the label grid (zero where the
// region reaches beyond the image), with its own index starting at 0.
MaskImage::Pointer LocalMask(const LabelImage& labels, std::uint16_t label, const itk::ImageRegion<3>& region) {
  auto mask = MaskImage::New();
  LabelImage::PointType origin;
  labels.TransformIndexToPhysicalPoint(region.GetIndex(), origin);
  mask->SetOrigin(origin);
  mask->SetSpacing(labels.GetSpacing());
  mask->SetDirection(labels.GetDirection());
  mask->SetRegions(region.GetSize());
  mask->Allocate();
  const itk::ImageRegion<3> image = labels.GetLargestPossibleRegion();
  itk::ImageRegionIteratorWithIndex<MaskImage> it(mask, mask->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    itk::Index<3> source;
    for (int a = 0; a < 3; ++a) source[a] = it.GetIndex()[a] + region.GetIndex(a);
    it.Set(image.IsInside(source) && labels.GetPixel(source) == label ? 1 : 0);
  }
  return mask;
}

// Voxel counts of one slab of the grown box (whole numbers: slabs add up
// to the same totals in any order).
struct Counts {
  explicit Counts(std::size_t shells) : shell_total(shells, 0), shell_inside(shells, 0) {}
  std::size_t residual = 0, deep = 0;
  std::vector<std::size_t> shell_total, shell_inside;
};

}  // namespace

VolumeCoverage MeasureVolumeCoverage(const LabelImage& labels, std::uint16_t label,
                                     const itk::ImageRegion<3>& bounds, const Surface& tumour,
                                     const Surface& zone, const PointMap& to_measuring,
                                     const std::vector<double>& shell_mm) {
  const double largest = shell_mm.empty() ? 0.0 : *std::max_element(shell_mm.begin(), shell_mm.end());
  // The sub-voxel surface lies within about half a voxel of the voxel faces.
  const auto& spacing = labels.GetSpacing();
  const double slack = std::max({spacing[0], spacing[1], spacing[2]});
  const MaskImage::Pointer mask = LocalMask(labels, label, Grown(bounds, labels, largest + slack));
  const FloatImage::Pointer outside =
      OutsideDistanceMm(*mask, *SignedDistanceMm(*mask), tumour, slack, largest + slack);
  const auto size = mask->GetLargestPossibleRegion().GetSize();
  const std::size_t slice = size[0] * size[1];
  // Each slice on any core: mapping voxel centres into the measuring space
  // and looking them up in the zone only reads.
  std::vector<Counts> slabs(size[2], Counts(shell_mm.size()));
  ParallelFor(size[2], [&](std::size_t k) {
    Counts& c = slabs[k];
    const std::uint8_t* in_tumour = mask->GetBufferPointer() + k * slice;
    const float* d = outside->GetBufferPointer() + k * slice;
    for (std::size_t at = 0; at < slice; ++at) {
      const double outside_mm = d[at];
      if (in_tumour[at] == 0 && (outside_mm <= 0.0 || outside_mm > largest)) continue;
      const itk::Index<3> index{{long(at % size[0]), long(at / size[0]), long(k)}};
      MaskImage::PointType q;
      mask->TransformIndexToPhysicalPoint(index, q);
      const Vec3 point{q[0], q[1], q[2]};
      const bool covered = zone.Inside(to_measuring ? to_measuring(point) : point);
      if (in_tumour[at] != 0 && !covered) {
        ++c.residual;
        c.deep += outside_mm < -slack ? 1 : 0;
      }
      for (std::size_t s = 0; s < shell_mm.size(); ++s) {
        if (outside_mm <= 0.0 || outside_mm > shell_mm[s]) continue;
        ++c.shell_total[s];
        c.shell_inside[s] += covered ? 1 : 0;
      }
    }
  });
  Counts total(shell_mm.size());
  for (const Counts& c : slabs) {
    total.residual += c.residual;
    total.deep += c.deep;
    for (std::size_t s = 0; s < shell_mm.size(); ++s) {
      total.shell_total[s] += c.shell_total[s];
      total.shell_inside[s] += c.shell_inside[s];
    }
  }
  const double voxel_ml = GeometryOf(labels).VoxelVolumeMm3() / 1000.0;
  VolumeCoverage out;
  out.residual_ml = double(total.residual) * voxel_ml;
  out.deep_ml = double(total.deep) * voxel_ml;
  for (std::size_t s = 0; s < shell_mm.size(); ++s) {
    out.shells.push_back({shell_mm[s], total.shell_total[s] > 0
                                           ? double(total.shell_inside[s]) / double(total.shell_total[s])
                                           : 0.0});
  }
  return out;
}

}  // namespace margo
