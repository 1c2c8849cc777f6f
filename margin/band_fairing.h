// A binary mask fixes its surface only to a band: somewhere between the
// voxel centres inside and the ones outside. Across a coarse axis (the 2.5 or
// 5 mm between CT slices) that band is wide, and an iso-surface of the
// smoothed mask puts a sphere's pole flat on the voxel face, up to half a
// slice off. The surface there is better found by continuing the curvature of
// its well-fixed neighbours: vertices whose band is wide along their normal
// are moved to minimise the mesh's bending energy (squared umbrella
// Laplacian, a discrete Willmore energy) with the well-fixed vertices held,
// then kept inside their band.
#pragma once

#include <array>
#include <vector>

#include "core/geometry.h"

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

FairingStats FairWithinBand(LocalMesh& mesh, const MaskBand& band);

// Low-pass filter of the vertex positions that does not shrink (Taubin's
// lambda/mu smoothing): removes what is left of the voxel staircase.
void TaubinSmooth(LocalMesh& mesh, int iterations);

// Area-weighted vertex normals, unit length, in the mesh's winding sense.
std::vector<Vec3> VertexNormals(const LocalMesh& mesh);

}  // namespace margo
