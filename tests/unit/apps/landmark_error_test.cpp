// Target registration error over landmark pairs, against hand-computed truth.
#include <gtest/gtest.h>

#include <cmath>

#include "apps/registration_quality.h"

namespace margo {
namespace {

TEST(TargetErrorsTest, DistanceBetweenThePreLandmarkAndTheMappedPostLandmark) {
  RigidTransform shift;
  shift.translation_mm = {3, -4, 12};  // |t| = 13
  const std::vector<Landmark> post{{"a", {10, 20, 30}}, {"b", {-5, 0, 7}}};
  // pre = post + t + e with e = (0, 0, 0) and (1, 2, 2): errors 0 and 3 mm.
  const std::vector<Landmark> pre{{"a", {13, 16, 42}}, {"b", {-1, -2, 21}}};
  const std::vector<double> mapped = TargetErrors(pre, post, ScanMap(shift));
  ASSERT_EQ(mapped.size(), 2u);
  EXPECT_NEAR(mapped[0], 0.0, 1e-12);
  EXPECT_NEAR(mapped[1], 3.0, 1e-12);
  const std::vector<double> identity = TargetErrors(pre, post, ScanMap{});
  EXPECT_NEAR(identity[0], 13.0, 1e-12);
  EXPECT_NEAR(identity[1], std::sqrt(4.0 * 4.0 + 2.0 * 2.0 + 14.0 * 14.0), 1e-12);

  LandmarkErrors e;
  e.final_mm = mapped;
  EXPECT_NEAR(e.MeanFinal(), 1.5, 1e-12);
  EXPECT_NEAR(e.MaxFinal(), 3.0, 1e-12);
  EXPECT_NEAR(e.RmsFinal(), std::sqrt(4.5), 1e-12);
}

}  // namespace
}  // namespace margo
