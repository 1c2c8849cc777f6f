// The margin kernel against analytic truth: spheres and rotated ellipsoids,
// tumours inside, touching and leaving their zones, on isotropic and
// anisotropic grids (issue 4's acceptance table). Truth never comes from
// margo's code: closed forms, or dense sampling of the tumour's parametric
// surface where the zone is a sphere (margin = R - |p - zone centre|).
//
// What a coarse grid sees depends on where its slices fall: a pole between
// two 5 mm slices can lie anywhere in a 5 mm gap. So every case is measured
// at kPhases positions of the shapes against the grid, and the limits hold
// over all of them (one lucky position proves little: until 2026-11-29 this
// test used one, where the worst coverage error on 1 x 1 x 5 mm was 0.033;
// over ten positions it was 0.18).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

#include "margin/tumour_margin.h"
#include "tests/support/ellipsoid_truth.h"
#include "tests/support/margin_case.h"
#include "tests/support/synthetic.h"

namespace margo {
namespace {

using testing::Shape;
using testing::Truth;

Truth TruthOf(const Shape& tumour, const Shape& zone, const std::vector<double>& distances) {
  if (zone.IsSphere()) {
    Truth t = testing::SampledTruthInSphereZone(tumour, zone, distances);
    if (tumour.IsSphere()) {  // closed form: R - |d| - r
      const Vec3 d{zone.centre_mm[0] - tumour.centre_mm[0], zone.centre_mm[1] - tumour.centre_mm[1],
                   zone.centre_mm[2] - tumour.centre_mm[2]};
      const double closed = zone.semi_axes_mm[0] - std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) -
                            tumour.semi_axes_mm[0];
      EXPECT_NEAR(t.min_margin_mm, closed, 0.01) << "the sampled truth disagrees with the closed form";
      t.min_margin_mm = closed;
    }
    return t;
  }
  // A sphere tumour at the centre of an ellipsoid zone: the nearest zone
  // point is at the end of the zone's shortest semi-axis.
  EXPECT_TRUE(tumour.IsSphere());
  EXPECT_EQ(tumour.centre_mm, zone.centre_mm);
  const double shortest = *std::min_element(zone.semi_axes_mm.begin(), zone.semi_axes_mm.end());
  return Truth{shortest - tumour.semi_axes_mm[0], {}, {}, {}};
}

struct ShapeCase {
  const char* name;
  Shape tumour, zone;
};

Shape SphereAt(const Vec3& centre, double r) { return Shape{centre, {r, r, r}}; }

// The cases with the tumour's centre at `c`.
std::vector<ShapeCase> CasesAt(const Vec3& c) {
  const double s = 1.0 / std::sqrt(2.0);
  auto at = [&c](double x, double y, double z) { return Vec3{c[0] + x, c[1] + y, c[2] + z}; };
  return {
      {"concentric spheres", SphereAt(c, 8), SphereAt(c, 20)},
      {"offset spheres", SphereAt(c, 6), SphereAt(at(3 * s, 0, 3 * s), 16)},
      {"offset spheres A2", SphereAt(c, 6), SphereAt(at(2.5 * s, 0, 2.5 * s), 11)},
      {"tumour touching its zone", SphereAt(c, 6), SphereAt(at(4 * s, 0, 4 * s), 10)},
      {"tumour leaving its zone", SphereAt(c, 6), SphereAt(at(6 * s, 0, 6 * s), 9)},
      {"rotated ellipsoid tumour", Shape{c, {10, 6, 5}, {20, 35, 50}}, SphereAt(at(1.5, -1, 1), 19)},
      {"flat ellipsoid tumour", Shape{c, {9, 8, 4}, {60, 10, -30}}, SphereAt(c, 15.5)},
      {"sphere in rotated ellipsoid zone", SphereAt(c, 5), Shape{c, {18, 14, 11}, {30, 20, 10}}},
  };
}

// Tumour centres spread evenly over a voxel of every grid below.
constexpr int kPhases = 10;
Vec3 Phase(int i) { return testing::GridPhase(i); }

// What one case measured at one phase.
struct Measured {
  double min_margin_error_mm = 0.0;
  std::vector<std::pair<double, double>> coverage_errors;  // (d mm, measured - truth)
  // Each measured coverage read as a shift of the margins: d - d*, where the
  // true coverage at d* is the measured one at d (Truth::MarginWithCoverage);
  // where the true coverage is neither 0 nor 1.
  std::vector<double> coverage_shifts_mm;
};

double CoverageShiftMm(const Truth& truth, double d, double measured) {
  if (truth.sorted_margins_mm.empty()) return 0.0;
  double at = 0.0;  // the d* nearest to d at which the true coverage is `measured`
  if (measured >= 1.0) {
    at = std::min(d, truth.sorted_margins_mm.front());
  } else if (measured <= 0.0) {
    at = std::max(d, truth.sorted_margins_mm.back());
  } else {
    at = truth.MarginWithCoverage(measured);
  }
  return d - at;
}

Measured MeasureCase(const ShapeCase& c, const Vec3& spacing, const std::vector<double>& distances) {
  testing::Grid grid;
  grid.spacing_mm = spacing;
  for (int a = 0; a < 3; ++a) {
    grid.size[a] = static_cast<std::size_t>(std::ceil(70.0 / spacing[a]));
    grid.origin_mm[a] = -35.0;
  }
  testing::MarginCase images(grid);
  testing::Paint(*images.tumours,
                 testing::Ellipsoid(c.tumour.centre_mm, c.tumour.semi_axes_mm, c.tumour.angles_deg), 5);
  testing::Paint(*images.zone, testing::Ellipsoid(c.zone.centre_mm, c.zone.semi_axes_mm, c.zone.angles_deg),
                 1);
  MarginInputs in = images.Inputs();
  in.expected_labels = {5};
  in.options.coverage_mm = distances;
  const std::vector<TumourMargin> out = MeasureMargins(in);
  EXPECT_EQ(out.size(), 1u) << c.name;
  if (out.size() != 1u) return Measured{};
  EXPECT_TRUE(out[0].assessable) << c.name << ": " << out[0].not_assessable_reason;
  const Truth truth = TruthOf(c.tumour, c.zone, distances);
  Measured m;
  m.min_margin_error_mm = out[0].min_margin_mm - truth.min_margin_mm;
  for (std::size_t k = 0; k < truth.coverage.size(); ++k) {
    const auto [d, share] = truth.coverage[k];
    const double measured = out[0].surface_coverage.at(k).second;
    m.coverage_errors.push_back({d, measured - share});
    if (share > 0.0 && share < 1.0) m.coverage_shifts_mm.push_back(CoverageShiftMm(truth, d, measured));
  }
  const double uncertainty = out[0].uncertainty_mm;
  const bool near_threshold = std::abs(truth.min_margin_mm) < uncertainty ||
                              std::abs(truth.min_margin_mm - 5) < uncertainty ||
                              std::abs(truth.min_margin_mm - 10) < uncertainty;
  if (!near_threshold) {
    EXPECT_EQ(out[0].category, Categorize(truth.min_margin_mm)) << c.name << ", min margin " << truth.min_margin_mm;
  }
  return m;
}

// q-quantile (nearest rank) of v.
double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * double(v.size())))];
}

