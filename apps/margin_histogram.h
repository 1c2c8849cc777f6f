// The margin histogram of one tumour as inline SVG (text labels stay sharp
// and need no font in the picture): area-weighted share of the surface per
// 1 mm bin, bars in the report's margin colours.
#pragma once

#include <string>
#include <vector>

#include "apps/margin_map.h"
#include "margin/category.h"

namespace margo {

struct HistogramBin {
  double from_mm = 0.0;  // [from_mm, from_mm + 1)
  double share = 0.0;    // of the surface area, 0..1
};

// Bins of 1 mm from floor(min) to ceil(max) of the mesh's margins, weighted
// by the area each vertex stands for (a third of its triangles).
std::vector<HistogramBin> MarginHistogram(const MarginMesh& mesh);

std::string MarginHistogramSvg(const MarginMesh& mesh, const CategoryThresholds& thresholds);

}  // namespace margo
