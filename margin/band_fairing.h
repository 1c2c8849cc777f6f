// A binary mask fixes its surface only to a band: somewhere between the
// voxel centres inside and the ones outside. Across a coarse axis (the 2.5 or
// 5 mm between CT slices) that band is wide, and an iso-surface of the
// smoothed mask puts a sphere's pole flat on the voxel face, up to half a
// slice off. The surface there is better found by continuing the curvature of
// its well-fixed neighbours: vertices whose band is wide along their normal
// are moved to minimise the mesh's bending energy (squared umbrella
// Laplacian) with the well-fixed vertices held, then kept inside their
// band. Bending alone continues the slope, not the curvature: it leaves a
// cap beyond the last slice too flat (a sphere's pole up to 1 mm short on
// 2.5 mm slices). So the mean curvature measured at the held vertices is
// then continued over the moved ones (Laplace's equation) and the moved
// vertices placed to match it (cotangent Laplacian, after Schneider and
// Kobbelt; margin/curvature_continuation.h), again within their band.
#pragma once

#include <array>
#include <vector>

#include "core/vec3.h"

namespace margo {

// A triangle mesh in a grid's local frame: millimetres along the grid axes
// from the centre of its first voxel (direction and origin not applied).
struct LocalMesh {
  std::vector<Vec3> points;
  std::vector<std::array<int, 3>> triangles;
};

// Trilinear view of a 0/1 mask (x fastest), in the same local frame; 0 outside.
class MaskBand {
 public:
  MaskBand(const float* data, const std::array<long, 3>& size, const Vec3& spacing_mm);
  double At(const Vec3& local_mm) const;
  const Vec3& spacing_mm() const { return spacing_; }

 private:
  double Voxel(long i, long j, long k) const;
  const float* data_;
  std::array<long, 3> size_;
  Vec3 spacing_;
};

struct FairingStats {
  std::size_t vertices = 0, moved = 0;
  double max_shift_mm = 0.0;
};

// A box in the mesh's local frame: the part of it the image shows. Beyond it
// the mask is closed artificially, and the curvature there is not the
// shape's.
struct LocalBox {
  Vec3 lo{-1e300, -1e300, -1e300}, hi{1e300, 1e300, 1e300};
  bool Contains(const Vec3& p) const {
    return p[0] >= lo[0] && p[0] <= hi[0] && p[1] >= lo[1] && p[1] <= hi[1] && p[2] >= lo[2] && p[2] <= hi[2];
  }
};

// `neighbours`: each vertex's (Neighbours(mesh), margin/mesh_operators.h),
// which fairing does not change.
FairingStats FairWithinBand(LocalMesh& mesh, const std::vector<std::vector<int>>& neighbours,
                            const MaskBand& band, const LocalBox& seen = LocalBox{});

// Low-pass filter of the vertex positions that does not shrink (Taubin's
// lambda/mu smoothing): removes what is left of the voxel staircase.
void TaubinSmooth(LocalMesh& mesh, const std::vector<std::vector<int>>& neighbours, int iterations);

// Area-weighted vertex normals, unit length, in the mesh's winding sense.
std::vector<Vec3> VertexNormals(const LocalMesh& mesh);

}  // namespace margo