double Mean(const std::vector<double>& v) {
  double sum = 0.0;
  for (double x : v) sum += x;
  return sum / double(v.size());
}

// Per-point surface-coverage limits of one grid. Issue 4 asks for 0.03 at
// every point. Measured over the ten phases (2026-11-29, 420 points per
// grid: 7 cases x 6 distances x 10):
//   1 x 1 x 1       mean 0.0022, p95 0.012, max 0.019, none above 0.03
//   0.7 x 0.7 x 2.5 mean 0.0024, p95 0.013, max 0.025, none above 0.03
//                   (before the fairing continued curvature over caps:
//                   max 0.081, 5 above, at one phase 0.072)
//   1 x 1 x 5       mean 0.0066, p95 0.029, max 0.162, 17 above 0.03 (18
//                   before the fairing's bending seed by CG steps): a
//                   6 mm sphere spans two or three slices, and where its
//                   caps and its zone's lie within their 5 mm gaps is
//                   inferred; worst the flat ellipsoid at 8 mm, where a
//                   third of its area lies within 1 mm of margin 8
// Asserted: the 0.03 on the first two grids, the 1 x 1 x 5 figures
// with a little room as a guard against regression (docs/MARGINS.md); that
// 0.03 cannot hold for every shape on 5 mm slices is shown by
// thick_slice_limit_test.cpp.
// Printed too: each coverage read as a shift of the margins (the d* at
// which the true coverage equals the measured one at d; d - d*). A share
// is hypersensitive where much of the surface has a margin near d, and
// says little where little has; the shift is the error in millimetres of
// margin. Its maximum: 0.34 mm (0.34 voxel) on 1 x 1 x 1, 0.27 mm (0.11
// slice) on 0.7 x 0.7 x 2.5, 0.98 mm (0.20 slice) on 1 x 1 x 5.
struct CoverageLimits {
  double mean, p95, max;
};

