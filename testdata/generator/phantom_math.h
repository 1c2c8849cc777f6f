// Small matrix helpers shared by the phantom generator's analytic geometry
// (vector operations: core/vec3.h).
#pragma once

#include <array>
#include <cmath>

#include "core/vec3.h"

namespace margo::phantom {

using Mat3 = std::array<Vec3, 3>;  // rows

inline double Sq(double v) { return v * v; }
inline Vec3 Mul(const Mat3& m, const Vec3& v) { return {Dot(m[0], v), Dot(m[1], v), Dot(m[2], v)}; }
inline Vec3 MulTransposed(const Mat3& m, const Vec3& v) {
  return {m[0][0] * v[0] + m[1][0] * v[1] + m[2][0] * v[2], m[0][1] * v[0] + m[1][1] * v[1] + m[2][1] * v[2],
          m[0][2] * v[0] + m[1][2] * v[1] + m[2][2] * v[2]};
}

// Rotation of itk::Euler3DTransform (ComputeZYX off): R = Rz * Rx * Ry.
Mat3 EulerMatrix(const Vec3& angles_rad);

constexpr double kDegToRad = M_PI / 180.0;

}  // namespace margo::phantom
