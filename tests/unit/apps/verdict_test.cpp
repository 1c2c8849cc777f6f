// The verdict's checks (apps/assess.h JudgeRegistration, ImplausibleMargins)
// on hand-made assessments: each row names a case and whether it warns.
#include "apps/verdict.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "apps/assess.h"

namespace margo {
namespace {

std::string Joined(const std::vector<std::string>& reasons) {
  std::string s;
  for (const std::string& r : reasons) s += r + "\n";
  return s;
}

// The B-spline's largest displacement: 4.9 mm at most on correct runs
// (phantom presets, hybrid IRCAD case), 21.1 mm on a wrong pairing.
TEST(JudgeRegistrationTest, WarnsOnAnImplausiblyLargeDeformation) {
  struct Row {
    const char* name;
    double max_displacement_mm;
    bool used;
    const char* expected;  // nullptr: pass
  } rows[] = {
      {"correct run, hybrid case", 4.9, true, nullptr},
      {"just below the threshold", 14.9, true, nullptr},
      {"scans of two patients", 21.1, true, "moves tissue by up to 21.1 mm beyond the rigid map"},
      {"not used: margins went through the rigid map", 21.1, false, nullptr},
  };
  for (const Row& row : rows) {
    Assessment a;
    a.deformable = DeformableResult{};
    a.deformable->max_displacement_mm = row.max_displacement_mm;
    a.deformable->improved = row.used;
    const RegistrationVerdict v = JudgeRegistration(a);
    if (row.expected == nullptr) {
      EXPECT_EQ(v.verdict, "pass") << row.name << ": " << Joined(v.reasons);
    } else {
      EXPECT_EQ(v.verdict, "warn") << row.name;
      EXPECT_NE(Joined(v.reasons).find(row.expected), std::string::npos)
          << row.name << ": " << Joined(v.reasons);
    }
  }
}

// A tumour wholly outside every zone, or reaching more than 10 mm outside:
// on correct runs incomplete tumours reach 1.4 to 3.7 mm outside, at most
// 41 % unablated.
TEST(ImplausibleMarginsTest, WarnsOnTumoursFarOrWhollyOutsideTheirZone) {
  struct Row {
    const char* name;
    double min_margin_mm, residual_percent, largest_vertex_margin_mm;
    bool zone_mapped;
    const char* expected;  // nullptr: nothing to say
  } rows[] = {
      {"A0", 11.7, 0.0, 16.0, false, nullptr},
      {"incomplete as on correct runs", -3.7, 41.0, 6.0, false, nullptr},
      {"9.9 mm outside, partly ablated", -9.9, 80.0, 1.0, false, nullptr},
      {"surface outside, zone inside the tumour", -4.0, 60.0, -0.5, false, nullptr},
      {"wholly outside, near", -4.0, 100.0, -0.4, false,
       "tumour 2 lies wholly outside every ablation zone, 0.4 mm from the nearest: either the ablation "
       "missed it "
       "or the registration failed; check report.html"},
      {"wholly outside, its own zones", -20.0, 100.0, -16.0, true,
       "tumour 2 lies wholly outside its ablation zones (--zone-map), 16.0 mm from the nearest"},
      {"12.4 mm outside, 99 % unablated", -12.4, 99.0, 0.8, false,
       "tumour 2 reaches 12.4 mm outside every ablation zone (99 % of it unablated; expected at most 10 mm"},
  };
  for (const Row& row : rows) {
    Assessment a;
    TumourMargin t;
    t.label = 2;
    t.assessable = true;
    t.min_margin_mm = row.min_margin_mm;
    t.residual_percent = row.residual_percent;
    a.tumours = {t};
    auto images = std::make_shared<ReportImages>();
    images->vertex_margins[2].margin_mm = {row.min_margin_mm, NAN, row.largest_vertex_margin_mm};
    a.images = images;
    std::map<std::uint16_t, LabelSelection> zone_map;
    if (row.zone_mapped) zone_map[2] = {1};
    const std::string reasons = Joined(ImplausibleMargins(a, zone_map));
    if (row.expected == nullptr) {
      EXPECT_EQ(reasons, "") << row.name;
    } else {
      EXPECT_NE(reasons.find(row.expected), std::string::npos) << row.name << ": " << reasons;
    }
  }
  Assessment not_assessable;
  not_assessable.tumours = {TumourMargin{}};  // assessable = false, margins 0
  not_assessable.tumours[0].residual_percent = 100.0;
  EXPECT_TRUE(ImplausibleMargins(not_assessable, {}).empty());
}

}  // namespace
}  // namespace margo
