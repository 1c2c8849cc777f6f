#include "margin/tumour_volume.h"

#include <itkImageRegionConstIteratorWithIndex.h>
#include <itkImageRegionIterator.h>
#include <itkImageRegionIteratorWithIndex.h>

#include <algorithm>
#include <cmath>

#include "margin/distance_map.h"

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

}  // namespace

VolumeCoverage MeasureVolumeCoverage(const LabelImage& labels, std::uint16_t label,
                                     const itk::ImageRegion<3>& bounds, const Surface& zone,
                                     const PointMap& to_measuring, const std::vector<double>& shell_mm) {
  const double largest = shell_mm.empty() ? 0.0 : *std::max_element(shell_mm.begin(), shell_mm.end());
  const MaskImage::Pointer mask = LocalMask(labels, label, Grown(bounds, labels, largest));
  const FloatImage::Pointer distance = SignedDistanceMm(*mask);
  std::vector<double> shell_total(shell_mm.size(), 0.0), shell_inside(shell_mm.size(), 0.0);
  std::size_t residual_voxels = 0;
  itk::ImageRegionConstIteratorWithIndex<MaskImage> it(mask, mask->GetLargestPossibleRegion());
  itk::ImageRegionConstIterator<FloatImage> d(distance, distance->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it, ++d) {
    const double outside_mm = -d.Get();
    if (it.Get() == 0 && (outside_mm <= 0.0 || outside_mm > largest)) continue;
    MaskImage::PointType q;
    mask->TransformIndexToPhysicalPoint(it.GetIndex(), q);
    const Vec3 point{q[0], q[1], q[2]};
    const bool covered = zone.Inside(to_measuring ? to_measuring(point) : point);
    if (it.Get() != 0) {
      residual_voxels += covered ? 0 : 1;
      continue;
    }
    for (std::size_t k = 0; k < shell_mm.size(); ++k) {
      if (outside_mm > shell_mm[k]) continue;
      shell_total[k] += 1.0;
      shell_inside[k] += covered ? 1.0 : 0.0;
    }
  }
  const double voxel_ml = GeometryOf(labels).VoxelVolumeMm3() / 1000.0;
  VolumeCoverage out;
  out.residual_ml = double(residual_voxels) * voxel_ml;
  for (std::size_t k = 0; k < shell_mm.size(); ++k) {
    out.shells.push_back({shell_mm[k], shell_total[k] > 0 ? shell_inside[k] / shell_total[k] : 0.0});
  }
  return out;
}

}  // namespace margo
