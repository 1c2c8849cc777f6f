// margo's Mattes metric (both stages): its derivative agrees with
// finite differences of its value, it is lowest at the true displacement, and
// it gives the same bits at any thread count.
#include "registration/mattes_cost.h"

#include <gtest/gtest.h>

#include <itkMultiThreaderBase.h>

#include <cmath>
#include <random>
#include <vector>

namespace margo {
namespace {

// A smooth pattern in 0..1 (blobs far wider than a voxel).
double Pattern(const Vec3& p) {
  const double v = 0.5 + 0.25 * std::sin(p[0] / 9.0) * std::cos(p[1] / 11.0) + 0.2 * std::sin((p[2] + p[0]) / 13.0);
  return std::min(1.0, std::max(0.0, v));
}

struct Scene {
  std::vector<float> buffer;
  LinearImage moving;
  BSplineGrid grid;
  FixedSamples samples;
  RigidAffine rigid;  // identity
  Vec3 shift{1.5, -1.0, 0.5};  // the moving scan shows the pattern shifted by this

  Scene() {
    // Moving image: 80 mm cube at 1 mm, pattern(p - shift)... so that
    // moving(p + shift) = pattern(p): the true displacement is +shift.
    const long n = 80;
    buffer.resize(std::size_t(n * n * n));
    for (long k = 0; k < n; ++k)
      for (long j = 0; j < n; ++j)
        for (long i = 0; i < n; ++i)
          buffer[std::size_t((k * n + j) * n + i)] =
              float(Pattern({double(i) - shift[0], double(j) - shift[1], double(k) - shift[2]}));
    moving.data = buffer.data();
    for (int a = 0; a < 3; ++a) moving.size[a] = n;
    // Control points every 20 mm over the cube, ITK's layout (3 beyond on each side).
    for (int a = 0; a < 3; ++a) {
      grid.size[a] = 7;
      grid.origin[a] = -20.0;
      grid.point_to_index[a][a] = 1.0 / 20.0;
    }
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(15.0, 65.0);
    for (int s = 0; s < 5000; ++s) {
      const Vec3 p{u(rng), u(rng), u(rng)};
      BSplineSupport support;
      samples.supported.push_back(grid.Support(p, support) ? 1 : 0);
      samples.support.push_back(support);
      samples.points_mm.push_back(p);
      samples.intensity.push_back(Pattern(p));
    }
  }
};

// Trilinear interpolation reproduces a linear ramp exactly, so on any grid
// (here oblique and anisotropic) the value and the gradient must be the
// ramp's: the gradient carried from index axes into LPS mm is what is tested.
TEST(LinearImageTest, ValueAndGradientOfARampOnAnObliqueGrid) {
  const double c = std::cos(0.4), s = std::sin(0.4);
  const double direction[3][3] = {{c, -s, 0.0}, {s, c, 0.0}, {0.0, 0.0, 1.0}};  // columns: index axes
  const double spacing[3] = {0.7, 0.9, 2.5};
  const Vec3 origin{-12.0, 5.0, 30.0}, slope{0.03, -0.02, 0.05};  // per mm
  const long n[3] = {30, 25, 12};
  std::vector<float> buffer(std::size_t(n[0] * n[1] * n[2]));
  LinearImage image;
  for (int a = 0; a < 3; ++a) {
    image.origin[a] = origin[a];
    image.size[a] = n[a];
    for (int j = 0; j < 3; ++j) image.point_to_index[a][j] = direction[j][a] / spacing[a];  // S^-1 D^T
  }
  auto world = [&](double i, double j, double k) {
    Vec3 p = origin;
    const double ijk[3] = {i * spacing[0], j * spacing[1], k * spacing[2]};
    for (int r = 0; r < 3; ++r)
      for (int a = 0; a < 3; ++a) p[r] += direction[r][a] * ijk[a];
    return p;
  };
  auto ramp = [&](const Vec3& p) {
    return 1.0 + slope[0] * (p[0] - origin[0]) + slope[1] * (p[1] - origin[1]) + slope[2] * (p[2] - origin[2]);
  };
  for (long k = 0; k < n[2]; ++k)
    for (long j = 0; j < n[1]; ++j)
      for (long i = 0; i < n[0]; ++i)
        buffer[std::size_t((k * n[1] + j) * n[0] + i)] = float(ramp(world(double(i), double(j), double(k))));
  image.data = buffer.data();
  std::mt19937 rng(5);
  for (int t = 0; t < 200; ++t) {
    const Vec3 p = world(std::uniform_real_distribution<double>(0.0, 29.0)(rng),
                         std::uniform_real_distribution<double>(0.0, 24.0)(rng),
                         std::uniform_real_distribution<double>(0.0, 11.0)(rng));
    double value = 0.0;
    Vec3 gradient{};
    ASSERT_TRUE(image.ValueAndGradient(p, value, gradient));
    EXPECT_NEAR(value, ramp(p), 1e-5);
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(gradient[a], slope[a], 1e-5) << "axis " << a;
  }
  double value = 0.0;
  Vec3 gradient{};
  EXPECT_FALSE(image.ValueAndGradient(world(-0.5, 3.0, 3.0), value, gradient)) << "outside the grid";
}

TEST(MattesBSplineTest, DerivativeMatchesFiniteDifferences) {
  Scene scene;
  MattesBSplineCost cost(scene.samples, scene.moving, scene.grid, scene.rigid, 32);
  const unsigned n = unsigned(cost.get_number_of_unknowns());
  vnl_vector<double> x(n, 0.0);
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  for (unsigned i = 0; i < n; ++i) x[i] = u(rng);
  double f = 0.0;
  vnl_vector<double> g(n);
  cost.compute(x, &f, &g);
  int compared = 0;
  double largest = 0.0;
  for (unsigned i = 0; i < n; ++i) largest = std::max(largest, std::abs(g[i]));
  for (unsigned i = 0; i < n; ++i) {
    if (std::abs(g[i]) < 0.2 * largest) continue;  // well-conditioned coefficients only
    const double h = 1e-3;
    vnl_vector<double> lo = x, hi = x;
    lo[i] -= h;
    hi[i] += h;
    const double numeric = (cost.Value(hi) - cost.Value(lo)) / (2 * h);
    EXPECT_NEAR(g[i], numeric, 0.05 * std::abs(numeric) + 1e-6) << "coefficient " << i;
    ++compared;
  }
  EXPECT_GE(compared, 10);
}

TEST(MattesBSplineTest, LowestAtTheTrueDisplacement) {
  Scene scene;
  MattesBSplineCost cost(scene.samples, scene.moving, scene.grid, scene.rigid, 32);
  const std::size_t count = scene.grid.Count();
  auto uniform = [&](const Vec3& d) {
    vnl_vector<double> x(unsigned(3 * count));
    for (std::size_t c = 0; c < 3; ++c)
      for (std::size_t k = 0; k < count; ++k) x[unsigned(c * count + k)] = d[c];
    return x;
  };
  const double at_truth = cost.Value(uniform(scene.shift));
  EXPECT_LT(at_truth, cost.Value(uniform({0, 0, 0})));
  for (int a = 0; a < 3; ++a) {
    Vec3 off = scene.shift;
    off[a] += 1.0;
    EXPECT_LT(at_truth, cost.Value(uniform(off))) << "axis " << a;
  }
}

TEST(MattesBSplineTest, SameBitsAtAnyThreadCount) {
  Scene scene;
  const unsigned n = unsigned(3 * scene.grid.Count());
  vnl_vector<double> x(n, 0.3), g1(n), g2(n);
  double f1 = 0, f2 = 0;
  const auto threads = itk::MultiThreaderBase::GetGlobalDefaultNumberOfThreads();
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(1);
  MattesBSplineCost(scene.samples, scene.moving, scene.grid, scene.rigid, 32).compute(x, &f1, &g1);
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(4);
  MattesBSplineCost(scene.samples, scene.moving, scene.grid, scene.rigid, 32).compute(x, &f2, &g2);
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(threads);
  EXPECT_EQ(f1, f2);
  for (unsigned i = 0; i < n; ++i) ASSERT_EQ(g1[i], g2[i]) << i;
}

TEST(MattesRigidCostTest, DerivativeMatchesFiniteDifferencesAndLowestAtTheTrueShift) {
  Scene scene;
  const Vec3 centre{40, 40, 40};
  MattesRigidCost cost(scene.samples, scene.moving, centre, 32);
  vnl_vector<double> x(6);
  const double start[6] = {0.02, -0.03, 0.01, 0.8, -0.4, 0.3};
  for (unsigned k = 0; k < 6; ++k) x[k] = start[k];
  double f = 0.0;
  vnl_vector<double> g(6);
  cost.compute(x, &f, &g);
  for (unsigned k = 0; k < 6; ++k) {
    const double h = k < 3 ? 1e-5 : 1e-3;  // radians, mm
    vnl_vector<double> lo = x, hi = x;
    lo[k] -= h;
    hi[k] += h;
    const double numeric = (cost.Value(hi) - cost.Value(lo)) / (2 * h);
    EXPECT_NEAR(g[k], numeric, 0.05 * std::abs(numeric) + 1e-6) << "parameter " << k;
  }
  // The moving scan shows the pattern shifted by `shift`: p_pre = p + shift.
  vnl_vector<double> truth(6, 0.0);
  for (unsigned a = 0; a < 3; ++a) truth[3 + a] = scene.shift[a];
  const double at_truth = cost.Value(truth);
  for (unsigned k = 0; k < 6; ++k) {
    vnl_vector<double> off = truth;
    off[k] += k < 3 ? 0.03 : 1.0;
    EXPECT_LT(at_truth, cost.Value(off)) << "parameter " << k;
  }
}

}  // namespace
}  // namespace margo
