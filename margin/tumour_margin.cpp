#include "margin/tumour_margin.h"

#include <itkImageRegionConstIterator.h>
#include <itkImageRegionIterator.h>

#include <cstdio>
#include <limits>
#include <set>

#include "margin/surface.h"

namespace margo {
namespace {

// Distance (mm) from p to the nearest face of the image's extent; negative
// when p lies outside it.
double DistanceToImageEdgeMm(const itk::ImageBase<3>& image, const Vec3& p) {
  itk::Point<double, 3> point;
  for (int a = 0; a < 3; ++a) point[a] = p[a];
  itk::ContinuousIndex<double, 3> ci;
  image.TransformPhysicalPointToContinuousIndex(point, ci);
  const auto region = image.GetLargestPossibleRegion();
  double nearest = std::numeric_limits<double>::infinity();
  for (int a = 0; a < 3; ++a) {
    const double first = double(region.GetIndex(a)) - 0.5, last = first + double(region.GetSize(a));
    nearest = std::min(nearest, std::min(ci[a] - first, last - ci[a]) * image.GetSpacing()[a]);
  }
  return nearest;
}

std::size_t CountVoxels(const LabelImage& labels, std::uint16_t label) {
  std::size_t n = 0;
  itk::ImageRegionConstIterator<LabelImage> it(&labels, labels.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) n += it.Get() == label ? 1 : 0;
  return n;
}

// A zone cut by the image edge is closed along the edge; a margin within this
// slack of the edge distance may be the cut's, not the zone's.
constexpr double kEdgeSlackMm = 1.0;

TumourMargin NotAssessable(TumourMargin m, const std::string& reason) {
  m.assessable = false;
  m.not_assessable_reason = reason;
  return m;
}

TumourMargin Measure(std::uint16_t label, const MarginInputs& in, const SurfaceDistance& zone) {
  TumourMargin m;
  m.label = label;
  m.voxels = CountVoxels(*in.tumours, label);
  if (m.voxels == 0) return NotAssessable(m, "tumour lies outside the " + in.space_name + " field of view");
  const SurfaceSamples surface = ExtractSurface(*in.tumours, label);
  if (surface.touches_image_edge) {
    return NotAssessable(m, "tumour reaches the edge of its label map; its surface is cut off");
  }
  if (surface.points_mm.empty()) return NotAssessable(m, "no tumour surface could be extracted");
  m.surface_points = surface.points_mm.size();
  m.min_margin_mm = std::numeric_limits<double>::infinity();
  double edge_mm = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < surface.points_mm.size(); ++i) {
    const Vec3 p = in.to_measuring ? in.to_measuring(surface.points_mm[i]) : surface.points_mm[i];
    edge_mm = std::min(edge_mm, DistanceToImageEdgeMm(*in.ablation, p));
    if (edge_mm < 0.0) {
      return NotAssessable(m, "tumour reaches the edge of the " + in.space_name +
                                  " field of view; its margin cannot be measured in full");
    }
    m.surface_area_mm2 += surface.area_mm2[i];
    const double margin = zone.SignedMm(p);
    if (margin < m.min_margin_mm) {
      m.min_margin_mm = margin;
      m.min_point_lps_mm = p;
    }
  }
  if (zone.TouchesImageEdge() && m.min_margin_mm >= edge_mm - kEdgeSlackMm) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "ablation zone is cut by the edge of the %s field of view %.1f mm from this "
                  "tumour; the margin may be set by the cut", in.space_name.c_str(), edge_mm);
    return NotAssessable(m, buf);
  }
  m.assessable = true;
  m.category = Categorize(m.min_margin_mm, in.thresholds);
  return m;
}

}  // namespace

std::vector<std::uint16_t> LabelsPresent(const LabelImage& labels) {
  std::set<std::uint16_t> found;
  itk::ImageRegionConstIterator<LabelImage> it(&labels, labels.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (it.Get() != 0) found.insert(it.Get());
  }
  return {found.begin(), found.end()};
}

MaskImage::Pointer UnionMask(const LabelImage& labels) {
  auto mask = MaskImage::New();
  mask->CopyInformation(&labels);
  mask->SetRegions(labels.GetLargestPossibleRegion());
  mask->Allocate();
  itk::ImageRegionConstIterator<LabelImage> in(&labels, labels.GetLargestPossibleRegion());
  itk::ImageRegionIterator<MaskImage> out(mask, mask->GetLargestPossibleRegion());
  for (; !in.IsAtEnd(); ++in, ++out) out.Set(in.Get() != 0 ? 1 : 0);
  return mask;
}

std::vector<TumourMargin> MeasureMargins(const MarginInputs& inputs) {
  const SurfaceDistance zone(*inputs.ablation);
  std::set<std::uint16_t> labels(inputs.expected_labels.begin(), inputs.expected_labels.end());
  for (std::uint16_t label : LabelsPresent(*inputs.tumours)) labels.insert(label);
  std::vector<TumourMargin> out;
  for (std::uint16_t label : labels) out.push_back(Measure(label, inputs, zone));
  return out;
}

}  // namespace margo
