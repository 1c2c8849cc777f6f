// The phantom's known map from the post-ablation CT to the pre-ablation CT
// (LPS mm): a rigid repositioning followed by a smooth breathing deformation,
//   p_pre = q + u(q),  q = rigid(p_post),
//   u(q)  = amplitude * exp(-sum_i ((q_i - centre_i) / sigma_i)^2 / 2) * direction.
// The inverse (pre -> post) solves q + u(q) = p_pre by fixed-point iteration,
// which converges because |grad u| stays well below 1 (checked by MaxStretch).
#pragma once

#include "core/geometry.h"
#include "registration/rigid_transform.h"
#include "testdata/generator/phantom_math.h"

namespace margo {

struct BreathingDeformation {
  double amplitude_mm = 0.0;  // 0 = none; the displacement never exceeds it
  Vec3 centre_mm{};           // where the displacement is largest (pre world, after the rigid map)
  Vec3 sigma_mm{60.0, 60.0, 80.0};
  Vec3 direction{0.0, 0.3,
                 0.954};  // normalised when used: mostly cranio-caudal (S) with an antero-posterior part

  Vec3 DisplacementMm(const Vec3& q) const;
};

class PhantomMap {
 public:
  PhantomMap(const RigidTransform& rigid, const BreathingDeformation& breathing);

  Vec3 PostToPre(const Vec3& p_post) const;
  Vec3 PreToPost(const Vec3& p_pre) const;  // to within 1e-6 mm
  const RigidTransform& rigid() const { return rigid_; }
  const BreathingDeformation& breathing() const { return breathing_; }

 private:
  RigidTransform rigid_;
  BreathingDeformation breathing_;
  phantom::Mat3 rotation_;
};

}  // namespace margo
