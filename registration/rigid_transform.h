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
};

}  // namespace margo
