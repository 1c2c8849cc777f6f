// Analytic truth for the margin kernel's tests: an ellipsoid tumour in a
// sphere zone (margin = R - |p - zone centre|), by dense area-weighted
// sampling of the tumour's parametric surface. Never margo's own code.
#pragma once

#include <utility>
#include <vector>

#include "core/geometry.h"
#include "margin/tumour_margin.h"

namespace margo::testing {

struct Shape {
  Vec3 centre_mm;
  Vec3 semi_axes_mm;
  Vec3 angles_deg{0, 0, 0};  // world = Rz Ry Rx local, as in testing::Ellipsoid
  bool IsSphere() const { return semi_axes_mm[0] == semi_axes_mm[1] && semi_axes_mm[1] == semi_axes_mm[2]; }
};

struct Truth {
  double min_margin_mm = 0.0;
  CoverageCurve coverage;  // (d mm, share); empty when not known
  // The margins of the dense samples, sorted, with the share of the area at
  // or above each (empty when not known).
  std::vector<double> sorted_margins_mm, share_at_or_above;

  // The margin d* at which the true coverage is `share` (an area-weighted
  // quantile of the margins). A measured coverage c at d reads as the true
  // coverage at d* = MarginWithCoverage(c): as if the margins were off by
  // d - d*.
  double MarginWithCoverage(double share) const;
};

// The tumour ellipsoid's margins in the sphere `zone`, and its surface
// coverage at `distances`.
Truth SampledTruthInSphereZone(const Shape& tumour, const Shape& zone, const std::vector<double>& distances);

}  // namespace margo::testing
