#include "apps/verdict.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace margo {
namespace {

// Verdict thresholds (docs/REGISTRATION.md).
constexpr double kJacobianWarnLow = 0.5, kJacobianWarnHigh = 2.0;
constexpr double kLiverDiceWarn = 0.85;
constexpr double kLandmarkTreWarnMm = 2.0;  // RMS target error over the landmark pairs
// The B-spline's largest displacement over its region: at most 4.9 mm on
// correct runs (phantom presets and the hybrid IRCAD case, with and without
// liver masks); 21 mm on scans of two different patients.
constexpr double kDisplacementWarnMm = 15.0;
// A tumour that no ablation zone touches, or that reaches further than this
// outside its zone: on correct runs the incomplete tumours reach 1.4 to 3.7 mm
// outside, at most 41 % unablated; swapped, mirrored, unregistered, wrongly
// rotated and mismatched pairs each left a tumour wholly outside
// (docs/REGISTRATION.md, "Plausibility").
constexpr double kOutsideWarnMm = 10.0;
constexpr double kWhollyUnablatedPercent = 99.5;
// The largest signed margin over a tumour's surface (NaN when unknown): when
// negative, how far its nearest point lies from the zone.
double LargestMargin(const std::map<std::uint16_t, VertexMargins>& vertices, std::uint16_t label) {
  const auto it = vertices.find(label);
  double largest = std::numeric_limits<double>::quiet_NaN();
  if (it == vertices.end()) return largest;
  for (double m : it->second.margin_mm) {
    if (!std::isnan(m) && !(m <= largest)) largest = m;
  }
  return largest;
}

}  // namespace

RegistrationVerdict JudgeRegistration(const Assessment& a) {
  RegistrationVerdict v;
  auto warn = [&v](const std::string& reason) {
    v.verdict = "warn";
    v.reasons.push_back(reason);
  };
  char buf[200];
  if (a.deformable) {
    const DeformableResult& d = *a.deformable;
    if (d.attempt > 1) warn("the first deformable attempt folded; the stiffer retry was kept");
    if (d.jacobian_min < kJacobianWarnLow || d.jacobian_max > kJacobianWarnHigh) {
      std::snprintf(buf, sizeof buf, "Jacobian determinant %.2f..%.2f over the region (expected %.1f..%.1f)",
                    d.jacobian_min, d.jacobian_max, kJacobianWarnLow, kJacobianWarnHigh);
      warn(buf);
    }
    if (d.improved && d.max_displacement_mm > kDisplacementWarnMm) {
      std::snprintf(
          buf, sizeof buf,
          "the deformable stage moves tissue by up to %.1f mm beyond the rigid map (expected <= %.0f mm): "
          "a correct rigid result of one patient's scans rarely needs that; check report.html",
          d.max_displacement_mm, kDisplacementWarnMm);
      warn(buf);
    }
  }
  if (a.liver_dice_after && *a.liver_dice_after < kLiverDiceWarn) {
    std::snprintf(buf, sizeof buf, "liver Dice after registration %.3f (expected >= %.2f)",
                  *a.liver_dice_after, kLiverDiceWarn);
    warn(buf);
  }
  if (a.liver_dice_after && a.liver_dice_before && *a.liver_dice_after < *a.liver_dice_before) {
    warn("the liver masks overlap less after registration than before");
  }
  if (a.landmarks && a.landmarks->RmsFinal() > kLandmarkTreWarnMm) {
    std::snprintf(buf, sizeof buf, "landmark target error %.2f mm RMS (expected <= %.1f mm)",
                  a.landmarks->RmsFinal(), kLandmarkTreWarnMm);
    warn(buf);
  }
  return v;
}

// Margins a correct registration rarely gives: a tumour that no ablation
// zone touches, or that reaches more than kOutsideWarnMm outside its zone.
// Either the ablation missed it (rare, and worth a look) or the scans are
// not aligned; the categories stay as measured, the verdict says which to check.
std::vector<std::string> ImplausibleMargins(const Assessment& a,
                                            const std::map<std::uint16_t, LabelSelection>& zone_map) {
  std::vector<std::string> reasons;
  char buf[400];
  for (const TumourMargin& t : a.tumours) {
    if (!t.assessable) continue;
    const std::string zones =
        zone_map.count(t.label) ? "its ablation zones (--zone-map)" : "every ablation zone";
    const double largest = a.images ? LargestMargin(a.images->vertex_margins, t.label) : std::nan("");
    if (t.residual_percent >= kWhollyUnablatedPercent && largest < 0.0) {
      std::snprintf(
          buf, sizeof buf,
          "tumour %d lies wholly outside %s, %.1f mm from the nearest: either the ablation missed it "
          "or the registration failed; check report.html",
          int(t.label), zones.c_str(), -largest);
    } else if (t.min_margin_mm < -kOutsideWarnMm) {
      std::snprintf(
          buf, sizeof buf,
          "tumour %d reaches %.1f mm outside %s (%.0f %% of it unablated; expected at most %.0f mm on "
          "a correct registration): either the ablation missed much of it or the registration failed; "
          "check report.html",
          int(t.label), -t.min_margin_mm, zones.c_str(), t.residual_percent, kOutsideWarnMm);
    } else {
      continue;
    }
    reasons.push_back(buf);
  }
  return reasons;
}

}  // namespace margo
