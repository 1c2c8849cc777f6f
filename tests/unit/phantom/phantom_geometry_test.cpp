// The phantom's shapes, map and presets.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "registration/rigid_transform.h"
#include "testdata/generator/phantom_case.h"
#include "testdata/generator/phantom_map.h"
#include "testdata/generator/star_shape.h"
#include "tests/support/expect_error.h"

namespace margo {
namespace {

TEST(PhantomMapTest, RigidPartIsItkEuler3DAndInverseRoundTrips) {
  for (const char* preset : {"small", "anisotropic", "full"}) {
    const CaseSpec spec = PresetSpec(preset);
    const PhantomMap map = spec.Map();
    const PhantomMap rigid_only(spec.rigid, BreathingDeformation{});
    for (const Vec3& p : {Vec3{-60, -10, 5}, Vec3{-20, 30, -25}, Vec3{40, 0, 40}}) {
      const Vec3 itk = spec.rigid.Apply(p);
      EXPECT_LT(Distance(rigid_only.PostToPre(p), itk), 1e-9) << preset;
      EXPECT_LT(Distance(map.PreToPost(map.PostToPre(p)), p), 1e-6) << preset;
      const double moved = Distance(map.PostToPre(p), itk);
      EXPECT_LE(moved, spec.breathing.amplitude_mm + 1e-9) << preset;
    }
    EXPECT_LE(Distance(spec.rigid.translation_mm, {0, 0, 0}), 20.0) << preset;
    EXPECT_LE(spec.rigid.RotationDeg(), 10.0) << preset;
    EXPECT_LE(spec.breathing.amplitude_mm, 8.0) << preset;
  }
}

TEST(PhantomMapTest, BreathingPeaksAtItsCentre) {
  const CaseSpec spec = PresetSpec("full");
  const Vec3 u = spec.breathing.DisplacementMm(spec.breathing.centre_mm);
  EXPECT_NEAR(Distance(u, {0, 0, 0}), 8.0, 1e-9);
}

TEST(StarShapeTest, MeshVolumeMatchesTheInsideTest) {
  // Independent check of the inside test and the parametrisation: count grid
  // points inside (0.25 mm grid) against the closed mesh's volume.
  for (const StarShape& s : {StarShape::Lobulated({1, 2, 3}, 7.0, 0.25, {10, 30, 50}),
                             StarShape::Ellipsoid({0, 0, 0}, {9, 6, 5}, {20, 10, 30})}) {
    const double h = 0.25, r = s.MaxRadiusMm();
    std::size_t inside = 0;
    for (double x = -r; x <= r; x += h)
      for (double y = -r; y <= r; y += h)
        for (double z = -r; z <= r; z += h) inside += s.Contains(Add(s.centre_mm, {x, y, z})) ? 1 : 0;
    const double counted = inside * h * h * h;
    EXPECT_NEAR(EnclosedVolumeMm3(MeshOf(s, 0.3)), counted, 0.01 * counted) << ShapeKindName(s.kind);
  }
  const StarShape e = StarShape::Ellipsoid({0, 0, 0}, {9, 6, 5}, {20, 10, 30});
  EXPECT_NEAR(EnclosedVolumeMm3(MeshOf(e, 0.3)), 4.0 / 3.0 * M_PI * 9 * 6 * 5,
              0.002 * 4.0 / 3.0 * M_PI * 270);
}

TEST(StarShapeTest, MeshVerticesLieOnTheSurface) {
  const StarShape s = StarShape::Lobulated({5, -5, 2}, 6.5, 0.2, {30, 0, 60});
  for (const Vec3& v : MeshOf(s, 0.5).vertices) ASSERT_NEAR(s.RadialOffsetMm(v), 0.0, 1e-9);
}

TEST(PhantomPresetTest, GridsAreAsDocumented) {
  const CaseSpec full = PresetSpec("full");
  EXPECT_EQ(full.pre_grid.size[0], 512u);
  EXPECT_EQ(full.pre_grid.size[1], 512u);
  EXPECT_GE(full.pre_grid.size[2], 100u);
  EXPECT_EQ(full.pre_grid.spacing_mm, (Vec3{0.7, 0.7, 1.25}));
  EXPECT_EQ(full.post_grid.spacing_mm, (Vec3{0.8, 0.8, 2.5}));
  EXPECT_EQ(PresetSpec("rigid").breathing.amplitude_mm, 0.0);
  for (const std::string& name : PresetNames()) EXPECT_NO_THROW(ValidateCase(PresetSpec(name))) << name;
}

TEST(PhantomPresetTest, UnknownPresetIsAUsageErrorNamingTheKnownOnes) {
  testing::ExpectError([] { PresetSpec("huge"); }, ErrorKind::kUsage, {"'huge'", "small", "full"});
}

}  // namespace
}  // namespace margo
