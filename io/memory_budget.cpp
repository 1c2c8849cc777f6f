#include "io/memory_budget.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "core/error.h"

namespace margo {
namespace {

std::uint64_t SoftLimit(int resource) {
  rlimit limit{};
  if (getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
  return std::uint64_t(limit.rlim_cur);
}

std::string GiB(std::uint64_t bytes) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(1ull << 30));
  return buf;
}

}  // namespace

std::uint64_t MemoryBudgetBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page_bytes = sysconf(_SC_PAGE_SIZE);
  const std::uint64_t physical =
      pages > 0 && page_bytes > 0 ? std::uint64_t(pages) * std::uint64_t(page_bytes) : UINT64_MAX;
  return std::min({physical, SoftLimit(RLIMIT_AS), SoftLimit(RLIMIT_DATA)});
}

namespace {

// a * b, or UINT64_MAX when that overflows (a header's sizes can be anything).
std::uint64_t SaturatingProduct(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? UINT64_MAX : out;
}

}  // namespace

std::uint64_t BytesToRead(const std::array<std::uint64_t, 3>& size, std::uint64_t stored_bytes,
                          std::uint64_t bytes_per_voxel) {
  const std::uint64_t held =
      SaturatingProduct(SaturatingProduct(SaturatingProduct(size[0], size[1]), size[2]), bytes_per_voxel);
  std::uint64_t need = 0;
  return __builtin_add_overflow(stored_bytes, held, &need) ? UINT64_MAX : need;
}

void RequireFitsInMemory(const std::string& path, const std::string& role,
                         const std::array<std::uint64_t, 3>& size, std::uint64_t stored_bytes,
                         std::uint64_t bytes_per_voxel, std::uint64_t budget_bytes) {
  const std::uint64_t need = BytesToRead(size, stored_bytes, bytes_per_voxel);
  if (need <= budget_bytes) return;
  const std::uint64_t voxels = SaturatingProduct(SaturatingProduct(size[0], size[1]), size[2]);
  const std::uint64_t held = SaturatingProduct(voxels, bytes_per_voxel);
  throw Error(ErrorKind::kInputUnreadable,
              role + " " + path + ": image of " + std::to_string(size[0]) + " x " + std::to_string(size[1]) +
                  " x " + std::to_string(size[2]) + " = " + std::to_string(voxels) + " voxels needs " +
                  GiB(need) + " to read (" + GiB(stored_bytes) + " as stored, " + GiB(held) +
                  " in memory); expected at most " + GiB(budget_bytes) +
                  ", the memory margo may use (physical memory, or ulimit -v)");
}

}  // namespace margo
