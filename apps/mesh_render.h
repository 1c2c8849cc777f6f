// The 3D view of the report, drawn by margo's own software rasteriser: no
// render window and no display, so it works the same on a PACS node without
// X as on a workstation (Debian's VTK 9.1 aborts the process when it opens a
// display that is not there). Orthographic projection, z-buffer, Lambert
// shading; the tumour coloured by margin (margin_colours.h) inside the
// translucent ablation zone, seen from its thinnest side.
#pragma once

#include "apps/margin_map.h"
#include "apps/picture.h"
#include "margin/category.h"

namespace margo {

struct MarginViewOptions {
  int pixels = 400;               // side of the square picture
  Vec3 toward_viewer{0, -1, 0};   // unit vector from the tumour toward the eye (default: anterior)
  double zone_opacity = 0.28;     // of the ablation zone's surface
  double surroundings_mm = 15.0;  // shown around the tumour
};

// `zone` may be null. The tumour's minimal-margin vertex is ringed.
Picture RenderMarginView(const MarginMesh& tumour, const MarginMesh* zone,
                         const CategoryThresholds& thresholds, const MarginViewOptions& options);

}  // namespace margo
