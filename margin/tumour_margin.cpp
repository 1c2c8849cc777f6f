#include "margin/tumour_margin.h"

#include <itkImageRegionConstIterator.h>
#include <itkImageRegionIterator.h>

#include <limits>
#include <set>

#include "margin/surface.h"

namespace margo {
namespace {

bool InsideImage(const itk::ImageBase<3>& image, const Vec3& p) {
  itk::Point<double, 3> point;
  for (int a = 0; a < 3; ++a) point[a] = p[a];
  itk::ContinuousIndex<double, 3> ci;
  image.TransformPhysicalPointToContinuousIndex(point, ci);
  const auto region = image.GetLargestPossibleRegion();
  for (int a = 0; a < 3; ++a) {
    const double first = double(region.GetIndex(a)) - 0.5;
    if (ci[a] < first || ci[a] > first + double(region.GetSize(a))) return false;
  }
  return true;
}

std::size_t CountVoxels(const LabelImage& labels, std::uint16_t label) {
  std::size_t n = 0;
  itk::ImageRegionConstIterator<LabelImage> it(&labels, labels.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) n += it.Get() == label ? 1 : 0;
  return n;
}

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
  for (std::size_t i = 0; i < surface.points_mm.size(); ++i) {
    const Vec3 p = in.to_measuring ? in.to_measuring(surface.points_mm[i]) : surface.points_mm[i];
    if (!InsideImage(*in.ablation, p)) {
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
