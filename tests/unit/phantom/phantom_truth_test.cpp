// The phantom's truth against closed forms: sphere tumours in sphere zones,
// whose margin at the tumour-surface point at angle a from the offset d is
//   m(a) = R - sqrt(r^2 + d^2 + 2 r d cos a),
// with the surface area uniform in cos a.
#include "testdata/generator/phantom_truth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.h"
#include "testdata/generator/phantom_case.h"
#include "testdata/generator/phantom_math.h"
#include "tests/support/expect_error.h"

namespace margo {
namespace {

const CaseTumour& Tumour(const CaseSpec& spec, std::uint16_t label) {
  for (const CaseTumour& t : spec.tumours) {
    if (t.label == label) return t;
  }
  throw std::runtime_error("no tumour " + std::to_string(label));
}

const TumourTruth& Truth(const std::vector<TumourTruth>& truth, std::uint16_t label) {
  for (const TumourTruth& t : truth) {
    if (t.label == label) return t;
  }
  throw std::runtime_error("no truth for tumour " + std::to_string(label));
}

struct SphereCase {
  double r, R, d;
  double MarginAt(double cos_a) const { return R - std::sqrt(r * r + d * d + 2.0 * r * d * cos_a); }
  // Share of the surface with margin >= x: cos a <= c(x), area uniform in cos a.
  double CoverageAt(double x) const {
    if (R - x <= 0.0) return 0.0;
    const double c = (std::pow(R - x, 2) - r * r - d * d) / (2.0 * r * d);
    return std::clamp((1.0 + c) / 2.0, 0.0, 1.0);
  }
};

SphereCase SphereOf(const CaseTumour& t) {
  EXPECT_EQ(t.tumour.kind, ShapeKind::kSphere);
  EXPECT_EQ(t.zone.kind, ShapeKind::kSphere);
  return {t.tumour.semi_axes_mm[0], t.zone.semi_axes_mm[0], Distance(t.tumour.centre_mm, t.zone.centre_mm)};
}

class SphereTruthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    spec_ = new CaseSpec(PresetSpec("rigid"));
    truth_ = new std::vector<TumourTruth>(ComputeTruth(*spec_));
  }
  static void TearDownTestSuite() {
    delete spec_;
    delete truth_;
  }
  static CaseSpec* spec_;
  static std::vector<TumourTruth>* truth_;
};
CaseSpec* SphereTruthTest::spec_ = nullptr;
std::vector<TumourTruth>* SphereTruthTest::truth_ = nullptr;

TEST_F(SphereTruthTest, MinimalMarginIsTheClosedFormInBothSpaces) {
  for (std::uint16_t label : {2, 5}) {
    const SphereCase s = SphereOf(Tumour(*spec_, label));
    const TumourTruth& t = Truth(*truth_, label);
    EXPECT_NEAR(t.pre.min_margin_mm, s.R - s.d - s.r, 0.01) << "tumour " << label;
    // A rigid map preserves distances: the same margin in post space.
    EXPECT_NEAR(t.post.min_margin_mm, s.R - s.d - s.r, 0.01) << "tumour " << label;
  }
  EXPECT_NEAR(Truth(*truth_, 2).pre.min_margin_mm, 12.0, 0.01);
  EXPECT_NEAR(Truth(*truth_, 5).pre.min_margin_mm, -3.0, 0.01);
}

TEST_F(SphereTruthTest, PercentilesAndCoverageAreTheClosedForm) {
  for (std::uint16_t label : {2, 5}) {
    const SphereCase s = SphereOf(Tumour(*spec_, label));
    const TumourTruth& t = Truth(*truth_, label);
    EXPECT_NEAR(t.pre.p5_mm, s.MarginAt(0.9), 0.02) << "tumour " << label;
    EXPECT_NEAR(t.pre.p50_mm, s.MarginAt(0.0), 0.02) << "tumour " << label;
    for (const auto& [d, share] : t.pre.coverage) {
      EXPECT_NEAR(share, s.CoverageAt(d), 0.005) << "tumour " << label << " at " << d << " mm";
    }
    EXPECT_NEAR(t.pre.area_mm2, 4.0 * M_PI * s.r * s.r, 0.002 * 4.0 * M_PI * s.r * s.r);
    EXPECT_NEAR(t.volume_ml, 4.0 / 3.0 * M_PI * std::pow(s.r, 3) / 1000.0, 0.002 * t.volume_ml);
  }
}

TEST_F(SphereTruthTest, TheCasesSpanAllFourCategoriesAndSomeTumoursStickOut) {
  std::set<std::string> categories;
  int outside = 0;
  for (const TumourTruth& t : *truth_) {
    categories.insert(t.pre.category);
    EXPECT_EQ(t.pre.category, t.post.category) << "rigid: same category in both spaces, tumour " << t.label;
    outside += t.pre.coverage.front().second < 1.0 ? 1 : 0;
  }
  EXPECT_EQ(categories, (std::set<std::string>{"A0", "A1", "A2", "incomplete"}));
  EXPECT_GE(outside, 2);
}

TEST(PhantomTruthTest, DeformationChangesPostSpaceMarginsButNotPreSpace) {
  const CaseSpec rigid = PresetSpec("rigid"), small = PresetSpec("small");
  TruthOptions coarse;
  coarse.spacing_mm = 0.6;
  const auto a = ComputeTruth(rigid, coarse), b = ComputeTruth(small, coarse);
  double largest_change = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_DOUBLE_EQ(a[i].pre.min_margin_mm, b[i].pre.min_margin_mm);
    largest_change = std::max(largest_change, std::abs(a[i].post.min_margin_mm - b[i].post.min_margin_mm));
  }
  // 7 mm breathing with gradient up to ~0.07: margins up to ~20 mm change by tenths of a mm.
  EXPECT_GT(largest_change, 0.05);
  EXPECT_LT(largest_change, 2.0);
}

TEST(PhantomTruthTest, CategoryThresholdsFollowTheBrief) {
  EXPECT_EQ(TruthCategory(10.01), "A0");
  EXPECT_EQ(TruthCategory(10.0), "A1");
  EXPECT_EQ(TruthCategory(5.0), "A1");
  EXPECT_EQ(TruthCategory(4.99), "A2");
  EXPECT_EQ(TruthCategory(0.0), "A2");
  EXPECT_EQ(TruthCategory(-0.01), "incomplete");
}

}  // namespace
}  // namespace margo
