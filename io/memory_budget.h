// How much memory an image may take to read. Without this, an image bigger
// than the machine ends the run as "internal error: std::bad_alloc" (or in
// the kernel's out-of-memory killer), naming nothing; refused at header
// time, it is an input margo cannot read, with its size in the message.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace margo {

// Bytes this process may allocate: the machine's physical memory
// (sysconf), or less when `ulimit -v` or `ulimit -d` says so.
std::uint64_t MemoryBudgetBytes();

// Throws Error(kInputUnreadable) naming `role`, `path`, the image's voxels
// and bytes when reading it needs more than `budget_bytes`: the voxels as
// stored (`stored_bytes`) and as margo holds them (`bytes_per_voxel` each).
// What reading an image of `size` voxels takes: its bytes as stored plus
// `bytes_per_voxel` per voxel as held; UINT64_MAX when that overflows.
std::uint64_t BytesToRead(const std::array<std::uint64_t, 3>& size, std::uint64_t stored_bytes,
                          std::uint64_t bytes_per_voxel);

void RequireFitsInMemory(const std::string& path, const std::string& role,
                         const std::array<std::uint64_t, 3>& size, std::uint64_t stored_bytes,
                         std::uint64_t bytes_per_voxel, std::uint64_t budget_bytes);

}  // namespace margo
