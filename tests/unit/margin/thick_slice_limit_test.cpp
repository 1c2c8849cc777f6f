// What 5 mm slices cannot tell apart. An oblate and a prolate ellipsoid
// tumour, centred midway between two slices and cut by both in the same
// circle, paint the same voxels on a 1 x 1 x 5 mm grid; in the same sphere
// zone their true surface coverage differs by far more than 2 x 0.03. No
// kernel that reads the masks can be within 0.03 of both: issue 4's
// coverage limit cannot hold for every shape on such slices, while its
// minimal-margin limit (half a slice) can. docs/MARGINS.md quotes this.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "margin/tumour_margin.h"
#include "tests/support/ellipsoid_truth.h"
#include "tests/support/margin_case.h"
#include "tests/support/synthetic.h"

namespace margo {
namespace {

constexpr double kSliceMm = 5.0;
constexpr double kSectionRadiusMm = 5.4;       // where both slices cut either tumour
const Vec3 kCentre{0.3, 0.2, 0.5 * kSliceMm};  // midway between the slices at z = 0 and 5

// The tumour with polar semi-axis c whose sections kSliceMm / 2 from its
// centre are circles of kSectionRadiusMm; with c < 1.5 slices no other
// slice reaches it.
testing::Shape TumourWithPolarAxis(double c) {
  const double h = 0.5 * kSliceMm, a = kSectionRadiusMm / std::sqrt(1.0 - h * h / (c * c));
  return testing::Shape{kCentre, {a, a, c}};
}

testing::Grid ThickSliceGrid() {
  testing::Grid grid;
  grid.spacing_mm = {1, 1, kSliceMm};
  for (int a = 0; a < 3; ++a) {
    grid.size[a] = static_cast<std::size_t>(std::ceil(70.0 / grid.spacing_mm[a]));
    grid.origin_mm[a] = -35.0;
  }
  return grid;
}

testing::MarginCase Painted(const testing::Shape& tumour, const testing::Shape& zone) {
  testing::MarginCase images(ThickSliceGrid());
  testing::Paint(*images.tumours,
                 testing::Ellipsoid(tumour.centre_mm, tumour.semi_axes_mm, tumour.angles_deg), 5);
  testing::Paint(*images.zone, testing::Ellipsoid(zone.centre_mm, zone.semi_axes_mm, zone.angles_deg), 1);
  return images;
}

std::size_t CountDiffering(const LabelImage& a, const LabelImage& b, std::size_t* labelled) {
  const std::size_t n = a.GetLargestPossibleRegion().GetNumberOfPixels();
  const auto *pa = a.GetBufferPointer(), *pb = b.GetBufferPointer();
  std::size_t differing = 0;
  *labelled = 0;
  for (std::size_t i = 0; i < n; ++i) {
    differing += pa[i] != pb[i];
    *labelled += pa[i] != 0;
  }
  return differing;
}

TumourMargin Measure(const testing::MarginCase& images, const std::vector<double>& distances) {
  MarginInputs in = images.Inputs();
  in.expected_labels = {5};
  in.options.coverage_mm = distances;
  const std::vector<TumourMargin> out = MeasureMargins(in);
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? TumourMargin{} : out[0];
}

TEST(ThickSliceLimitTest, TwoTumoursTheSlicesCannotTellApartDifferInCoverage) {
  const testing::Shape oblate = TumourWithPolarAxis(3.5), prolate = TumourWithPolarAxis(7.0);
  const testing::Shape zone{kCentre, {16, 16, 16}};
  const testing::MarginCase a = Painted(oblate, zone), b = Painted(prolate, zone);
  std::size_t labelled = 0;
  ASSERT_EQ(CountDiffering(*a.tumours, *b.tumours, &labelled), 0u) << "the slices do tell them apart";
  ASSERT_GT(labelled, 100u);

  const std::vector<double> distances = {0, 2, 4, 6, 8, 9, 10, 11};
  const testing::Truth ta = testing::SampledTruthInSphereZone(oblate, zone, distances);
  const testing::Truth tb = testing::SampledTruthInSphereZone(prolate, zone, distances);
  const TumourMargin ma = Measure(a, distances), mb = Measure(b, distances);
  ASSERT_EQ(ma.surface_coverage, mb.surface_coverage) << "the same voxels measured differently";

  std::printf(
      "tumours %.2f x %.2f x %.2f and %.2f x %.2f x %.2f mm, %zu voxels each, the same on %g mm slices\n",
      2 * oblate.semi_axes_mm[0], 2 * oblate.semi_axes_mm[1], 2 * oblate.semi_axes_mm[2],
      2 * prolate.semi_axes_mm[0], 2 * prolate.semi_axes_mm[1], 2 * prolate.semi_axes_mm[2], labelled,
      kSliceMm);
  std::printf("min margin: true %.2f and %.2f mm, measured %.2f mm\n", ta.min_margin_mm, tb.min_margin_mm,
              ma.min_margin_mm);
  double widest = 0.0;
  for (std::size_t k = 0; k < distances.size(); ++k) {
    const double ca = ta.coverage[k].second, cb = tb.coverage[k].second, m = ma.surface_coverage[k].second;
    std::printf("coverage at %4.1f mm: true %.3f and %.3f, measured %.3f\n", distances[k], ca, cb, m);
    widest = std::max(widest, std::abs(ca - cb));
  }
  // Whatever a kernel measures, it is at least half of this from one truth.
  EXPECT_GT(widest, 2 * 0.03);
  // The minimal margin is still within half a slice of both.
  EXPECT_NEAR(ma.min_margin_mm, ta.min_margin_mm, 0.5 * kSliceMm);
  EXPECT_NEAR(ma.min_margin_mm, tb.min_margin_mm, 0.5 * kSliceMm);
}

}  // namespace
}  // namespace margo
