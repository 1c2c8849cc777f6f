// ITK 5.2's NIfTI and MetaImage readers accept a file cut short: the missing
// voxels are left undefined (MetaIO only prints a note on stderr). margo
// checks that the voxel data is all there before trusting it.
#pragma once

#include <cstdint>
#include <future>
#include <string>

namespace margo {

// Deflate shrinks data at most this many times: a compressed file whose
// header promises more is cut short or corrupt, whatever else it holds.
inline constexpr std::uint64_t kDeflateMaxRatio = 1032;

// Throws Error(kInputUnreadable) naming `role` and `path` when the file holds
// fewer voxel bytes than its header promises. Formats other than NIfTI and
// MetaImage with local data are left to their readers.
void CheckVoxelDataComplete(const std::string& path, const std::string& role, const std::string& format,
                            std::uint64_t image_bytes);

// The same check on another thread, so that inflating a compressed file to
// count its bytes overlaps the reader's own pass over it. A file too small to
// hold its voxels even at deflate's best ratio is checked at once, before the
// reader allocates what its header promises; so is every file with a thread
// budget of one (--threads 1).
class CompletenessCheck {
 public:
  CompletenessCheck(const std::string& path, const std::string& role, const std::string& format,
                    std::uint64_t image_bytes);
  // Throws what the check found; call it before trusting the voxels.
  void Wait() {
    if (done_.valid()) done_.get();
  }

 private:
  std::future<void> done_;
};

}  // namespace margo
