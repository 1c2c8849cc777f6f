// The headline metrics of one tumour, read the same way by the terminal
// summary, tumours.csv and report.html.
#pragma once

#include <optional>
#include <string>

#include "apps/assess.h"

namespace margo {

// Share (0..1) of the curve at exactly `mm`, if the curve holds that distance.
std::optional<double> CoverageAt(const CoverageCurve& curve, double mm);

// The tumour's clinical target, when clinical inputs were given.
std::optional<TargetAssessment> TargetOf(const Assessment& a, const TumourMargin& t);

// "met", "not met", "unknown" (clinical inputs given, target undecided) or "-" (none given).
std::string TargetText(const std::optional<TargetAssessment>& target);

}  // namespace margo
