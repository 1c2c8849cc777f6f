#include "registration/rigid_transform.h"

#include <gtest/gtest.h>

#include <random>

#include "registration/itk_transform.h"
#include "registration/scan_map.h"

namespace margo {
namespace {

// The matrix-and-offset forms (what ScanMap maps voxels with) against ITK's
// Euler3DTransform, forward and inverse, for rotations and centres of every
// size margo accepts.
TEST(RigidTransformTest, AffineFormsMapAsItkDoes) {
  std::mt19937 random(11);
  std::uniform_real_distribution<double> angle(-0.5, 0.5), mm(-150.0, 150.0);
  double worst = 0.0;
  for (int t = 0; t < 200; ++t) {
    RigidTransform rigid;
    rigid.angles_rad = {angle(random), angle(random), angle(random)};
    rigid.translation_mm = {mm(random), mm(random), mm(random)};
    rigid.centre_mm = {mm(random), mm(random), mm(random)};
    const ScanMap map(rigid);
    const ItkRigid::Pointer forward = ToItk(rigid), inverse = ItkRigid::New();
    ASSERT_TRUE(forward->GetInverse(inverse));
    for (int i = 0; i < 50; ++i) {
      const Vec3 p{mm(random), mm(random), mm(random)};
      const auto f = forward->TransformPoint(ItkRigid::InputPointType(p.data()));
      const auto b = inverse->TransformPoint(ItkRigid::InputPointType(p.data()));
      const Vec3 fa = map.Apply(p), ba = map.ApplyInverse(p), fr = rigid.Apply(p), br = rigid.ApplyInverse(p);
      for (int a = 0; a < 3; ++a) {
        worst = std::max({worst, std::abs(fa[a] - f[a]), std::abs(ba[a] - b[a]), std::abs(fr[a] - f[a]),
                          std::abs(br[a] - b[a])});
      }
    }
  }
  EXPECT_LT(worst, 1e-9) << "mm";
}

}  // namespace
}  // namespace margo
