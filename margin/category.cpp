#include "margin/category.h"

#include <cmath>

namespace margo {

MarginCategory Categorize(double min_margin_mm, const CategoryThresholds& t) {
  if (min_margin_mm > t.a0_above_mm) return MarginCategory::kA0;
  if (min_margin_mm >= t.a1_from_mm) return MarginCategory::kA1;
  if (min_margin_mm >= 0.0) return MarginCategory::kA2;
  return MarginCategory::kIncomplete;
}

const char* CategoryName(MarginCategory category) {
  switch (category) {
    case MarginCategory::kA0: return "A0";
    case MarginCategory::kA1: return "A1";
    case MarginCategory::kA2: return "A2";
    case MarginCategory::kIncomplete: return "incomplete";
  }
  return "?";
}

std::optional<std::string> ValidateThresholds(const CategoryThresholds& t) {
  if (!(t.a1_from_mm > 0.0 && t.a1_from_mm < t.a0_above_mm && std::isfinite(t.a0_above_mm))) {
    return "category thresholds: A1 from " + std::to_string(t.a1_from_mm) + " mm, A0 above " +
           std::to_string(t.a0_above_mm) + " mm; expected 0 < A1 threshold < A0 threshold";
  }
  return std::nullopt;
}

}  // namespace margo
