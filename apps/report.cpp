#include "apps/report.h"

#include <itkMultiThreaderBase.h>

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

json InputJson(const InputRecord& in) {
  const LoadReport& r = in.report;
  json j = {{"path", r.path}, {"sha256", in.sha256}, {"format", r.format},
            {"geometry", GeometryJson(r.geometry)}};
  if (r.format == "DICOM series") {
    j["series_instance_uid"] = r.series_uid;
    j["frame_of_reference_uid"] = r.frame_of_reference;
    j["file_count"] = r.file_count;
    j["slice_spacing_min_mm"] = r.slice_spacing_min_mm;
    j["slice_spacing_max_mm"] = r.slice_spacing_max_mm;
  }
  if (r.format.rfind("DICOM SEG", 0) == 0 || r.format == "DICOM RTSTRUCT") {
    j["series_instance_uid"] = r.series_uid;
    j["frame_of_reference_uid"] = r.frame_of_reference;
    j["dicom_references"] = r.references;
  }
  if (!r.notes.empty()) j["notes"] = r.notes;
  return j;
}

json LandmarksJson(const LandmarkErrors& e) {
  json points = json::array();
  for (std::size_t i = 0; i < e.final_mm.size(); ++i) {
    json p = {{"name", e.names[i]}, {"error_before_mm", e.before_mm[i]}, {"error_mm", e.final_mm[i]}};
    if (!e.rigid_mm.empty()) p["error_rigid_mm"] = e.rigid_mm[i];
    points.push_back(p);
  }
  return {{"count", e.final_mm.size()}, {"tre_mean_mm", e.MeanFinal()}, {"tre_max_mm", e.MaxFinal()},
          {"tre_rms_mm", e.RmsFinal()}, {"points", points}};
}

json RegistrationJson(const Assessment& a) {
  json j = {{"method", a.registration_method},
            {"uncertainty_mm", a.registration_uncertainty_mm},
            {"uncertainty_source", a.registration_uncertainty_source}};
  if (a.liver_dice_after) {
    j["liver_dice_before"] = *a.liver_dice_before;
    j["liver_dice_after"] = *a.liver_dice_after;
  }
  if (a.landmarks) j["landmarks"] = LandmarksJson(*a.landmarks);
  if (a.verdict) j["verdict"] = {{"verdict", a.verdict->verdict}, {"reasons", a.verdict->reasons}};
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
  if (a.deformable) {
    const DeformableResult& d = *a.deformable;
    j["deformable"] = {{"type", "BSplineTransform (cubic), applied before the rigid map"},
                       {"metric_initial", d.metric_initial},
                       {"metric_final", d.metric_final},
                       {"jacobian_determinant_min", d.jacobian_min},
                       {"jacobian_determinant_max", d.jacobian_max},
                       {"max_displacement_mm", d.max_displacement_mm},
                       {"attempt", d.attempt},
                       {"used", d.improved},
                       {"stop_condition", d.stop_condition}};
  }
  return j;
}

json Labels(const LabelSelection& s) { return s.empty() ? json("all") : json(s); }

json ZoneMapJson(const std::map<std::uint16_t, LabelSelection>& zone_map) {
  json j = json::object();
  for (const auto& [tumour, zones] : zone_map) j[std::to_string(tumour)] = zones;
  return j;
}

json MarginOptionsJson(const MarginOptions& m) {
  return {{"a0_threshold_mm", m.thresholds.a0_above_mm}, {"a1_threshold_mm", m.thresholds.a1_from_mm},
          {"coverage_mm", m.coverage_mm}, {"shell_mm", m.shell_mm}, {"subcapsular_mm", m.subcapsular_mm}};
}

json RigidParamsJson(const RigidParams& r) {
  return {{"level_spacing_mm", r.level_spacing_mm}, {"smoothing_mm", r.smoothing_mm},
          {"histogram_bins", r.histogram_bins}, {"samples_per_level", r.samples_per_level},
          {"max_iterations", r.max_iterations}, {"initial_step_mm", r.initial_step_mm},
          {"min_step_mm", r.min_step_mm}, {"relaxation", r.relaxation}, {"window_hu", {r.window_low_hu, r.window_high_hu}},
          {"roi_margin_mm", r.roi_margin_mm}, {"random_seed", r.random_seed}};
}

