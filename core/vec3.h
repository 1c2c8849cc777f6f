// Three-vectors (LPS millimetres, or millimetres along a grid's axes) and
// the few operations on them that geometry code keeps needing. Header only,
// without ITK, so that any translation unit can use it cheaply.
#pragma once

#include <array>
#include <cmath>

namespace margo {

using Vec3 = std::array<double, 3>;

inline Vec3 Add(const Vec3& a, const Vec3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
inline Vec3 Sub(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
inline Vec3 Scale(const Vec3& a, double s) { return {a[0] * s, a[1] * s, a[2] * s}; }
inline double Dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
inline Vec3 Cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
inline double Norm(const Vec3& a) { return std::sqrt(Dot(a, a)); }
inline double Distance(const Vec3& a, const Vec3& b) { return Norm(Sub(a, b)); }
// Area of the triangle (a, b, c), in the square of the points' unit.
inline double TriangleArea(const Vec3& a, const Vec3& b, const Vec3& c) {
  return 0.5 * Norm(Cross(Sub(b, a), Sub(c, a)));
}

}  // namespace margo