void ExpectWithinLimits(const Vec3& spacing, const CoverageLimits& limits) {
  const std::vector<double> distances = {0, 2, 4, 6, 8, 10};
  const double h = *std::max_element(spacing.begin(), spacing.end());
  std::vector<double> relative, coverage, shifts;
  for (std::size_t k = 0; k < CasesAt({0, 0, 0}).size(); ++k) {
    double worst_margin = 0.0, worst_coverage = 0.0, worst_d = 0.0;
    for (int phase = 0; phase < kPhases; ++phase) {
      const ShapeCase c = CasesAt(Phase(phase))[k];
      const Measured m = MeasureCase(c, spacing, distances);
      relative.push_back(std::abs(m.min_margin_error_mm) / h);
      if (std::abs(m.min_margin_error_mm) > std::abs(worst_margin)) worst_margin = m.min_margin_error_mm;
      for (double shift : m.coverage_shifts_mm) shifts.push_back(std::abs(shift));
      for (const auto& [d, e] : m.coverage_errors) {
        coverage.push_back(std::abs(e));
        if (std::abs(e) > std::abs(worst_coverage)) worst_coverage = e, worst_d = d;
      }
    }
    std::printf("%-34s %gx%gx%g: worst min-margin error %+5.2f mm (%+.2f voxel), worst coverage error %+.3f (%g mm)\n",
                CasesAt({0, 0, 0})[k].name, spacing[0], spacing[1], spacing[2], worst_margin, worst_margin / h,
                worst_coverage, worst_d);
  }
  // Issue 4's acceptance for the minimal margin: median <= 0.2 x and
  // maximum <= 0.5 x the largest voxel spacing.
  const double median = Quantile(relative, 0.5), max = *std::max_element(relative.begin(), relative.end());
  std::printf("minimal-margin |error| / largest spacing over %zu measurements: median %.3f, max %.3f\n",
              relative.size(), median, max);
  EXPECT_LE(median, 0.2);
  EXPECT_LE(max, 0.5);
  const double mean = Mean(coverage), p95 = Quantile(coverage, 0.95);
  const double cmax = *std::max_element(coverage.begin(), coverage.end());
  const auto above = std::count_if(coverage.begin(), coverage.end(), [](double e) { return e > 0.03; });
  std::printf("surface-coverage |error| over %zu points: mean %.4f, p95 %.3f, max %.3f, %td above 0.03\n",
              coverage.size(), mean, p95, cmax, above);
  std::printf(
      "surface coverage read as a shift of the margins over %zu points (true coverage not 0 or 1): median "
      "%.3f, p95 %.3f, max %.3f mm "
      "(max %.3f of the largest spacing)\n",
      shifts.size(), Quantile(shifts, 0.5), Quantile(shifts, 0.95),
      *std::max_element(shifts.begin(), shifts.end()), *std::max_element(shifts.begin(), shifts.end()) / h);
  EXPECT_LE(mean, limits.mean);
  EXPECT_LE(p95, limits.p95);
  EXPECT_LE(cmax, limits.max);
}

TEST(AnalyticShapesTest, IsotropicOneMillimetre) { ExpectWithinLimits({1, 1, 1}, {0.005, 0.02, 0.03}); }

TEST(AnalyticShapesTest, TypicalCtSlices) { ExpectWithinLimits({0.7, 0.7, 2.5}, {0.005, 0.02, 0.03}); }

TEST(AnalyticShapesTest, ThickSlices) { ExpectWithinLimits({1, 1, 5}, {0.01, 0.05, 0.2}); }

}  // namespace
}  // namespace margo
