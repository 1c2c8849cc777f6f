// The NIfTI header checked by margo before ITK reads it. ITK 5.2's reader
// aborts the process on a NaN in the sform (vnl), silently takes 1 mm for a
// zero or NaN pixdim, reads a .nii whose magic is damaged as ANALYZE 7.5
// (geometry dropped) and answers most other damage with "not recognized as a
// NIFTI file". Each of these gets one message here naming the field, the
// value found and the value expected.
#pragma once

#include <string>

namespace margo {

// Checks the header of the single-file NIfTI `path` (.nii or .nii.gz, either
// byte order). Throws Error(kInputUnreadable) when it is cut short or is not
// a NIfTI-1 header ITK can read (size, magic, dim, datatype, vox_offset), and
// Error(kGeometryInvalid) when its grid cannot be trusted: pixdim outside
// 0.01 to 50 mm, non-finite quatern/qoffset (qform in use) or srow (sform in
// use), unknown form codes, a sform without an orthonormal direction and no
// qform to fall back on, no form at all, or a qform and a sform more than
// half the finest voxel spacing apart at a corner of the image. NIfTI-2
// headers are only checked for their magic.
void CheckNiftiHeader(const std::string& path, const std::string& role);

}  // namespace margo
