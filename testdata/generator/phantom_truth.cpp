#include "testdata/generator/phantom_truth.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>

#include "testdata/generator/closest_point.h"
#include "testdata/generator/phantom_math.h"

namespace margo {

using namespace phantom;

namespace {

double UnsignedDistanceMm(const std::vector<std::unique_ptr<MeshDistance>>& zones, const Vec3& p) {
  double best = std::numeric_limits<double>::infinity();
  for (const auto& z : zones) {
    if (z->LowerBoundMm(p) < best) best = std::min(best, z->DistanceMm(p));
  }
  return best;
}

SurfaceMesh Mapped(SurfaceMesh mesh, const PhantomMap& map) {
  for (Vec3& v : mesh.vertices) v = map.PreToPost(v);
  return mesh;
}

}  // namespace

SurfaceTruth SummariseMargins(const std::vector<Vec3>& points, const std::vector<double>& margins,
                              const std::vector<double>& areas, const TruthOptions& options) {
  SurfaceTruth s;
  std::vector<std::size_t> order(margins.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return margins[a] < margins[b]; });
  s.area_mm2 = std::accumulate(areas.begin(), areas.end(), 0.0);
  s.min_margin_mm = margins[order.front()];
  s.min_point_mm = points[order.front()];
  auto percentile = [&](double q) {
    double cumulative = 0.0;
    for (std::size_t i : order) {
      cumulative += areas[i];
      if (cumulative >= q * s.area_mm2) return margins[i];
    }
    return margins[order.back()];
  };
  s.p5_mm = percentile(0.05);
  s.p50_mm = percentile(0.50);
  for (double d : options.coverage_mm) {
    double covered = 0.0;
    for (std::size_t i = 0; i < margins.size(); ++i) covered += margins[i] >= d ? areas[i] : 0.0;
    s.coverage.emplace_back(d, covered / s.area_mm2);
  }
  s.category = TruthCategory(s.min_margin_mm);
  return s;
}

std::string TruthCategory(double m) {
  if (m > 10.0) return "A0";
  if (m >= 5.0) return "A1";
  if (m >= 0.0) return "A2";
  return "incomplete";
}

std::vector<TumourTruth> ComputeTruth(const CaseSpec& spec, const TruthOptions& options) {
  const PhantomMap map = spec.Map();
  std::vector<std::unique_ptr<MeshDistance>> pre_zones, post_zones;
  for (const CaseTumour& t : spec.tumours) {
    const SurfaceMesh zone = MeshOf(t.zone, options.spacing_mm);
    pre_zones.push_back(std::make_unique<MeshDistance>(zone, 1.5, options.spacing_mm));
    post_zones.push_back(std::make_unique<MeshDistance>(Mapped(zone, map), 1.5, options.spacing_mm));
  }
  std::vector<TumourTruth> out;
  for (const CaseTumour& t : spec.tumours) {
    const SurfaceMesh pre = MeshOf(t.tumour, options.spacing_mm);
    const SurfaceMesh post = Mapped(pre, map);
    std::vector<double> pre_margin(pre.vertices.size()), post_margin(pre.vertices.size());
    for (std::size_t i = 0; i < pre.vertices.size(); ++i) {
      const Vec3& v = pre.vertices[i];
      const bool inside = std::any_of(spec.tumours.begin(), spec.tumours.end(),
                                      [&v](const CaseTumour& z) { return z.zone.Contains(v); });
      const double sign = inside ? 1.0 : -1.0;
      pre_margin[i] = sign * UnsignedDistanceMm(pre_zones, v);
      post_margin[i] = sign * UnsignedDistanceMm(post_zones, post.vertices[i]);
    }
    TumourTruth tt;
    tt.label = t.label;
    tt.shape = ShapeKindName(t.tumour.kind);
    tt.zone_shape = ShapeKindName(t.zone.kind);
    tt.volume_ml = EnclosedVolumeMm3(pre) / 1000.0;
    tt.pre = SummariseMargins(pre.vertices, pre_margin, VertexAreasMm2(pre), options);
    tt.post = SummariseMargins(post.vertices, post_margin, VertexAreasMm2(post), options);
    out.push_back(tt);
  }
  return out;
}

