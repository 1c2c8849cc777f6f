// Sub-voxel surfaces of binary masks: the mask is smoothed with a Gaussian
// of about half a voxel per axis and its 0.5 iso-surface extracted (VTK flying
// edges), which removes the voxel staircase. Points are LPS millimetres.
#pragma once

#include <memory>
#include <vector>

#include "core/geometry.h"
#include "core/image_types.h"

namespace margo {

struct SurfaceSamples {
  std::vector<Vec3> points_mm;   // surface vertices
  std::vector<double> area_mm2;  // area each vertex stands for (a third of its triangles)
  bool touches_image_edge = false;  // the mask reaches the border of its image
};

// Surface of the voxels of `labels` equal to `label`. Empty if there are none.
SurfaceSamples ExtractSurface(const LabelImage& labels, std::uint16_t label);

// Signed distance (mm) to the surface of a mask: positive inside, negative
// outside (margo's convention, docs/MARGINS.md).
class SurfaceDistance {
 public:
  // REQUIRES: `mask` (0/1) has at least one non-zero voxel.
  explicit SurfaceDistance(const MaskImage& mask);
  ~SurfaceDistance();
  SurfaceDistance(const SurfaceDistance&) = delete;
  SurfaceDistance& operator=(const SurfaceDistance&) = delete;

  double SignedMm(const Vec3& point_mm) const;
  // The mask reaches the border of its image: beyond it the surface is
  // closed artificially (which can only shorten distances from inside).
  bool TouchesImageEdge() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace margo
