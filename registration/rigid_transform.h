// A rigid map between the two scans, in the direction ITK resamples with:
// it takes a point of the post-ablation CT (fixed) to the corresponding point
// of the pre-ablation CT (moving), both LPS millimetres:
//   p_pre = R (p_post - centre) + centre + translation,
// with R built from Euler angles as itk::Euler3DTransform does (Z X Y order).
#pragma once

#include <array>
#include <functional>

#include "core/geometry.h"

namespace margo {

// A rigid map as a matrix and offset, p -> m p + offset: what applying it
// to many points needs (RigidTransform::ForwardAffine, InverseAffine).
struct RigidAffine {
  double m[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  double offset[3] = {0, 0, 0};
  Vec3 Apply(const Vec3& p) const {
    return {m[0][0] * p[0] + m[0][1] * p[1] + m[0][2] * p[2] + offset[0],
            m[1][0] * p[0] + m[1][1] * p[1] + m[1][2] * p[2] + offset[1],
            m[2][0] * p[0] + m[2][1] * p[1] + m[2][2] * p[2] + offset[2]};
  }
};

struct RigidTransform {
  Vec3 angles_rad{};     // about L, P, S
  Vec3 translation_mm{};
  Vec3 centre_mm{};

  Vec3 Apply(const Vec3& post_point) const;         // post -> pre
  Vec3 ApplyInverse(const Vec3& pre_point) const;   // pre -> post
  std::array<Vec3, 3> Matrix() const;               // R, rows
  double RotationDeg() const;                       // angle of R about its axis
  // The inverse map as a function, built once (for mapping many points).
  std::function<Vec3(const Vec3&)> PreToPost() const;
  // The map itself as a function, built once (Apply builds it at every call).
  std::function<Vec3(const Vec3&)> PostToPre() const;
  // The map and its inverse as a matrix and offset, for many points: Apply
  // and ApplyInverse build an ITK transform at every call (about 1 us, and a
  // process-wide time stamp both cores contend for).
  RigidAffine ForwardAffine() const;
  RigidAffine InverseAffine() const;
};

}  // namespace margo
