// The control grid of a cubic B-spline displacement (ITK's BSplineTransform
// layout: coefficient images x fastest, one per component) and the 4 x 4 x 4
// control points and weights that carry a point's displacement.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "core/geometry.h"
#include "registration/index_map.h"

namespace margo {

struct BSplineSupport {
  std::size_t first = 0;        // buffer offset of the support's lowest corner
  std::array<double, 4> w[3];   // per axis, weights of the 4 support points
};

struct BSplineGrid : IndexMap {  // of the coefficient images

  std::size_t Count() const { return std::size_t(size[0] * size[1] * size[2]); }
  // Offset of support point (i, j, k) from the support's first point.
  std::size_t Step(int i, int j, int k) const { return std::size_t((k * size[1] + j) * size[0] + i); }

  // Along axis a at continuous index ci: false where the support leaves
  // the grid, else its first point and the weights of its 4 points.
  bool AxisSupport(int a, double ci, long& start, std::array<double, 4>& w) const {
    if (ci < 1.0 || ci >= double(size[a]) - 2.0) return false;
    start = long(std::floor(ci - 1.0));
    const double x = ci - double(start);  // in [1, 2): distances to the 4 support points
    const double u0 = x, u1 = x - 1.0, u2 = 2.0 - x, u3 = 3.0 - x;
    w[0] = (2.0 - u0) * (2.0 - u0) * (2.0 - u0) / 6.0;
    w[1] = (4.0 - 6.0 * u1 * u1 + 3.0 * u1 * u1 * u1) / 6.0;
    w[2] = (4.0 - 6.0 * u2 * u2 + 3.0 * u2 * u2 * u2) / 6.0;
    w[3] = (2.0 - u3) * (2.0 - u3) * (2.0 - u3) / 6.0;
    return true;
  }

  // False where the support leaves the grid (the displacement is zero
  // there, as in ITK).
  bool Support(const Vec3& p, BSplineSupport& s) const {
    long start[3];
    double ci[3];
    ContinuousIndex(p, ci);
    for (int i = 0; i < 3; ++i) {
      if (!AxisSupport(i, ci[i], start[i], s.w[i])) return false;
    }
    s.first = std::size_t((start[2] * size[1] + start[1]) * size[0] + start[0]);
    return true;
  }

  // The displacement component sums at a supported point; `coefficients`
  // holds the three components' images one after another.
  Vec3 Displacement(const BSplineSupport& s, const double* coefficients) const {
    Vec3 out{0, 0, 0};
    const std::size_t n = Count();
    for (int k = 0; k < 4; ++k) {
      for (int j = 0; j < 4; ++j) {
        const std::size_t row = s.first + Step(0, j, k);
        const double wjk = s.w[2][std::size_t(k)] * s.w[1][std::size_t(j)];
        for (int c = 0; c < 3; ++c) {
          const double* line = coefficients + std::size_t(c) * n + row;
          out[c] += wjk * (s.w[0][0] * line[0] + s.w[0][1] * line[1] + s.w[0][2] * line[2] + s.w[0][3] * line[3]);
        }
      }
    }
    return out;
  }

  // Displacement(Support(p)) at `count` points, in order (zero where the
  // support leaves the grid). Runs of consecutive points on one line of the
  // grid's first axis (the same continuous index along the other two, within
  // 1e-9 voxel: a row of an image on the grid's axes) share the weighted
  // sums over those two axes: 12 products a point instead of 192.
  void Displacements(const Vec3* points, std::size_t count, const double* coefficients, Vec3* out) const;
};

}  // namespace margo
