// Per-tumour margins at sub-voxel accuracy: each tumour's smoothed surface
// (surface.h), carried point by point into the measuring space, sampled with
// the signed distance to the ablation zone's smoothed surface. Definitions:
// docs/MARGINS.md (from BRIEF.md section 2).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/geometry.h"
#include "core/image_types.h"
#include "margin/category.h"
#include "margin/vertex_margins.h"

namespace margo {

class Surface;  // margin/surface.h

// (distance d in mm, share 0..1) pairs.
using CoverageCurve = std::vector<std::pair<double, double>>;

struct TumourMargin {
  std::uint16_t label = 0;          // value in the input tumour label map
  double volume_ml = 0.0;           // labelled voxels x voxel volume, in the tumour label map
  bool assessable = false;
  std::string not_assessable_reason;  // set when !assessable
  std::size_t surface_points = 0;     // surface vertices sampled
  double surface_area_mm2 = 0.0;
  double min_margin_mm = 0.0;         // minimal signed margin (MAM)
  Vec3 min_point_lps_mm{};            // where it occurs, in the measuring space
  Vec3 thinnest_direction{};          // unit vector, tumour centroid -> min point
  double p1_mm = 0.0, p5_mm = 0.0, p25_mm = 0.0, p50_mm = 0.0;  // area-weighted percentiles
  CoverageCurve surface_coverage;     // share of surface area with margin >= d
  CoverageCurve shell_coverage;       // share of the d-mm shell volume inside the zone
  double residual_ml = 0.0;           // tumour volume outside the zone
  double residual_percent = 0.0;
  // Of it, the volume deeper inside the tumour than its largest voxel
  // spacing (VolumeCoverage::deep_ml): with a minimal margin >= 0, tumour
  // in a cavity of the zone.
  double residual_deep_ml = 0.0;
  MarginCategory category = MarginCategory::kIncomplete;
  // Set when the category is not the minimal margin's: a tumour whose
  // surface lies inside the zone but whose inside is partly unablated (a
  // cavity of the zone) is incomplete whatever its surface margin.
  std::string category_reason;
  bool borderline = false;            // MAM within uncertainty_mm of a threshold
  double uncertainty_mm = 0.0;        // kernel + registration parts below
  double kernel_uncertainty_mm = 0.0;        // kKernelErrorBoundVoxels x largest label spacing
  double registration_uncertainty_mm = 0.0;  // MarginInputs::registration_uncertainty_mm
  std::size_t subcapsular_points_excluded = 0;  // surface points near the liver capsule, left out
  double visible_surface_share = 0.0;  // share of surface area inside the measuring image (0..1)
};

// The kernel's error bound on binary masks, in largest voxel spacings of the
// two label maps: tests/unit/margin/analytic_shapes_test.cpp asserts it
// (measured at most 0.42 over ten positions on three grids). Used as the
// borderline uncertainty.
inline constexpr double kKernelErrorBoundVoxels = 0.5;

// Sets `m`'s registration uncertainty, its total uncertainty (the kernel's
// plus it) and the borderline flag: the minimal margin within the total of
// 0 or a category threshold of `t`.
void SetRegistrationUncertainty(TumourMargin& m, double registration_mm, const CategoryThresholds& t);

// Largest label spacing (mm) at which surface coverage was measured within
// 0.1 of analytic truth (0.081 at most on 2.5 mm slices); on 5 mm slices it
// was off by up to 0.18 (docs/MARGINS.md, Accuracy).
inline constexpr double kCoverageTrustedSpacingMm = 3.0;

// Maps a point of the tumours' space to the measuring space (LPS mm).
using PointMap = std::function<Vec3(const Vec3&)>;

struct MarginOptions {
  CategoryThresholds thresholds;
  // Surface coverage distances (mm). Default: 0, 1, ..., 10.
  std::vector<double> coverage_mm{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  // Shell coverage distances (mm). Default: 1, 2, ..., 10.
  std::vector<double> shell_mm{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  // Surface points within this distance (mm) inside the liver capsule are
  // left out of the statistics (ARTORG QAM convention). Default: 0 (off).
  // REQUIRES: a liver mask when > 0.
  double subcapsular_mm = 0.0;
};

// Surfaces that do not depend on the map between the scans: each tumour's
// (on its own label map) and that of the union of all zones (on its own
// grid). Built ahead, while the registration runs (apps/assess.cpp), they
// spare MeasureMargins its longest step; it builds what is missing.
struct PrebuiltSurfaces {
  MaskImage::Pointer zone_mask;  // the union of the zones, to pass as MarginInputs::ablation
  std::shared_ptr<const Surface> zone_union;
  std::map<std::uint16_t, std::shared_ptr<const Surface>> tumours;
};
PrebuiltSurfaces PrebuildSurfaces(const LabelImage& tumours, const LabelImage& zones);

struct MarginInputs {
  const LabelImage* tumours = nullptr;    // one label per tumour, in its own space
  PointMap to_measuring;                  // empty: the tumours are in the measuring space
  const MaskImage* ablation = nullptr;    // 0/1 union of ablation zones, measuring space
  const MaskImage* liver = nullptr;       // optional, measuring space: for subcapsular_mm
  // Optional explicit tumour -> zone labels mapping; tumours not listed use
  // the union of all zones. REQUIRES: ablation_labels when not empty.
  std::map<std::uint16_t, std::vector<std::uint16_t>> zones_for_tumour;
  const LabelImage* ablation_labels = nullptr;  // zone labels, same grid as `ablation`
  std::vector<std::uint16_t> expected_labels;  // tumours of the input; missing ones are reported
  MarginOptions options;
  // Added to the kernel's error bound for the borderline flag: how far the
  // map carrying tumour points may be off (0 when there is no map).
  double registration_uncertainty_mm = 0.0;
  std::string space_name = "post CT";     // for messages
  // Optional: receives each measured tumour's surface (label -> surface),
  // for the report's pictures and meshes to reuse instead of rebuilding.
  std::map<std::uint16_t, std::shared_ptr<const Surface>>* tumour_surfaces = nullptr;
  // Optional: receives the surface of the union of all zones, built beside
  // the zones' own (in parallel), for the report's zone-surface map.
  std::shared_ptr<const Surface>* zone_union_surface = nullptr;
  // Optional: receives each measured tumour's vertices in the measuring
  // space with the margin at each (label -> margins), for the report's maps.
  std::map<std::uint16_t, VertexMargins>* vertex_margins = nullptr;
  // Optional: surfaces built ahead from `tumours` and from `ablation`, which
  // must then be prebuilt->zone_mask.
  const PrebuiltSurfaces* prebuilt = nullptr;
};

// REQUIRES: ablation not empty.
std::vector<TumourMargin> MeasureMargins(const MarginInputs& inputs);

// Binary mask (0/1) of the voxels whose label is non-zero.
MaskImage::Pointer UnionMask(const LabelImage& labels);

// Binary mask (0/1) of the voxels whose label is one of `selected` (sorted).
MaskImage::Pointer SelectedMask(const LabelImage& labels, const std::vector<std::uint16_t>& selected);

}  // namespace margo
