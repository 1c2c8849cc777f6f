// Per-tumour margins at sub-voxel accuracy: each tumour's smoothed surface
// (surface.h), carried point by point into the measuring space, sampled with
// the signed distance to the ablation zone's smoothed surface.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "core/image_types.h"
#include "margin/category.h"

namespace margo {

struct TumourMargin {
  std::uint16_t label = 0;          // value in the input tumour label map
  std::size_t voxels = 0;           // in the tumour label map
  std::size_t surface_points = 0;   // surface vertices sampled
  double surface_area_mm2 = 0.0;
  bool assessable = false;
  std::string not_assessable_reason;  // set when !assessable
  double min_margin_mm = 0.0;         // minimal signed margin (MAM)
  Vec3 min_point_lps_mm{};            // where it occurs, in the measuring space
  MarginCategory category = MarginCategory::kIncomplete;
};

// Maps a point of the tumours' space to the measuring space (LPS mm).
using PointMap = std::function<Vec3(const Vec3&)>;

struct MarginInputs {
  const LabelImage* tumours = nullptr;    // one label per tumour, in its own space
  PointMap to_measuring;                  // empty: the tumours are in the measuring space
  const MaskImage* ablation = nullptr;    // 0/1 union of ablation zones, measuring space
  std::vector<std::uint16_t> expected_labels;  // tumours of the input; missing ones are reported
  CategoryThresholds thresholds;
  std::string space_name = "post CT";     // for messages
};

// REQUIRES: ablation not empty.
std::vector<TumourMargin> MeasureMargins(const MarginInputs& inputs);

// Sorted distinct non-zero labels of a label map.
std::vector<std::uint16_t> LabelsPresent(const LabelImage& labels);

// Binary mask (0/1) of the voxels whose label is non-zero.
MaskImage::Pointer UnionMask(const LabelImage& labels);

}  // namespace margo
