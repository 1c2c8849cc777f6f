// Distance from a tumour's sub-voxel surface at the voxel centres around it,
// for the shell measures (tumour_volume.h). On the voxel faces of a binary
// mask the distance is off by where the faces lie: up to half a slice at a
// cap between thick slices, which moved the 4 mm shell of a 6 mm sphere on
// 2.5 mm slices by enough to read 86 % of it covered instead of all of it.
#pragma once

#include "core/image_types.h"
#include "margin/surface.h"

namespace margo {

// Per voxel of `mask` (the tumour, 0/1), its distance (mm) outside
// `tumour`'s surface, negative inside. Exact (Surface::SignedMm) where the
// voxel-face distance `face_signed` (distance_map.h: positive inside) is
// within `band_mm` of zero; from there out to `reach_mm` the voxel-face
// distance plus the offset between the faces and the surface, carried
// outward from the band; elsewhere the voxel-face distance itself.
FloatImage::Pointer OutsideDistanceMm(const MaskImage& mask, const FloatImage& face_signed,
                                      const Surface& tumour, double band_mm, double reach_mm);

}  // namespace margo
