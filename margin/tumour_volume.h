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
  // Of those, the voxels lying deeper inside the tumour than its largest
  // voxel spacing: not the partial volume of a surface at the zone's edge.
  // With the whole surface inside the zone, only a cavity of the zone puts
  // them there.
  double deep_ml = 0.0;
  CoverageCurve shells;        // (d, share of shell volume inside the zone)
};

// Shell membership is decided voxel by voxel, by the distance of each voxel
// centre outside `tumour`'s sub-voxel surface (shell_distance.h); residual
// tumour by the voxels of the label map (as its volume is).
VolumeCoverage MeasureVolumeCoverage(const LabelImage& labels, std::uint16_t label,
                                     const itk::ImageRegion<3>& bounds, const Surface& tumour,
                                     const Surface& zone, const PointMap& to_measuring,
                                     const std::vector<double>& shell_mm);

}  // namespace margo
