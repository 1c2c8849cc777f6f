#include "apps/headline.h"

#include <cmath>

namespace margo {

std::optional<double> CoverageAt(const CoverageCurve& curve, double mm) {
  for (const auto& [d, share] : curve) {
    if (std::abs(d - mm) < 1e-9) return share;
  }
  return std::nullopt;
}

std::optional<TargetAssessment> TargetOf(const Assessment& a, const TumourMargin& t) {
  if (!a.clinical) return std::nullopt;
  return AssessTarget(*a.clinical, t, t.volume_ml);
}

std::string TargetText(const std::optional<TargetAssessment>& target) {
  if (!target) return "-";
  if (!target->met) return "unknown";
  return *target->met ? "met" : "not met";
}

}  // namespace margo
