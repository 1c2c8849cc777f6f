// The deformable stage recovers a known smooth deformation (a breathing-like
// bump of 6 mm) on a synthetic abdomen, with the tumour (pre) and the
// ablation zone (post) left out of the metric, and its inverse is one.
#include "registration/deformable.h"

#include <gtest/gtest.h>

#include <itkImageRegionIteratorWithIndex.h>
#include <itkTransform.h>
#include <itkTransformFactoryBase.h>
#include <itkTransformFileReader.h>
#include <itkTxtTransformIOFactory.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <vector>

#include "registration/transform_file.h"
#include "tests/support/temp_dir.h"

namespace margo {
namespace {

double Ellipsoid(const Vec3& p, const Vec3& c, const Vec3& r) {
  double s = 0.0;
  for (int a = 0; a < 3; ++a) s += (p[a] - c[a]) * (p[a] - c[a]) / (r[a] * r[a]);
  return s;
}

// Pre-ablation anatomy (HU) in the pre world: body, liver with vessels,
// spine, a hypodense tumour.
class Abdomen {
 public:
  Abdomen() {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    while (vessels_.size() < 60) {
      const Vec3 c{liver_c_[0] + 65 * u(rng), liver_c_[1] + 50 * u(rng), liver_c_[2] + 45 * u(rng)};
      if (Ellipsoid(c, liver_c_, liver_r_) < 0.8 && Norm(Sub(c, tumour_c_)) > 16) vessels_.push_back(c);
    }
  }
  double Hu(const Vec3& p) const {
    if (Ellipsoid(p, {0, 0, 0}, {160, 120, 1e9}) > 1) return -1000;
    if (Ellipsoid(p, {0, 75, 0}, {18, 18, 1e9}) <= 1) return 450;  // spine
    if (Ellipsoid(p, liver_c_, liver_r_) <= 1) {
      if (Norm(Sub(p, tumour_c_)) <= tumour_r_) return 25;
      for (const Vec3& v : vessels_) {
        if (Norm(Sub(p, v)) <= 4.0) return 170;
      }
      return 60;
    }
    if (Ellipsoid(p, {0, 0, 0}, {150, 110, 1e9}) > 1) return 40;  // body wall
    return -90;                                                  // fat
  }
  const Vec3 liver_c_{-40, -5, 0}, liver_r_{80, 62, 58};
  const Vec3 tumour_c_{-50, -15, 6};
  const double tumour_r_ = 11.0;

 private:
  std::vector<Vec3> vessels_;
};

// Known map post -> pre: rigid(p + d(p)), d a smooth bump of 6 mm (S) and 2 mm (P).
struct TrueMap {
  RigidTransform rigid{{0.03, -0.02, 0.05}, {5, -4, 6}, {-40, 0, 0}};
  Vec3 Displacement(const Vec3& p) const {
    const double g = std::exp(-std::pow(Norm(Sub(p, {-45, -5, 0})), 2) / (2 * 38.0 * 38.0));
    return {0.0, 2.0 * g, 6.0 * g};
  }
  Vec3 PostToPre(const Vec3& p) const {
    const Vec3 d = Displacement(p);
    return rigid.Apply({p[0] + d[0], p[1] + d[1], p[2] + d[2]});
  }
};

template <typename TImage>
typename TImage::Pointer Grid(const std::array<unsigned, 3>& size, const Vec3& spacing, const Vec3& origin) {
  auto image = TImage::New();
  typename TImage::RegionType region;
  for (int a = 0; a < 3; ++a) region.SetSize(a, size[a]);
  image->SetRegions(region);
  typename TImage::SpacingType s;
  typename TImage::PointType o;
  for (int a = 0; a < 3; ++a) {
    s[a] = spacing[a];
    o[a] = origin[a];
  }
  image->SetSpacing(s);
  image->SetOrigin(o);
  image->Allocate();
  image->FillBuffer(0);
  return image;
}

template <typename TImage, typename F>
void Fill(TImage& image, F value_at) {
  itk::ImageRegionIteratorWithIndex<TImage> it(&image, image.GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    typename TImage::PointType p;
    image.TransformIndexToPhysicalPoint(it.GetIndex(), p);
    it.Set(value_at(Vec3{p[0], p[1], p[2]}));
  }
}

TEST(DeformableTest, RecoversASmoothBreathingDeformationWithinOneMillimetre) {
  const Abdomen body;
  const TrueMap truth;
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.0f, 8.0f);
  auto pre = Grid<CtImage>({120, 100, 50}, {1.6, 1.6, 3.0}, {-140, -80, -75});
  Fill(*pre, [&](const Vec3& p) { return float(body.Hu(p)) + noise(rng); });
  auto post = Grid<CtImage>({110, 92, 60}, {1.75, 1.75, 2.5}, {-145, -85, -72});
  const double zone_r = 17.0;  // ablation zone around the tumour, hypodense with a bright rim
  Fill(*post, [&](const Vec3& p) {
    const Vec3 q = truth.PostToPre(p);
    const double r = Norm(Sub(q, body.tumour_c_));
    const double hu = r <= zone_r - 2 ? 5.0 : r <= zone_r ? 110.0 : body.Hu(q);
    return float(hu) + noise(rng);
  });
  auto tumour = Grid<MaskImage>({120, 100, 50}, {1.6, 1.6, 3.0}, {-140, -80, -75});
  Fill(*tumour, [&](const Vec3& p) { return std::uint8_t(Norm(Sub(p, body.tumour_c_)) <= body.tumour_r_); });
  auto zone = Grid<MaskImage>({110, 92, 60}, {1.75, 1.75, 2.5}, {-145, -85, -72});
  Fill(*zone, [&](const Vec3& p) { return std::uint8_t(Norm(Sub(truth.PostToPre(p), body.tumour_c_)) <= zone_r); });

