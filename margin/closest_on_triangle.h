// The point of a triangle closest to a point, with its barycentric weights
// (Ericson, Real-Time Collision Detection, 5.1.5: Voronoi regions of the
// vertices, then the edges, then the face).
#pragma once

#include <array>

#include "core/vec3.h"

namespace margo {

struct TrianglePoint {
  Vec3 point;
  std::array<double, 3> weights;  // of a, b, c; sum 1
};

inline TrianglePoint ClosestOnTriangle(const Vec3& p, const Vec3& a, const Vec3& b, const Vec3& c) {
  auto at = [&](double u, double v, double w) {
    return TrianglePoint{{u * a[0] + v * b[0] + w * c[0], u * a[1] + v * b[1] + w * c[1], u * a[2] + v * b[2] + w * c[2]},
                         {u, v, w}};
  };
  const Vec3 ab = Sub(b, a), ac = Sub(c, a), ap = Sub(p, a);
  const double d1 = Dot(ab, ap), d2 = Dot(ac, ap);
  if (d1 <= 0 && d2 <= 0) return at(1, 0, 0);
  const Vec3 bp = Sub(p, b);
  const double d3 = Dot(ab, bp), d4 = Dot(ac, bp);
  if (d3 >= 0 && d4 <= d3) return at(0, 1, 0);
  const double vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) {
    const double v = d1 / (d1 - d3);
    return at(1 - v, v, 0);
  }
  const Vec3 cp = Sub(p, c);
  const double d5 = Dot(ab, cp), d6 = Dot(ac, cp);
  if (d6 >= 0 && d5 <= d6) return at(0, 0, 1);
  const double vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) {
    const double w = d2 / (d2 - d6);
    return at(1 - w, 0, w);
  }
  const double va = d3 * d6 - d5 * d4;
  if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0) {
    const double w = (d4 - d3) / ((d4 - d3) + (d5 - d6));
    return at(0, 1 - w, w);
  }
  const double denom = 1.0 / (va + vb + vc);
  const double v = vb * denom, w = vc * denom;
  return at(1 - v - w, v, w);
}

}  // namespace margo
