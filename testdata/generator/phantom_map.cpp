#include "testdata/generator/phantom_map.h"

#include <cmath>

namespace margo {

using namespace phantom;

Vec3 BreathingDeformation::DisplacementMm(const Vec3& q) const {
  if (amplitude_mm == 0.0) return {0.0, 0.0, 0.0};
  double e = 0.0;
  for (int a = 0; a < 3; ++a) e += Sq((q[a] - centre_mm[a]) / sigma_mm[a]);
  return Scale(direction, amplitude_mm * std::exp(-0.5 * e) / Norm(direction));
}

PhantomMap::PhantomMap(const RigidTransform& rigid, const BreathingDeformation& breathing)
    : rigid_(rigid), breathing_(breathing), rotation_(EulerMatrix(rigid.angles_rad)) {}

Vec3 PhantomMap::PostToPre(const Vec3& p_post) const {
  const Vec3 q =
      Add(Add(Mul(rotation_, Sub(p_post, rigid_.centre_mm)), rigid_.centre_mm), rigid_.translation_mm);
  return Add(q, breathing_.DisplacementMm(q));
}

Vec3 PhantomMap::PreToPost(const Vec3& p_pre) const {
  Vec3 q = p_pre;
  for (int i = 0; i < 100; ++i) {
    const Vec3 next = Sub(p_pre, breathing_.DisplacementMm(q));
    const double step = Distance(next, q);
    q = next;
    if (step < 1e-9) break;
  }
  return Add(MulTransposed(rotation_, Sub(Sub(q, rigid_.centre_mm), rigid_.translation_mm)),
             rigid_.centre_mm);
}

}  // namespace margo
