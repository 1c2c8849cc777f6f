#include "apps/registration_html.h"

#include "apps/html_text.h"

namespace margo {
namespace {

std::string VerdictHtml(const RegistrationVerdict& v) {
  std::string s = "<p><b>Verdict: " + Escape(v.verdict) + "</b>";
  if (v.reasons.empty()) return s + " (no warning sign; docs/REGISTRATION.md).</p>\n";
  s += ":";
  for (std::size_t i = 0; i < v.reasons.size(); ++i) s += (i ? "; " : " ") + Escape(v.reasons[i]);
  return s + ".</p>\n";
}

std::string RigidHtml(const RigidResult& r) {
  const RigidTransform& t = r.post_to_pre;
  return "<p>Rigid: Mattes mutual information " + Fixed(r.metric_initial, 4) + " &rarr; " +
         Fixed(r.metric_final, 4) + " (lower is better); rotation " + Fixed(t.RotationDeg(), 2) +
         "&deg;, translation " + Point(t.translation_mm) +
         " mm (post &rarr; pre). Stop: " + Escape(r.stop_condition) + ".</p>\n";
}

std::string DeformableHtml(const DeformableResult& d) {
  std::string s =
      "<p>Deformable (cubic B-spline before the rigid map): Mattes mutual information on samples "
      "it was not fitted to " +
      Fixed(d.metric_initial, 4) + " &rarr; " + Fixed(d.metric_final, 4) + "; Jacobian determinant " +
      Fixed(d.jacobian_min, 3) + ".." + Fixed(d.jacobian_max, 3) + "; largest displacement " +
      Fixed(d.max_displacement_mm) + " mm";
  if (d.attempt > 1) s += "; the stiffer second attempt";
  s += ". ";
  s += d.improved
           ? "<b>Used</b>: margins were measured through the B-spline and the rigid map."
           : "<b>Not used</b>: it did not improve the metric enough; margins were measured through the "
             "rigid map.";
  return s + "</p>\n";
}

std::string LandmarksHtml(const LandmarkErrors& e) {
  return "<p>Landmarks: " + std::to_string(e.final_mm.size()) + " pairs, target error mean <b>" +
         Fixed(e.MeanFinal(), 2) + " mm</b>, max " + Fixed(e.MaxFinal(), 2) + " mm (mean " +
         Fixed(e.MeanBefore(), 2) + " mm before registration).</p>\n";
}

}  // namespace

std::string RegistrationSummaryHtml(const Assessment& a) {
  if (!a.registration) {
    return "<p>None (<code>--registration " + Escape(a.registration_method) +
           "</code>): the masks were taken to be in one world space.</p>\n";
  }
  std::string s;
  if (a.verdict) s += VerdictHtml(*a.verdict);
  s += RigidHtml(*a.registration);
  if (a.deformable) s += DeformableHtml(*a.deformable);
  if (a.liver_dice_after) {
    s += "<p>Liver overlap (Dice): " + Fixed(*a.liver_dice_before, 3) + " before, <b>" +
         Fixed(*a.liver_dice_after, 3) + "</b> after registration.</p>\n";
  }
  if (a.landmarks) s += LandmarksHtml(*a.landmarks);
  s += "<p>Added to each tumour's borderline uncertainty: " + Fixed(a.registration_uncertainty_mm, 2) +
       " mm (" + Escape(a.registration_uncertainty_source) + ").</p>\n";
  return s;
}

}  // namespace margo
