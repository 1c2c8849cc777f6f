// Shell coverage (Laimer) and residual tumour against closed forms: two
// spheres, the tumour's shells cut by the zone's boundary, on isotropic and
// anisotropic grids at ten positions of the shapes against the grid.
//
// |error| of the shell coverage over 320 points per grid (4 cases x 8 shells
// x 10 positions), 2026-11-29, mean / p95 / max:
//   shells from the tumour's voxel faces (until then):
//     1 x 1 x 1 0.0067 / 0.028 / 0.048; 0.7 x 0.7 x 2.5 0.0136 / 0.048 / 0.141;
//     1 x 1 x 5 0.0260 / 0.109 / 0.217
//   from its sub-voxel surface (margin/shell_distance.h):
//     1 x 1 x 1 0.0041 / 0.015 / 0.027; 0.7 x 0.7 x 2.5 0.0045 / 0.017 / 0.034;
//     1 x 1 x 5 0.0102 / 0.041 / 0.116
// Worst on 1 x 1 x 5: the 1 mm shell of a tumour leaving its zone, and the
// 4 mm shell of concentric spheres, whose outer edge is the zone's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "margin/tumour_margin.h"
#include "tests/support/margin_case.h"
#include "tests/support/synthetic.h"

namespace margo {
namespace {

// Volume of the intersection of balls of radii a and b, centres o apart.
double LensVolume(double a, double b, double o) {
  if (o >= a + b) return 0.0;
  if (o <= std::abs(a - b)) return 4.0 / 3.0 * M_PI * std::pow(std::min(a, b), 3);
  return M_PI * std::pow(a + b - o, 2) * (o * o + 2 * o * b - 3 * b * b + 2 * o * a + 6 * a * b - 3 * a * a) /
         (12 * o);
}

// Share of the shell 0 < |p - tumour centre| - r <= d inside the zone ball.
double ShellCoverage(double r, double R, double o, double d) {
  const double shell = 4.0 / 3.0 * M_PI * (std::pow(r + d, 3) - std::pow(r, 3));
  return (LensVolume(r + d, R, o) - LensVolume(r, R, o)) / shell;
}

struct SphereCase {
  const char* name;
  double r, R, o;  // tumour radius, zone radius, centre offset (mm)
};

const SphereCase kCases[] = {
    {"concentric, shells up to 4 mm covered", 6, 10, 0},
    {"offset 3 mm, A2", 6, 11, 3},
    {"offset 4 mm, A1", 8, 18, 4},
    {"leaving its zone", 8, 10, 6},
};

Vec3 Phase(int i) { return testing::GridPhase(i); }

struct Limits {
  double mean, p95, max, residual_ml;
};

void ExpectWithinLimits(const Vec3& spacing, const Limits& limits) {
  const std::vector<double> shells = {1, 2, 3, 4, 5, 6, 8, 10};
  std::vector<double> errors;
  double worst_residual = 0.0;
  for (const SphereCase& c : kCases) {
    double worst = 0.0, worst_d = 0.0;
    for (int phase = 0; phase < 10; ++phase) {
      testing::Grid grid;
      grid.spacing_mm = spacing;
      for (int a = 0; a < 3; ++a) {
        grid.size[a] = static_cast<std::size_t>(std::ceil(80.0 / spacing[a]));
        grid.origin_mm[a] = -40.0;
      }
      const Vec3 t = Phase(phase);
      const double s = 1.0 / std::sqrt(2.0);
      const Vec3 z{t[0] + c.o * s, t[1], t[2] + c.o * s};
      testing::MarginCase images(grid);
      testing::Paint(*images.tumours, testing::Sphere(t, c.r), 5);
      testing::Paint(*images.zone, testing::Sphere(z, c.R), 1);
      MarginInputs in = images.Inputs();
      in.options.shell_mm = shells;
      const std::vector<TumourMargin> out = MeasureMargins(in);
      ASSERT_EQ(out.size(), 1u);
      ASSERT_EQ(out[0].shell_coverage.size(), shells.size());
      for (const auto& [d, share] : out[0].shell_coverage) {
        const double e = share - ShellCoverage(c.r, c.R, c.o, d);
        errors.push_back(std::abs(e));
        if (std::abs(e) > std::abs(worst)) worst = e, worst_d = d;
      }
      const double tumour = 4.0 / 3.0 * M_PI * std::pow(c.r, 3);
      const double residual_ml = (tumour - LensVolume(c.r, c.R, c.o)) / 1000.0;
      worst_residual = std::max(worst_residual, std::abs(out[0].residual_ml - residual_ml));
    }
    std::printf("%-40s %gx%gx%g: worst shell error %+.3f (%g mm)\n", c.name, spacing[0], spacing[1],
                spacing[2], worst, worst_d);
  }
  std::sort(errors.begin(), errors.end());
  double mean = 0.0;
  for (double e : errors) mean += e / double(errors.size());
  const double p95 = errors[std::size_t(0.95 * double(errors.size()))];
  std::printf("shell |error| over %zu points: mean %.4f, p95 %.3f, max %.3f; residual |error| max %.3f mL\n",
              errors.size(), mean, p95, errors.back(), worst_residual);
  EXPECT_LE(mean, limits.mean);
  EXPECT_LE(p95, limits.p95);
  EXPECT_LE(errors.back(), limits.max);
  EXPECT_LE(worst_residual, limits.residual_ml);
}

TEST(ShellCoverageTest, IsotropicOneMillimetre) { ExpectWithinLimits({1, 1, 1}, {0.006, 0.02, 0.035, 0.02}); }
TEST(ShellCoverageTest, TypicalCtSlices) { ExpectWithinLimits({0.7, 0.7, 2.5}, {0.006, 0.025, 0.045, 0.03}); }
TEST(ShellCoverageTest, ThickSlices) { ExpectWithinLimits({1, 1, 5}, {0.015, 0.05, 0.13, 0.2}); }

}  // namespace
}  // namespace margo
