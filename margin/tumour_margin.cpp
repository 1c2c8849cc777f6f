#include "margin/tumour_margin.h"

#include <itkImageRegionConstIteratorWithIndex.h>
#include <itkImageRegionIterator.h>

#include <limits>
#include <map>
#include <set>

#include "core/error.h"
#include "margin/distance_map.h"

namespace margo {
namespace {

using Index = LabelImage::IndexType;

struct Accumulator {
  std::size_t voxels = 0;
  std::size_t surface_faces = 0;
  bool touches_border = false;
  double min_margin_mm = std::numeric_limits<double>::infinity();
  Vec3 min_point_mm{};
};

Vec3 Midpoint(const LabelImage& labels, const Index& a, const Index& b) {
  LabelImage::PointType pa, pb;
  labels.TransformIndexToPhysicalPoint(a, pa);
  labels.TransformIndexToPhysicalPoint(b, pb);
  return {(pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2, (pa[2] + pb[2]) / 2};
}

// Samples the distance at the centre of every face between `index` and a
// 6-neighbour outside the tumour: the midpoint of the two voxel centres,
// where linear interpolation of the distance map is the mean of the two.
void SampleFaces(const LabelImage& labels, const FloatImage& distance, const Index& index,
                 std::uint16_t label, Accumulator& acc) {
  const auto region = labels.GetLargestPossibleRegion();
  const double inside = distance.GetPixel(index);
  for (int axis = 0; axis < 3; ++axis) {
    for (int step : {-1, 1}) {
      Index n = index;
      n[axis] += step;
      if (!region.IsInside(n)) {
        acc.touches_border = true;
        continue;
      }
      if (labels.GetPixel(n) == label) continue;
      ++acc.surface_faces;
      const double margin = 0.5 * (inside + distance.GetPixel(n));
      if (margin < acc.min_margin_mm) {
        acc.min_margin_mm = margin;
        acc.min_point_mm = Midpoint(labels, index, n);
      }
    }
  }
}

std::map<std::uint16_t, Accumulator> Accumulate(const LabelImage& labels, const FloatImage& distance) {
  std::map<std::uint16_t, Accumulator> per_label;
  itk::ImageRegionConstIteratorWithIndex<LabelImage> it(&labels, labels.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    const std::uint16_t label = it.Get();
    if (label == 0) continue;
    Accumulator& acc = per_label[label];
    ++acc.voxels;
    SampleFaces(labels, distance, it.GetIndex(), label, acc);
  }
  return per_label;
}

TumourMargin Summarise(std::uint16_t label, const Accumulator& acc,
                       const MarginInputs& inputs) {
  TumourMargin m;
  m.label = label;
  m.voxels = acc.voxels;
  m.surface_faces = acc.surface_faces;
  if (acc.voxels == 0) {
    m.not_assessable_reason = "tumour lies outside the " + inputs.space_name + " field of view";
    return m;
  }
  if (acc.touches_border) {
    m.not_assessable_reason = "tumour reaches the edge of the " + inputs.space_name +
                              " field of view; its margin cannot be measured in full";
    return m;
  }
  m.assessable = true;
  m.min_margin_mm = acc.min_margin_mm;
  m.min_point_lps_mm = acc.min_point_mm;
  m.category = Categorize(m.min_margin_mm, inputs.thresholds);
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
  const FloatImage::Pointer distance = SignedDistanceMm(*inputs.ablation);
  std::map<std::uint16_t, Accumulator> per_label = Accumulate(*inputs.tumours, *distance);
  for (std::uint16_t label : inputs.expected_labels) per_label[label];  // absent ones: zero voxels
  std::vector<TumourMargin> out;
  for (const auto& [label, acc] : per_label) out.push_back(Summarise(label, acc, inputs));
  return out;
}

}  // namespace margo