  DeformableInputs in;
  in.fixed_post = post.GetPointer();
  in.moving_pre = pre.GetPointer();
  in.rigid = truth.rigid;
  in.roi_post = WorldBox{{-110, -62, -50}, {25, 50, 55}};
  in.exclude_post = zone.GetPointer();
  in.exclude_pre = tumour.GetPointer();
  std::ostringstream sink;
  Log log(std::getenv("MARGO_TEST_LOG") ? static_cast<std::ostream&>(std::cerr) : sink, false);
  const DeformableResult r = RegisterDeformable(in, DeformableParams{}, log);

  // Error against the known map over the liver (post points whose pre image
  // lies in the liver, away from its edge), on a 6 mm lattice.
  double sum = 0.0, worst = 0.0, worst_rigid_only = 0.0;
  int n = 0;
  for (double z = -50; z <= 55; z += 6) {
    for (double y = -62; y <= 50; y += 6) {
      for (double x = -110; x <= 25; x += 6) {
        const Vec3 p{x, y, z};
        if (Ellipsoid(truth.PostToPre(p), body.liver_c_, body.liver_r_) > 0.8) continue;
        const double e = Norm(Sub(r.map.PostToPre(p), truth.PostToPre(p)));
        sum += e;
        worst = std::max(worst, e);
        worst_rigid_only = std::max(worst_rigid_only, Norm(Sub(truth.rigid.Apply(p), truth.PostToPre(p))));
        ++n;
        EXPECT_LT(Norm(Sub(r.map.PreToPost(r.map.PostToPre(p)), p)), 0.01) << "inverse at " << x << "," << y;
      }
    }
  }
  ASSERT_GT(n, 100);
  std::printf("deformable: %d liver points, error mean %.2f mm, max %.2f mm (rigid only: max %.2f mm); "
              "Jacobian %.3f..%.3f, metric %.4f -> %.4f, attempt %d\n",
              n, sum / n, worst, worst_rigid_only, r.jacobian_min, r.jacobian_max, r.metric_initial,
              r.metric_final, r.attempt);
  // Measured 2026-11-29: mean 0.79 mm, max 1.90 mm with L-BFGS-B and the
  // membrane energy (1.19 mm with ITK's metric and gradient descent). This
  // texture-poor synthetic is not the reference: the phantoms' landmark
  // errors are (docs/REGISTRATION.md). Bound: a sixth of the 6 mm motion.
  EXPECT_LE(sum / n, 1.0);
  EXPECT_GT(r.jacobian_min, 0.0);
  EXPECT_LT(r.metric_final, r.metric_initial);
  // The transform file maps as the map does (what 3D Slicer will load).
  testing::TempDir dir;
  const std::string tfm = dir / "map.tfm";
  WriteTransformFile(ScanMap(r.map), tfm);
  itk::TxtTransformIOFactory::RegisterOneFactory();
  itk::TransformFactoryBase::RegisterDefaultTransforms();
  auto reader = itk::TransformFileReaderTemplate<double>::New();
  reader->SetFileName(tfm);
  reader->Update();
  ASSERT_EQ(reader->GetTransformList()->size(), 1u);
  const auto* read = dynamic_cast<const itk::Transform<double, 3, 3>*>(reader->GetTransformList()->front().GetPointer());
  ASSERT_NE(read, nullptr);
  // margo evaluates the B-spline itself (fast): it must agree with ITK's
  // TransformPoint everywhere, inside the control grid, at its edge and
  // beyond it (zero displacement there), and stay within its bound.
  std::mt19937 points(5);
  std::uniform_real_distribution<double> x(-160, 40), y(-100, 80), z(-90, 95);
  int checked = 0;
  for (int i = 0; i < 2000; ++i) {
    const Vec3 p{x(points), y(points), z(points)};
    const auto q = read->TransformPoint(itk::Point<double, 3>(p.data()));
    EXPECT_LT(Norm(Sub(Vec3{q[0], q[1], q[2]}, r.map.PostToPre(p))), 1e-6)
        << "transform file at " << p[0] << "," << p[1] << "," << p[2];
    EXPECT_LE(Norm(r.map.Displacement(p)), r.map.DisplacementBoundMm());
    checked += Norm(r.map.Displacement(p)) > 0.05 ? 1 : 0;
  }
  EXPECT_GT(checked, 500);  // most points see a displacement, not just the zero outside
  // Many points at once (rows along x share their y and z sums, scattered
  // points do not) map as one by one: rows of 0.8 mm steps crossing the
  // control grid's edge, then the random points above.
  std::vector<Vec3> many;
  for (double row_z : {-95.0, -30.0, 12.5, 90.0}) {
    for (double row_y : {-40.0, 7.3}) {
      for (int k = 0; k < 260; ++k) many.push_back({-165.0 + 0.8 * k, row_y, row_z});
    }
  }
  points.seed(5);
  for (int i = 0; i < 500; ++i) many.push_back({x(points), y(points), z(points)});
  std::vector<Vec3> mapped(many.size());
  r.map.PostToPre(many.data(), many.size(), mapped.data());
  double largest_difference = 0.0;
  for (std::size_t i = 0; i < many.size(); ++i) {
    largest_difference = std::max(largest_difference, Norm(Sub(mapped[i], r.map.PostToPre(many[i]))));
  }
  EXPECT_LT(largest_difference, 1e-9) << "mm, batch against point by point";
  // The tumour's own neighbourhood moves nearly rigidly.
  const Vec3 tumour_post = r.map.PreToPost(body.tumour_c_);
  EXPECT_NEAR(r.map.JacobianDeterminant(tumour_post), 1.0, 0.1);
}

}  // namespace
}  // namespace margo
