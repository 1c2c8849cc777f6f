// Margin categories (BRIEF.md section 2). Thresholds are configurable.
#pragma once

#include <optional>
#include <string>

namespace margo {

enum class MarginCategory { kA0, kA1, kA2, kIncomplete };

struct CategoryThresholds {
  double a0_above_mm = 10.0;  // A0: MAM > a0_above_mm. Default: 10 (Shady 2018).
  double a1_from_mm = 5.0;    // A1: a1_from_mm <= MAM <= a0_above_mm. Default: 5 (ACCLAIM).
  // A2: 0 <= MAM < a1_from_mm; incomplete: MAM < 0.
};

MarginCategory Categorize(double min_margin_mm, const CategoryThresholds& thresholds = {});
// "A0", "A1", "A2", "incomplete": the names used in report.json.
const char* CategoryName(MarginCategory category);

// Problems with the thresholds (empty when valid): REQUIRES 0 < a1_from_mm < a0_above_mm.
std::optional<std::string> ValidateThresholds(const CategoryThresholds& thresholds);

}  // namespace margo
