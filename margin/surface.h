// Sub-voxel surfaces of binary masks: the mask is smoothed with a Gaussian
// of about one voxel per axis and its 0.5 iso-surface extracted (VTK flying
// edges), which removes the voxel staircase. Points are LPS millimetres.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "core/geometry.h"
#include "core/image_types.h"

namespace margo {

struct SurfaceSamples {
  std::vector<Vec3> points_mm;   // surface vertices
  std::vector<double> area_mm2;  // area each vertex stands for (a third of its triangles)
};

// VTK 9.1 (Debian's) sets up its object factory and its SMP back end on
// first use, without a lock: surfaces built on several threads at once raced
// there (valgrind's helgrind). This builds one tiny surface on the calling
// thread, once per process; call it before starting threads that build
// surfaces (MeasureMargins does). Its ITK counterpart: core/toolkit_globals.h.
void PrepareVtkForThreads();

// Bounding region (voxel indices) of every non-zero label, in one pass.
std::map<std::uint16_t, itk::ImageRegion<3>> LabelRegions(const LabelImage& labels);

class Surface {
 public:
  // The voxels of `labels` equal to `label`, looked for within `bounds`.
  // nullptr if there are none.
  static std::unique_ptr<Surface> OfLabel(const LabelImage& labels, std::uint16_t label,
                                          const itk::ImageRegion<3>& bounds);
  // The non-zero voxels of `mask` (its buffered region, which may be part of
  // its extent); nullptr if there are none.
  static std::unique_ptr<Surface> OfMask(const MaskImage& mask);
  ~Surface();
  Surface(const Surface&) = delete;
  Surface& operator=(const Surface&) = delete;

  SurfaceSamples Samples() const;
  // The mesh's triangles, as indices into Samples().points_mm (for pictures
  // and exported surfaces; the margin kernel does not need them).
  std::vector<std::array<std::size_t, 3>> Triangles() const;
  // Signed distance (mm) to the surface: positive inside, negative outside
  // (margo's convention, docs/MARGINS.md).
  double SignedMm(const Vec3& point_mm) const;
  // The same, and the surface point it is measured to.
  struct Foot {
    double signed_mm = 0.0;
    Vec3 point_mm{};
  };
  Foot NearestMm(const Vec3& point_mm) const;
  // Inside the smoothed mask (its value above the iso-level).
  bool Inside(const Vec3& point_mm) const;
  // The mask reaches the border of its image: beyond it the surface is
  // closed artificially (which can only shorten distances from inside).
  bool TouchesImageEdge() const;

  struct Impl;  // opaque: VTK and ITK details stay in surface.cpp

 private:
  explicit Surface(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace margo