json DeformableParamsJson(const DeformableParams& d) {
  return {{"control_spacing_mm", d.control_spacing_mm},
          {"level_spacing_mm", d.level_spacing_mm},
          {"smoothing_mm", d.smoothing_mm},
          {"histogram_bins", d.histogram_bins},
          {"samples_per_level", d.samples_per_level},
          {"optimizer", "L-BFGS-B"},
          {"max_evaluations", d.max_evaluations},
          {"convergence_factor", d.convergence_factor},
          {"gradient_tolerance", d.gradient_tolerance},
          {"plateau_share", d.plateau_share},
          {"plateau_iterations", d.plateau_iterations},
          {"membrane_weight", d.membrane_weight},
          {"min_improvement", d.min_improvement},
          {"window_hu", {d.window_low_hu, d.window_high_hu}},
          {"exclude_margin_mm", d.exclude_margin_mm},
          {"roi_margin_mm", d.roi_margin_mm},
          {"random_seed", d.random_seed}};
}

// Every parameter in force, defaults included (the command line shows only those given).

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
  j["uncertainty_kernel_mm"] = t.kernel_uncertainty_mm;
  j["uncertainty_registration_mm"] = t.registration_uncertainty_mm;
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
  j["residual_deep_ml"] = t.residual_deep_ml;
  j["category"] = CategoryName(t.category);
  if (!t.category_reason.empty()) j["category_reason"] = t.category_reason;
  j["borderline"] = t.borderline;
  j["uncertainty_mm"] = t.uncertainty_mm;
  j["subcapsular_points_excluded"] = t.subcapsular_points_excluded;
  return j;
}

}  // namespace

json ParametersJson(const Assessment& a) {
  json j = {{"command", a.assess_params ? "assess" : "margin"},
            {"margin", MarginOptionsJson(a.margin)},
            {"threads", itk::MultiThreaderBase::GetGlobalDefaultNumberOfThreads()}};
  if (a.assess_params) {
    const AssessParams& p = *a.assess_params;
    j["tumour_labels"] = Labels(p.tumour_labels);
    j["ablation_labels"] = Labels(p.ablation_labels);
    j["zone_map"] = ZoneMapJson(p.zone_map);
    j["space"] = p.space == MeasureSpace::kPre ? "pre" : "post";
    j["registration"] = RegistrationModeName(p.registration);
    if (p.registration != RegistrationMode::kNone) j["rigid"] = RigidParamsJson(p.rigid);
    if (p.registration == RegistrationMode::kDeformable) j["deformable"] = DeformableParamsJson(p.deformable);
  } else if (a.margin_params) {
    j["tumour_labels"] = Labels(a.margin_params->tumour_labels);
    j["ablation_labels"] = Labels(a.margin_params->ablation_labels);
    j["zone_map"] = ZoneMapJson(a.margin_params->zone_map);
  }
  return j;
}

json ReportJson(const Assessment& a, const VersionInfo& v, const std::string& command_line,
                const std::vector<OutputFile>& outputs) {
  json j;
  j["schema_version"] = kReportSchemaVersion;
  j["software"] = {{"margo", v.margo},      {"git_revision", v.git_revision},
                   {"itk", v.itk},          {"vtk", v.vtk},
                   {"dcmtk", v.dcmtk},      {"gdcm", v.gdcm},
                   {"compiler", v.compiler}};
  j["command_line"] = command_line;
  j["parameters"] = ParametersJson(a);
  j["inputs"] = json::object();
  for (const InputRecord& in : a.inputs) j["inputs"][in.role] = InputJson(in);
  j["registration"] = RegistrationJson(a);
  j["measuring_space"] = a.measuring_space;
  j["margin_method"] = "surface: signed distance from each vertex of the tumour's smoothed iso-surface to the ablation zone's smoothed iso-surface";
  j["subcapsular_exclusion_mm"] = a.margin.subcapsular_mm;
  j["category_thresholds_mm"] = {{"A0_above", a.margin.thresholds.a0_above_mm},
                                 {"A1_from", a.margin.thresholds.a1_from_mm}};
  j["tumours"] = json::array();
  for (const TumourMargin& t : a.tumours) j["tumours"].push_back(TumourJson(t, a));
  j["not_assessable_count"] = a.NotAssessable();
  j["outputs"] = json::array();
  for (const OutputFile& o : outputs) {
    json entry = {{"file", o.file}, {"content", o.content}};
    if (!o.note.empty()) entry["note"] = o.note;
    j["outputs"].push_back(entry);
  }
  if (a.clinical) {
    const std::optional<int> score = ClinicalRiskScore(a.clinical->patient);
    j["clinical"] = {{"path", a.clinical->path},
                     {"clinical_risk_score", score ? json(*score) : json(nullptr)}};
  }
  return j;
}

}  // namespace margo
