#include "io/label_grid.h"

#include <itkImageRegionConstIterator.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <cmath>
#include <cstdio>
#include <tuple>
#include <vector>

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

// Which CT lattices a label map lies on.
struct Lattices {
  bool own = false, other = false;
};

std::string NotOwnLatticeMessage(const GridOf& labels, const GridOf& other_ct, const GridOf& own_ct,
                                 const std::string& what) {
  return labels.input.role + " " + labels.input.path + " lie on the voxel grid of the " +
         other_ct.input.role + " " + other_ct.input.path + ", not the " + own_ct.input.role +
         "'s (expected: " + what + ")";
}

}  // namespace

bool OnVoxelLatticeOf(const ImageGeometry& grid, const ImageGeometry& ct) {
  constexpr double kToleranceMm = 0.01;
  // Each grid axis along a CT axis, either way (a map stored flipped or with
  // its axes in another order has the same voxel centres), with its spacing.
  bool matched[3] = {false, false, false};
  for (int a = 0; a < 3; ++a) {
    bool found = false;
    for (int c = 0; c < 3 && !found; ++c) {
      double dot = 0.0;
      for (int r = 0; r < 3; ++r) dot += grid.direction[r][a] * ct.direction[r][c];
      if (matched[c] || std::abs(std::abs(dot) - 1.0) > 1e-3) continue;
      if (std::abs(grid.spacing_mm[a] - ct.spacing_mm[c]) > 1e-3) return false;
      matched[c] = found = true;
    }
    if (!found) return false;
  }
  // The grid's first voxel centre along each CT axis (the direction is
  // orthonormal: loading refuses others), in voxels of the CT.
  for (int c = 0; c < 3; ++c) {
    double along_mm = 0.0;
    for (int r = 0; r < 3; ++r) along_mm += ct.direction[r][c] * (grid.origin_mm[r] - ct.origin_mm[r]);
    const double voxels = along_mm / ct.spacing_mm[c];
    if (std::abs(voxels - std::round(voxels)) * ct.spacing_mm[c] > kToleranceMm) return false;
  }
  return true;
}

void RequireLabelsOnTheirCts(const GridOf& tumours, const GridOf& ablation, const GridOf& pre_ct,
                             const GridOf& post_ct, Log& log) {
  if (OnVoxelLatticeOf(pre_ct.geometry, post_ct.geometry)) return;  // one lattice: the grids tell nothing
  const Lattices t{OnVoxelLatticeOf(tumours.geometry, pre_ct.geometry),
                   OnVoxelLatticeOf(tumours.geometry, post_ct.geometry)};
  const Lattices z{OnVoxelLatticeOf(ablation.geometry, post_ct.geometry),
                   OnVoxelLatticeOf(ablation.geometry, pre_ct.geometry)};
  std::vector<std::string> problems;
  if (t.other && !t.own) {
    problems.push_back(
        NotOwnLatticeMessage(tumours, post_ct, pre_ct, "tumours drawn on the pre-ablation CT"));
  }
  if (z.other && !z.own) {
    problems.push_back(
        NotOwnLatticeMessage(ablation, pre_ct, post_ct, "zones drawn on the post-ablation CT"));
  }
  if (!problems.empty()) {
    const char* swapped =
        problems.size() == 2 ? "--pre-ct and --post-ct look swapped (or --tumours and --ablation)"
        : t.other && !t.own  ? "--pre-ct and --post-ct look swapped (or --tumours is the zones' map)"
                             : "--pre-ct and --post-ct look swapped (or --ablation is the tumours' map)";
    throw Error(ErrorKind::kUsage, problems[0] + (problems.size() == 2 ? "; " + problems[1] : "") + ": " +
                                       swapped +
                                       "; margins through swapped scans read tumours as incomplete");
  }
  for (const auto& [labels, lattices, ct] :
       {std::tuple{&tumours, t, &pre_ct}, std::tuple{&ablation, z, &post_ct}}) {
    if (lattices.own || lattices.other) continue;
    log.Warn(labels->input.role + " " + labels->input.path + ": on neither CT's voxel grid (resampled by " +
             "another tool?), so margo cannot check that they were drawn on the " + ct->input.role +
             " and not on the other scan");
  }
}

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
