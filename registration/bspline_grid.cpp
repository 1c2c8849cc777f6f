#include "registration/bspline_grid.h"

#include <cmath>

namespace margo {
namespace {

// Runs shorter than this are summed point by point: sharing the sums over
// the two other axes costs about as much as two points.
constexpr std::size_t kShortestRun = 4;

}  // namespace

void BSplineGrid::Displacements(const Vec3* points, std::size_t count, const double* coefficients,
                                Vec3* out) const {
  const std::size_t n = Count();
  std::vector<double> ci(3 * count);
  for (std::size_t i = 0; i < count; ++i) ContinuousIndex(points[i], &ci[3 * i]);
  std::vector<double> sums;  // per component, per first-axis grid index: sum over the other two axes
  for (std::size_t first = 0; first < count;) {
    std::size_t end = first + 1;
    while (end < count && std::abs(ci[3 * end + 1] - ci[3 * first + 1]) <= 1e-9 &&
           std::abs(ci[3 * end + 2] - ci[3 * first + 2]) <= 1e-9) {
      ++end;
    }
    long start1 = 0, start2 = 0;
    std::array<double, 4> w1{}, w2{};
    const bool inside =
        AxisSupport(1, ci[3 * first + 1], start1, w1) && AxisSupport(2, ci[3 * first + 2], start2, w2);
    if (inside && end - first < kShortestRun) {
      for (std::size_t i = first; i < end; ++i) {
        BSplineSupport s;
        out[i] = Support(points[i], s) ? Displacement(s, coefficients) : Vec3{0, 0, 0};
      }
    } else if (inside) {
      sums.assign(std::size_t(3 * size[0]), 0.0);
      for (int c = 0; c < 3; ++c) {
        for (int k = 0; k < 4; ++k) {
          for (int j = 0; j < 4; ++j) {
            const double wjk = w2[std::size_t(k)] * w1[std::size_t(j)];
            const double* line = coefficients + std::size_t(c) * n +
                                 std::size_t(((start2 + k) * size[1] + start1 + j) * size[0]);
            for (long x = 0; x < size[0]; ++x) sums[std::size_t(c * size[0] + x)] += wjk * line[x];
          }
        }
      }
      for (std::size_t i = first; i < end; ++i) {
        long start0 = 0;
        std::array<double, 4> w0{};
        out[i] = {0, 0, 0};
        if (!AxisSupport(0, ci[3 * i], start0, w0)) continue;
        for (int c = 0; c < 3; ++c) {
          const double* s = &sums[std::size_t(c * size[0] + start0)];
          out[i][std::size_t(c)] = w0[0] * s[0] + w0[1] * s[1] + w0[2] * s[2] + w0[3] * s[3];
        }
      }
    } else {
      for (std::size_t i = first; i < end; ++i) out[i] = {0, 0, 0};
    }
    first = end;
  }
}

}  // namespace margo
