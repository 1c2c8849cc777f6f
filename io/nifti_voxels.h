// margo's own pass over the voxels of a plain NIfTI-1 file: the whole file
// read at once and inflated by libdeflate (two to four times zlib's speed,
// which ITK's reader uses), its gzip CRC and length checked on the way, so
// that a truncated or corrupt file is caught without a second inflate.
// ITK still reads the header (geometry is ITK's); anything beyond the
// common case (big-endian, NIfTI-2, scaled values, file pairs, unusual
// types) returns nullopt and is left to ITK's reader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace margo {

enum class NiftiType { kUInt8, kInt8, kUInt16, kInt16, kUInt32, kInt32, kFloat32, kFloat64 };

struct NiftiVoxels {
  NiftiType type = NiftiType::kUInt8;
  std::vector<char> bytes;  // header and voxels as stored (little-endian)
  std::size_t offset = 0;   // where the voxels start in `bytes`
};

// The voxels of `path` when margo can decode them itself: a single-file
// NIfTI-1 (.nii or .nii.gz), little-endian, 3D (higher axes of size 1), one
// of NiftiType, unscaled (scl_slope 0 or 1, scl_inter 0), holding exactly
// `voxel_count` voxels. Throws Error(kInputUnreadable) naming `role` and the
// path when the data is cut short or corrupt.
std::optional<NiftiVoxels> ReadNiftiVoxels(const std::string& path, const std::string& role,
                                           std::uint64_t voxel_count);

// Voxels of `v` cast to T (as ITK's reader casts), into `out` (voxel_count values).
template <typename T>
void CastNiftiVoxels(const NiftiVoxels& v, T* out, std::uint64_t voxel_count);

}  // namespace margo
