#include "io/label_grid.h"

#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkImageRegionConstIterator.h>
#include <itkResampleImageFilter.h>

#include <cstdio>

#include "core/error.h"
#include "core/geometry.h"

namespace margo {
namespace {

std::string BoxText(const WorldBox& b) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "[%.1f..%.1f, %.1f..%.1f, %.1f..%.1f] mm LPS", b.min_mm[0], b.max_mm[0],
                b.min_mm[1], b.max_mm[1], b.min_mm[2], b.max_mm[2]);
  return buf;
}

double LabelledVolumeMm3(const LabelImage& labels) {
  std::size_t count = 0;
  itk::ImageRegionConstIterator<LabelImage> it(&labels, labels.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) count += it.Get() != 0 ? 1 : 0;
  return double(count) * GeometryOf(labels).VoxelVolumeMm3();
}

}  // namespace

LabelImage::Pointer PutLabelsOnGrid(const LabelImage::Pointer& labels, const GridInput& labels_input,
                                    const itk::ImageBase<3>& reference, const GridInput& reference_input,
                                    Log& log) {
  const ImageGeometry from = GeometryOf(*labels);
  const ImageGeometry to = GeometryOf(reference);
  if (SameGrid(from, to)) return labels;

  const WorldBox from_box = WorldBounds(from);
  const WorldBox to_box = WorldBounds(to);
  const WorldBox common = Intersect(from_box, to_box);
  if (common.Empty()) {
    throw Error(ErrorKind::kGeometryInvalid,
                labels_input.role + " " + labels_input.path + ": covers " + BoxText(from_box) +
                    ", which does not overlap " + reference_input.role + " " + reference_input.path + " at " +
                    BoxText(to_box) + "; expected the segmentation to overlap the " + reference_input.role);
  }
  log.Info(labels_input.role + ": on a different grid from the " + reference_input.role +
           "; resampled by nearest neighbour onto the " + reference_input.role + " grid (" + Describe(to) +
           ")");

  LabelImage::Pointer out = ResampleLabels(*labels, nullptr, reference);
  const double before = LabelledVolumeMm3(*labels), after = LabelledVolumeMm3(*out);
  if (after < 0.95 * before) {
    char buf[240];
    std::snprintf(buf, sizeof buf,
                  ": %.3g of %.3g mL of labelled volume is not on the %s grid after nearest-neighbour "
                  "resampling (it lies outside, or is thinner than its voxels)",
                  (before - after) / 1000.0, before / 1000.0, reference_input.role.c_str());
    log.Warn(labels_input.role + " " + labels_input.path + buf);
  }
  return out;
}

LabelImage::Pointer ResampleLabels(const LabelImage& labels, const itk::Transform<double, 3, 3>* output_to_input,
                                   const itk::ImageBase<3>& grid) {
  auto resampler = itk::ResampleImageFilter<LabelImage, LabelImage>::New();
  resampler->SetInput(&labels);
  if (output_to_input != nullptr) resampler->SetTransform(output_to_input);
  resampler->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<LabelImage, double>::New());
  resampler->SetOutputParametersFromImage(&grid);
  resampler->SetDefaultPixelValue(0);
  resampler->Update();
  LabelImage::Pointer out = resampler->GetOutput();
  out->DisconnectPipeline();
  return out;
}

}  // namespace margo