nlohmann::json ToJson(const Vec3& v) { return {v[0], v[1], v[2]}; }

nlohmann::json ToJson(const SurfaceTruth& s) {
  nlohmann::json coverage = nlohmann::json::array();
  for (const auto& [d, share] : s.coverage) coverage.push_back({{"distance_mm", d}, {"share", share}});
  return {{"min_margin_mm", s.min_margin_mm},
          {"min_margin_point_lps_mm", ToJson(s.min_point_mm)},
          {"p5_mm", s.p5_mm},
          {"p50_mm", s.p50_mm},
          {"surface_coverage", coverage},
          {"surface_area_mm2", s.area_mm2},
          {"category", s.category}};
}

nlohmann::json ToJson(const ImageGeometry& g) {
  return {{"size", {g.size[0], g.size[1], g.size[2]}},
          {"spacing_mm", ToJson(g.spacing_mm)},
          {"origin_lps_mm", ToJson(g.origin_mm)},
          {"direction", {ToJson(g.direction[0]), ToJson(g.direction[1]), ToJson(g.direction[2])}}};
}

nlohmann::json ToJson(const RigidTransform& rigid, const BreathingDeformation& breathing) {
  return {{"rigid",
           {{"angles_rad", ToJson(rigid.angles_rad)},
            {"translation_mm", ToJson(rigid.translation_mm)},
            {"centre_mm", ToJson(rigid.centre_mm)},
            {"convention", "q = R(p_post - centre) + centre + translation, itk::Euler3DTransform angles"}}},
          {"breathing",
           {{"amplitude_mm", breathing.amplitude_mm},
            {"centre_mm", ToJson(breathing.centre_mm)},
            {"sigma_mm", ToJson(breathing.sigma_mm)},
            {"direction", ToJson(breathing.direction)},
            {"convention",
             "p_pre = q + amplitude * exp(-sum_i ((q_i - centre_i) / sigma_i)^2 / 2) * direction"}}}};
}

nlohmann::json ToJson(const StarShape& s) {
  nlohmann::json j = {{"kind", ShapeKindName(s.kind)}, {"centre_lps_mm", ToJson(s.centre_mm)}};
  if (s.kind == ShapeKind::kSphere) j["radius_mm"] = s.semi_axes_mm[0];
  if (s.kind == ShapeKind::kEllipsoid) j["semi_axes_mm"] = ToJson(s.semi_axes_mm);
  if (s.kind == ShapeKind::kLobulated) {
    j["base_radius_mm"] = s.semi_axes_mm[0];
    j["lobe_amplitude"] = s.lobe_amplitude;
  }
  if (s.kind != ShapeKind::kSphere) j["angles_rad"] = ToJson(s.angles_rad);
  return j;
}

std::string CaseTruthJson(const CaseSpec& spec, const std::vector<TumourTruth>& truth) {
  nlohmann::json j;
  j["schema_version"] = "2.0";
  j["description"] = "margo phantom case with known truth (docs/PHANTOM.md)";
  j["preset"] = spec.preset;
  j["seed"] = spec.seed;
  j["pre_grid"] = ToJson(spec.pre_grid);
  j["post_grid"] = ToJson(spec.post_grid);
  j["transform_post_to_pre"] = ToJson(spec.rigid, spec.breathing);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const TumourTruth& t = truth[i];
    j["tumours"].push_back({{"label", t.label},
                            {"zone_label", spec.tumours[i].zone_label},
                            {"shape", ToJson(spec.tumours[i].tumour)},
                            {"zone", ToJson(spec.tumours[i].zone)},
                            {"volume_ml", t.volume_ml},
                            {"pre", ToJson(t.pre)},
                            {"post", ToJson(t.post)},
                            {"min_margin_mm", t.post.min_margin_mm},
                            {"category", t.post.category}});
  }
  return j.dump(2) + "\n";
}

}  // namespace margo
