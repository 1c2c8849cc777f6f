// Volumetric measures of one tumour against the ablation zone, on the
// tumour's own grid (voxel centres carried into the measuring space):
// residual unablated tumour, and shell coverage (Laimer 2021): the share of
// the d-mm periablational shell (tumour grown by d mm, minus the tumour)
// that lies inside the zone.
#pragma once

#include <cstdint>
#include <vector>

#include "margin/surface.h"
#include "margin/tumour_margin.h"

namespace margo {

struct VolumeCoverage {
  double residual_ml = 0.0;    // tumour voxels whose centre maps outside the zone
  CoverageCurve shells;        // (d, share of shell volume inside the zone)
};

// Distances from the tumour are voxel-face distances (distance_map.h):
// shell membership is decided voxel by voxel.
VolumeCoverage MeasureVolumeCoverage(const LabelImage& labels, std::uint16_t label,
                                     const itk::ImageRegion<3>& bounds, const Surface& zone,
                                     const PointMap& to_measuring, const std::vector<double>& shell_mm);

}  // namespace margo
