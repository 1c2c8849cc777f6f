// Per-tumour margins at voxel-face level: the signed distance to the
// ablation-zone boundary (distance_map.h) sampled at the centre of every face
// between a tumour voxel and a voxel outside it. Error: about half the
// largest voxel spacing; the sub-voxel kernel is its own issue.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "core/image_types.h"
#include "margin/category.h"

namespace margo {

struct TumourMargin {
  std::uint16_t label = 0;          // value in the input tumour label map
  std::size_t voxels = 0;           // in the measuring space
  std::size_t surface_faces = 0;    // boundary voxel faces sampled
  bool assessable = false;
  std::string not_assessable_reason;  // set when !assessable
  double min_margin_mm = 0.0;         // minimal signed margin (MAM)
  Vec3 min_point_lps_mm{};            // where it occurs
  MarginCategory category = MarginCategory::kIncomplete;
};

struct MarginInputs {
  const LabelImage* tumours = nullptr;    // one label per tumour, in the measuring space
  const MaskImage* ablation = nullptr;    // 0/1 union of ablation zones, same grid
  std::vector<std::uint16_t> expected_labels;  // tumours of the input; missing ones are reported
  CategoryThresholds thresholds;
  std::string space_name = "post CT";     // for messages
};

// REQUIRES: tumours and ablation on the same grid; ablation not empty.
std::vector<TumourMargin> MeasureMargins(const MarginInputs& inputs);

// Sorted distinct non-zero labels of a label map.
std::vector<std::uint16_t> LabelsPresent(const LabelImage& labels);

// Binary mask (0/1) of the voxels whose label is non-zero.
MaskImage::Pointer UnionMask(const LabelImage& labels);

}  // namespace margo
