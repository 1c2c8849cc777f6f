// ITK 5.2's NIfTI and MetaImage readers accept a file cut short: the missing
// voxels are left undefined (MetaIO only prints a note on stderr). margo
// checks that the voxel data is all there before trusting it.
#pragma once

#include <cstdint>
#include <string>

namespace margo {

// Throws Error(kInputUnreadable) naming `role` and `path` when the file holds
// fewer voxel bytes than its header promises. Formats other than NIfTI and
// MetaImage with local data are left to their readers.
void CheckVoxelDataComplete(const std::string& path, const std::string& role, const std::string& format,
                            std::uint64_t image_bytes);

}  // namespace margo
