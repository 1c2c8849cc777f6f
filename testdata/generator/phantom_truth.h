// Ground truth for a phantom case, computed from the analytic shapes and the
// known map only (nothing from margo's margin/ code). Each tumour surface is
// a dense latitude-longitude mesh (vertices on the analytic surface, about
// 0.3 mm apart); the signed margin at a vertex is its distance to the nearest
// point of the zones' dense meshes (exact point-triangle distance,
// closest_point.h), positive when the vertex lies inside a zone (analytic
// test). In post space both meshes are carried through the known map first,
// so deformation is included. Vertices are weighted by the area they stand for.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/geometry.h"
#include "testdata/generator/phantom_case.h"

namespace margo {

struct SurfaceTruth {
  double min_margin_mm = 0.0;
  Vec3 min_point_mm{};  // LPS, in the space the truth is given for
  double p5_mm = 0.0;   // 5th area-weighted percentile of the signed margin
  double p50_mm = 0.0;
  std::vector<std::pair<double, double>> coverage;  // (d mm, share of surface area with margin >= d)
  double area_mm2 = 0.0;
  std::string category;  // A0 > 10, A1 5..10, A2 0..<5, incomplete < 0 (BRIEF.md)
};

struct TumourTruth {
  std::uint16_t label = 0;
  std::string shape, zone_shape;
  double volume_ml = 0.0;  // analytic (dense mesh), pre space
  SurfaceTruth pre, post;
};

struct TruthOptions {
  double spacing_mm = 0.3;  // mesh vertex spacing
  std::vector<double> coverage_mm{0, 3, 5, 6, 10};
};

std::vector<TumourTruth> ComputeTruth(const CaseSpec& spec, const TruthOptions& options = {});

// Category from a minimal margin, thresholds of BRIEF.md (written here, not
// taken from margin/, so the truth does not share code with what it checks).
std::string TruthCategory(double min_margin_mm);

// Area-weighted statistics of per-sample signed margins (REQUIRES: not empty).
SurfaceTruth SummariseMargins(const std::vector<Vec3>& points, const std::vector<double>& margins,
                              const std::vector<double>& areas, const TruthOptions& options);

nlohmann::json ToJson(const Vec3& v);
nlohmann::json ToJson(const SurfaceTruth& s);
nlohmann::json ToJson(const ImageGeometry& g);
nlohmann::json ToJson(const StarShape& s);
nlohmann::json ToJson(const RigidTransform& rigid, const BreathingDeformation& breathing);

// truth.json (format: docs/PHANTOM.md).
std::string CaseTruthJson(const CaseSpec& spec, const std::vector<TumourTruth>& truth);

}  // namespace margo
