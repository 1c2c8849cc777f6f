#include "apps/report.h"

#include <cstdio>

namespace margo {
namespace {

using nlohmann::json;

json Json(const Vec3& v) { return {v[0], v[1], v[2]}; }

json GeometryJson(const ImageGeometry& g) {
  json direction = json::array();
  for (const Vec3& row : g.direction) direction.push_back(Json(row));
  return {{"size", {g.size[0], g.size[1], g.size[2]}},
          {"spacing_mm", Json(g.spacing_mm)},
          {"origin_lps_mm", Json(g.origin_mm)},
          {"direction", direction}};
}

json InputJson(const LoadReport& r) {
  json j = {{"path", r.path}, {"format", r.format}, {"geometry", GeometryJson(r.geometry)}};
  if (r.format == "DICOM series") {
    j["series_instance_uid"] = r.series_uid;
    j["frame_of_reference_uid"] = r.frame_of_reference;
    j["file_count"] = r.file_count;
    j["slice_spacing_min_mm"] = r.slice_spacing_min_mm;
    j["slice_spacing_max_mm"] = r.slice_spacing_max_mm;
  }
  return j;
}

json RegistrationJson(const Assessment& a) {
  json j = {{"method", a.registration_method}};
  if (!a.registration) return j;
  const RigidResult& r = *a.registration;
  const RigidTransform& t = r.post_to_pre;
  json matrix = json::array();
  for (const Vec3& row : t.Matrix()) matrix.push_back(Json(row));
  j["transform_post_to_pre"] = {{"type", "Euler3DTransform"},
                                {"angles_rad", Json(t.angles_rad)},
                                {"translation_mm", Json(t.translation_mm)},
                                {"centre_lps_mm", Json(t.centre_mm)},
                                {"matrix", matrix},
                                {"rotation_deg", t.RotationDeg()}};
  j["metric"] = "Mattes mutual information (lower is better)";
  j["metric_initial"] = r.metric_initial;
  j["metric_final"] = r.metric_final;
  j["start_translation_mm"] = Json(r.chosen_start_mm);
  j["stop_condition"] = r.stop_condition;
  return j;
}

json CurveJson(const CoverageCurve& curve) {
  json out = json::array();
  for (const auto& [mm, share] : curve) out.push_back({{"mm", mm}, {"share", share}});
  return out;
}

json TargetJson(const TargetAssessment& t) {
  json j = {{"risk", t.risk}, {"reason", t.reason}};
  j["target_mm"] = t.target_mm ? json(*t.target_mm) : json(nullptr);
  j["met"] = t.met ? json(*t.met) : json(nullptr);
  return j;
}

json TumourJson(const TumourMargin& t, const Assessment& a) {
  json j = {{"label", t.label},
            {"volume_ml", t.volume_ml},
            {"assessable", t.assessable},
            {"surface_points_sampled", t.surface_points}, {"surface_area_mm2", t.surface_area_mm2}};
  if (a.clinical) j["target"] = TargetJson(AssessTarget(*a.clinical, t, t.volume_ml));
  j["visible_surface_share"] = t.visible_surface_share;
  if (!t.assessable) {
    j["min_margin_mm"] = nullptr;
    j["category"] = nullptr;
    j["not_assessable_reason"] = t.not_assessable_reason;
    return j;
  }
  j["min_margin_mm"] = t.min_margin_mm;
  j["min_margin_point_lps_mm"] = Json(t.min_point_lps_mm);
  j["thinnest_direction_lps"] = Json(t.thinnest_direction);
  j["margin_percentiles_mm"] = {{"p1", t.p1_mm}, {"p5", t.p5_mm}, {"p25", t.p25_mm}, {"p50", t.p50_mm}};
  j["surface_coverage"] = CurveJson(t.surface_coverage);
  j["shell_coverage"] = CurveJson(t.shell_coverage);
  j["residual_unablated_ml"] = t.residual_ml;
  j["residual_unablated_percent"] = t.residual_percent;
  j["category"] = CategoryName(t.category);
  j["borderline"] = t.borderline;
  j["uncertainty_mm"] = t.uncertainty_mm;
  j["subcapsular_points_excluded"] = t.subcapsular_points_excluded;
  return j;
}

}  // namespace

json ReportJson(const Assessment& a, const VersionInfo& v, const std::string& command_line) {
  json j;
  j["schema_version"] = kReportSchemaVersion;
  j["software"] = {{"margo", v.margo}, {"git_revision", v.git_revision}, {"itk", v.itk}, {"vtk", v.vtk},
                   {"compiler", v.compiler}};
  j["command_line"] = command_line;
  j["inputs"] = json::object();
  for (const InputRecord& in : a.inputs) j["inputs"][in.role] = InputJson(in.report);
  j["registration"] = RegistrationJson(a);
  j["measuring_space"] = a.measuring_space;
  j["margin_method"] = "surface: signed distance from each vertex of the tumour's smoothed iso-surface to the ablation zone's smoothed iso-surface";
  j["subcapsular_exclusion_mm"] = a.margin.subcapsular_mm;
  j["category_thresholds_mm"] = {{"A0_above", a.margin.thresholds.a0_above_mm},
                                 {"A1_from", a.margin.thresholds.a1_from_mm}};
  j["tumours"] = json::array();
  for (const TumourMargin& t : a.tumours) j["tumours"].push_back(TumourJson(t, a));
  j["not_assessable_count"] = a.NotAssessable();
  if (a.clinical) {
    const std::optional<int> score = ClinicalRiskScore(a.clinical->patient);
    j["clinical"] = {{"path", a.clinical->path},
                     {"clinical_risk_score", score ? json(*score) : json(nullptr)}};
  }
  return j;
}

std::string SummaryTable(const Assessment& a) {
  std::string out = "label  volume_ml  min_margin_mm  category\n";
  char row[200];
  for (const TumourMargin& t : a.tumours) {
    if (t.assessable) {
      std::snprintf(row, sizeof row, "%5u  %9.2f  %13.2f  %s\n", t.label, t.volume_ml, t.min_margin_mm,
                    CategoryName(t.category));
    } else {
      std::snprintf(row, sizeof row, "%5u  %9.2f  %13s  not assessable: %s\n", t.label, t.volume_ml, "-",
                    t.not_assessable_reason.c_str());
    }
    out += row;
  }
  return out;
}

}  // namespace margo
