// Deformable registration on top of the rigid stage: a cubic B-spline
// (ITK's BSplineTransform layout) fitted by L-BFGS-B to Mattes mutual
// information (registration/mattes_cost.h) plus a membrane energy on the
// control grid, over a region of interest of the post CT (the liver, or the lesions' neighbourhood), with
// the tumours (pre) and the ablation zone (post) left out of the metric:
// they differ between the scans by design, and fitting them would squeeze
// the tumour into the zone. The control grid is coarse (40 mm by default)
// and the membrane energy carries the displacement of the tissue around a
// left-out lesion smoothly across it: a tumour's few centimetres stay nearly
// rigid instead of following an unconstrained drift.
//
// The map runs as ITK resamples: post point -> pre point,
//   p_pre = rigid(p_post + b(p_post)),
// with b the B-spline displacement.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "core/image_types.h"
#include "core/log.h"
#include "registration/rigid_transform.h"

namespace margo {

struct DeformableParams {
  double control_spacing_mm = 40.0;  // B-spline control points. Default: 40
  // Resolution (mm) per level, coarse to fine: the pre CT is block-averaged
  // to voxels of at most 0.7 of it (registration/metric_samples.h); and the Gaussian
  // smoothing (mm) of both images per level.
  std::vector<double> level_spacing_mm{4.0, 2.0};
  std::vector<double> smoothing_mm{2.0, 1.0};
  int histogram_bins = 32;             // Default: 32
  unsigned samples_per_level = 20000;  // random metric samples per level. Default: 20000
  // L-BFGS-B per level: metric evaluations at most, and its two stopping
  // tests (relative metric change in units of machine epsilon; gradient).
  unsigned max_evaluations = 150;       // Default: 150
  double convergence_factor = 1e7;      // Default: 1e7
  double gradient_tolerance = 1e-5;     // Default: 1e-5
  // A level also stops when its best metric has gained less than this
  // share of itself over the last `plateau_iterations` iterations (0: never).
  // Default: 2e-4 over 10. On `full` the finest level then stops after 32
  // evaluations instead of spending its 150 (deformable stage 1.4 -> 0.7 s),
  // and the phantom suites' minimal margins move by at most 0.04 mm.
  double plateau_share = 2e-4;
  unsigned plateau_iterations = 10;
  // Weight of the control grid's membrane energy (registration/mattes_cost.h),
  // per mm^2. Default: 1e-5. Landmark error over the liver (mean / max,
  // docs/PHANTOM.md, 2026-11-29): none 0.62 / 2.11 mm on `full` (the grid
  // drifted inside the masked-out lesions), 1e-5 0.34 / 0.88, 1e-4 0.64 / 1.42.
  double membrane_weight = 1e-5;
  // The B-spline is used when it lowers the finest level's metric on
  // independent samples by at least this share; otherwise the rigid map is.
  // Default: 0.005. On the pure-rigid committed case it gains 0.1-0.2 %
  // (and, used, moved the landmark error from 0.12 to 0.26 mm mean); on the
  // deformed phantoms 6-14 %.
  double min_improvement = 0.005;
  double window_low_hu = -250.0, window_high_hu = 350.0;  // soft-tissue window of the metric
  double exclude_margin_mm = 5.0;      // lesions grown by this are left out of the metric
  double roi_margin_mm = 15.0;         // the region of interest grown by this
  unsigned random_seed = 20261128;     // same inputs + seed + threads = same result
};

struct DeformableInputs {
  const CtImage* fixed_post = nullptr;       // REQUIRED
  const CtImage* moving_pre = nullptr;       // REQUIRED
  RigidTransform rigid;                      // post -> pre, from the rigid stage
  WorldBox roi_post;                         // REQUIRED: where to estimate the deformation (post LPS)
  const MaskImage* exclude_post = nullptr;   // ablation zone, post grid (optional)
  const MaskImage* exclude_pre = nullptr;    // tumours, pre grid (optional)
};

// The estimated map (copyable, cheap: shares its B-spline).
class DeformableMap {
 public:
  DeformableMap();
  ~DeformableMap();
  DeformableMap(const DeformableMap&);
  DeformableMap& operator=(const DeformableMap&);

  Vec3 PostToPre(const Vec3& post) const;
  // The same at `count` points (pre[i] for post[i]): faster along the rows
  // of an image on the B-spline grid's axes (BSplineGrid::Displacements).
  void PostToPre(const Vec3* post, std::size_t count, Vec3* pre) const;
  // The inverse, by fixed-point iteration (the displacement's gradient is
  // small); REQUIRES the map to be invertible (positive Jacobian).
  Vec3 PreToPost(const Vec3& pre) const;
  // Displacement b(p) of the B-spline part (mm), before the rigid map.
  Vec3 Displacement(const Vec3& post) const;
  // An upper bound (mm) of |b(p)| over all space.
  double DisplacementBoundMm() const;
  // Determinant of d(p + b(p))/dp, by central differences.
  double JacobianDeterminant(const Vec3& post) const;
  const RigidTransform& rigid() const;
  // Writes the map as ITK transforms: the B-spline then the rigid one
  // (one composite .tfm file; docs/REGISTRATION.md). Throws Error(kOutputFailed).
  void Write(const std::string& path) const;

  struct Impl;
  explicit DeformableMap(std::shared_ptr<const Impl> impl);

 private:
  std::shared_ptr<const Impl> impl_;
};

struct DeformableResult {
  DeformableMap map;
  // Mattes MI (negated) at the finest level, on samples the optimiser did
  // not use: with the rigid map only, and after the B-spline.
  double metric_initial = 0.0;
  double metric_final = 0.0;
  double jacobian_min = 1.0, jacobian_max = 1.0;  // over the region of interest
  double max_displacement_mm = 0.0;               // of the B-spline part, over the region
  std::string stop_condition;
  int attempt = 1;  // 2 when the first settings folded and the stiffer retry was kept
  // The metric improved on the rigid map's by params.min_improvement. When
  // not, callers keep the rigid map (a pair that needs no deformation ends here).
  bool improved = false;
};

// Throws Error(kRegistrationFailed) when ITK fails, or when even the
// stiffer retry folds (Jacobian <= 0).
DeformableResult RegisterDeformable(const DeformableInputs& inputs, const DeformableParams& params, Log& log);

}  // namespace margo
