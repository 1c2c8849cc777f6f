// The map between the scans as an ITK transform file that 3D Slicer and
// other ITK tools load (docs/REGISTRATION.md): post -> pre, the direction
// ITK resamples the pre CT onto the post CT with.
#pragma once

#include <string>

#include "registration/scan_map.h"

namespace margo {

// Rigid: one Euler3DTransform. Deformable: a CompositeTransform of the
// rigid map and the B-spline (applied first). Throws Error(kOutputFailed).
void WriteTransformFile(const ScanMap& map, const std::string& path);

}  // namespace margo
