// The signed margin at every vertex of a tumour's surface, as the margin
// kernel measured it: for the report's margin maps to draw the values the
// kernel summarised instead of measuring them again.
#pragma once

#include <vector>

#include "core/geometry.h"

namespace margo {

struct VertexMargins {
  // The tumour surface's vertices (Surface::Samples() order) carried into
  // the measuring space (LPS mm).
  std::vector<Vec3> points_mm;
  // Signed margin (mm) at each; NaN where the vertex lies outside the
  // measuring image (the tumour is then not assessable).
  std::vector<double> margin_mm;
};

}  // namespace margo
