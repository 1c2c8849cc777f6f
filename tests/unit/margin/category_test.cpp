#include "margin/category.h"

#include <gtest/gtest.h>

namespace margo {
namespace {

struct Row {
  double margin_mm;
  MarginCategory expected;
};

TEST(CategoryTest, DefaultThresholdsFollowTheBrief) {
  const Row rows[] = {{12.0, MarginCategory::kA0}, {10.001, MarginCategory::kA0}, {10.0, MarginCategory::kA1},
                      {5.0, MarginCategory::kA1},  {4.999, MarginCategory::kA2},  {0.0, MarginCategory::kA2},
                      {-0.001, MarginCategory::kIncomplete}, {-7.0, MarginCategory::kIncomplete}};
  for (const Row& r : rows) {
    EXPECT_EQ(Categorize(r.margin_mm), r.expected) << "margin " << r.margin_mm;
  }
}

TEST(CategoryTest, ConfigurableThresholds) {
  const CategoryThresholds t{8.0, 3.0};
  EXPECT_EQ(Categorize(8.5, t), MarginCategory::kA0);
  EXPECT_EQ(Categorize(3.0, t), MarginCategory::kA1);
  EXPECT_EQ(Categorize(2.9, t), MarginCategory::kA2);
}

TEST(CategoryTest, NamesAreTheReportStrings) {
  EXPECT_STREQ(CategoryName(MarginCategory::kA0), "A0");
  EXPECT_STREQ(CategoryName(MarginCategory::kA1), "A1");
  EXPECT_STREQ(CategoryName(MarginCategory::kA2), "A2");
  EXPECT_STREQ(CategoryName(MarginCategory::kIncomplete), "incomplete");
}

TEST(CategoryTest, RejectsInconsistentThresholds) {
  EXPECT_FALSE(ValidateThresholds({10.0, 5.0}));
  EXPECT_TRUE(ValidateThresholds({5.0, 10.0}));
  EXPECT_TRUE(ValidateThresholds({10.0, 0.0}));
}

}  // namespace
}  // namespace margo
