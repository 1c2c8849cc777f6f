// Signed distance to the voxel-face boundary of a mask, in millimetres: the
// volumetric measures (shell coverage) use it; margins use the sub-voxel
// surfaces of surface.h.
//
// Sign convention (used everywhere in margo): POSITIVE INSIDE the mask,
// negative outside. Distances honour anisotropic spacing and any orthonormal
// direction. The zero level lies on the voxel faces between inside and
// outside: the value is the mean of the distances to the nearest inner
// boundary voxel (inside, with an outside face-neighbour) and to the nearest
// outer boundary voxel, signed by the voxel's side. Along a grid axis a voxel
// centre k voxels inside the boundary reads (k - 1/2) x spacing; on oblique
// boundaries both distances tend to the true one. (ITK's Maurer filter alone
// puts its zero on a 26-connected contour, up to a diagonal step inside.)
#pragma once

#include "core/image_types.h"

namespace margo {

// REQUIRES: mask holds 0 (outside) and 1 (inside) and is not all zero.
FloatImage::Pointer SignedDistanceMm(const MaskImage& mask);

}  // namespace margo
