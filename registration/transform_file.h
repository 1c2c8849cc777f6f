// The map between the scans as an ITK transform file that 3D Slicer and
// other ITK tools load (docs/REGISTRATION.md): post -> pre, the direction
// ITK resamples the pre CT onto the post CT with.
#pragma once

#include <itkTransformBase.h>

#include <string>

#include "registration/scan_map.h"

namespace margo {

// Rigid: one Euler3DTransform. Deformable: a CompositeTransform of the
// rigid map and the B-spline (applied first). Throws Error(kOutputFailed).
void WriteTransformFile(const ScanMap& map, const std::string& path);

// `transform` (or a CompositeTransform of transforms) in ITK's text format
// (.tfm, .txt), byte for byte what itk::TransformFileWriter writes. margo
// writes the text itself: ITK's TxtTransformIO never checks its stream, so
// a full disk left an empty or cut file and no error. Atomic (a temporary
// sibling, renamed); throws Error(kOutputFailed) naming `path`.
void WriteItkTransformText(const itk::TransformBaseTemplate<double>& transform, const std::string& path);

}  // namespace margo
