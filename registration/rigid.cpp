#include "registration/rigid.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

#include "core/error.h"
#include "registration/image_prep.h"
#include "registration/mattes_cost.h"
#include "registration/metric_samples.h"
#include "registration/rigid_descent.h"
#include "registration/rigid_orientation.h"

namespace margo {
namespace {

constexpr double kMaxRotationDeg = 30.0;
constexpr double kMaxTranslationMm = 150.0;
// Two CTs of one abdomen register at -0.5 to -1.6 (phantoms and the IRCAD
// hybrid, 2026-11); near 0 the metric has nothing to follow (a review's pre
// CT of 49 mm voxels "registered" at -0.0000 with a verdict of pass).
constexpr double kMinMutualInformation = 0.05;

// How far (mm) the moving image is kept beyond the fixed region, on top of the
// largest starting translation: the rigid motion the optimiser may find.
constexpr double kMaxMovingReachMm = 40.0;

double LargestStart(const RigidHints& hints) {
  double largest = 0.0;
  for (const Vec3& t : hints.start_translations_mm) {
    largest = std::max(largest, std::sqrt(t[0] * t[0] + t[1] * t[1] + t[2] * t[2]));
  }
  return largest;
}

// One resolution level's images and samples, and the metric over them.
class Level {
 public:
  Level(const CtImage& fixed, const CtImage& moving, const Vec3& centre, double spacing_mm, double sigma_mm,
        const RigidParams& p, unsigned seed)
      : moving_(LevelImage(moving, spacing_mm, sigma_mm)),
        samples_(DrawSamples(fixed, sigma_mm, nullptr, nullptr, RigidAffine{}, nullptr, p.samples_per_level, seed)),
        view_(ViewOf(*moving_)),
        cost_(samples_, view_, centre, p.histogram_bins) {}
  Level(const Level&) = delete;
  Level& operator=(const Level&) = delete;
  MattesRigidCost& cost() { return cost_; }
  const FixedSamples& samples() const { return samples_; }
  const LinearImage& view() const { return view_; }
  // The metric at t; infinity where too few samples overlap the moving scan.
  double Score(const RigidTransform& t) {
    const double v = cost_.MetricValue(RigidParameters(t));
    return cost_.valid_samples() < samples_.points_mm.size() / 10 ? std::numeric_limits<double>::infinity() : v;
  }

 private:
  CtImage::Pointer moving_;
  FixedSamples samples_;
  LinearImage view_;
  MattesRigidCost cost_;
};

Vec3 BoxCentre(const WorldBox& b) {
  return {(b.min_mm[0] + b.max_mm[0]) / 2, (b.min_mm[1] + b.max_mm[1]) / 2, (b.min_mm[2] + b.max_mm[2]) / 2};
}

RigidTransform ChooseStart(Level& scorer, const Vec3& centre, const RigidHints& hints, Log& log,
                           double& best_score) {
  std::vector<Vec3> starts{{0, 0, 0}};
  starts.insert(starts.end(), hints.start_translations_mm.begin(), hints.start_translations_mm.end());
  RigidTransform best;
  best_score = std::numeric_limits<double>::infinity();
  for (const Vec3& t : starts) {
    RigidTransform candidate;
    candidate.centre_mm = centre;
    candidate.translation_mm = t;
    const double score = scorer.Score(candidate);
    char buf[160];
    std::snprintf(buf, sizeof buf, "rigid start (%.1f, %.1f, %.1f) mm: metric %.4f", t[0], t[1], t[2], score);
    log.Debug(buf);
    if (score < best_score) {
      best_score = score;
      best = candidate;
    }
  }
  return best;
}

// A rigid map between two scans of one patient in one position rotates by a
// few degrees and moves by centimetres; anything far beyond is a failure.
void CheckPlausible(const RigidResult& r) {
  const RigidTransform& t = r.post_to_pre;
  const double shift = std::sqrt(t.translation_mm[0] * t.translation_mm[0] +
                                 t.translation_mm[1] * t.translation_mm[1] +
                                 t.translation_mm[2] * t.translation_mm[2]);
  char buf[300];
  if (!std::isfinite(r.metric_final)) {
    throw Error(ErrorKind::kRegistrationFailed,
                "rigid registration: the scans do not overlap after registration (metric undefined); "
                "expected pre and post CT of the same region");
  }
  if (r.metric_final > -kMinMutualInformation) {
    std::snprintf(buf, sizeof buf,
                  "rigid registration: the scans share no information where they overlap (Mattes mutual "
                  "information %.4f -> %.4f; expected below -%.2f for two CTs of one patient's abdomen)",
                  r.metric_initial, r.metric_final, kMinMutualInformation);
    throw Error(ErrorKind::kRegistrationFailed, buf);
  }
  if (t.RotationDeg() > kMaxRotationDeg || shift > kMaxTranslationMm) {
    std::snprintf(buf, sizeof buf,
                  "rigid registration: result rotates %.1f degrees and moves %.1f mm; expected at most %.0f "
                  "degrees and %.0f mm between two scans of one patient",
                  t.RotationDeg(), shift, kMaxRotationDeg, kMaxTranslationMm);
    throw Error(ErrorKind::kRegistrationFailed, buf);
  }
}

// Mutual information needs contrast: a blank scan (or one with nothing in
// the soft-tissue window) "registers" at once, its metric 0 before and after.
void RequireContrast(const CtImage& windowed, const char* scan, const RigidParams& p) {
  constexpr float kMinSpread = 0.01f;  // of the window: 6 HU at the default one
  const float* v = windowed.GetBufferPointer();
  const std::size_t n = windowed.GetBufferedRegion().GetNumberOfPixels();
  if (n == 0) return;
  // Stops at the first voxel that sets the spread: early in a scan with
  // contrast (the whole windowed pre CT can be 40 million voxels, 50 ms to
  // read), so that only a blank scan is read to its end.
  const float* lo = v;
  const float* hi = v;
  for (const float* x = v; x != v + n; ++x) {
    if (*x < *lo) lo = x;
    if (*x > *hi) hi = x;
    if (*hi - *lo >= kMinSpread) return;
  }
  char buf[300];
  std::snprintf(
      buf, sizeof buf,
      "rigid registration: the %s shows no contrast in the region registered: every voxel reads the "
      "same (%.0f HU, clamped to the soft-tissue window %.0f..%.0f HU); expected a CT of the abdomen",
      scan, std::round(p.window_low_hu + double(*lo) * (p.window_high_hu - p.window_low_hu)) + 0.0,
      p.window_low_hu, p.window_high_hu);
  throw Error(ErrorKind::kRegistrationFailed, buf);
}

}  // namespace

RigidResult RegisterRigid(const CtImage& fixed_post, const CtImage& moving_pre, const RigidHints& hints,
                          const RigidParams& p, Log& log) {
  const CtImage::Pointer fixed =
      CropWindowed(fixed_post, hints.fixed_roi, p.roi_margin_mm, p.window_low_hu, p.window_high_hu);
  const CtImage::Pointer moving = CropWindowed(moving_pre, WorldBounds(GeometryOf(*fixed)),
                                               kMaxMovingReachMm + LargestStart(hints), p.window_low_hu,
                                               p.window_high_hu);
  RequireContrast(*fixed, "post CT", p);
  RequireContrast(*moving, "pre CT", p);
  log.Info("rigid registration: fixed region " + Describe(GeometryOf(*fixed)));

  const Vec3 centre = BoxCentre(WorldBounds(GeometryOf(*fixed)));
  // Starts and results are scored at full resolution, unsmoothed.
  Level scorer(*fixed, *moving, centre, 0.0, 0.0, p, p.random_seed);
  RigidResult result;
  const RigidTransform start = ChooseStart(scorer, centre, hints, log, result.metric_initial);
  result.chosen_start_mm = start.translation_mm;

  vnl_vector<double> x = RigidParameters(start);
  const std::size_t levels = p.level_spacing_mm.size();
  const auto make_level = [&](std::size_t l) {
    const double sigma = l < p.smoothing_mm.size() ? p.smoothing_mm[l] : 0.0;
    return std::make_unique<Level>(*fixed, *moving, centre, p.level_spacing_mm[l], sigma, p,
                                   p.random_seed + unsigned(l) + 1);
  };
  // The coarsest level first serves the orientation check: a scan rotated
  // beyond the optimiser's reach or mirrored is an error, a rotation within
  // the limit that matches clearly better is where the levels start.
  std::unique_ptr<Level> coarse = levels > 0 ? make_level(0) : nullptr;
  if (coarse) {
    OrientationInput in;
    in.samples = &coarse->samples();
    in.moving = &coarse->view();
    in.centre = centre;
    in.pivot = hints.fixed_roi ? BoxCentre(*hints.fixed_roi) : centre;
    in.start = start;
    in.translations = hints.start_translations_mm;
    const WorldBox pre_box = WorldBounds(GeometryOf(moving_pre));
    in.moving_middle_x = (pre_box.min_mm[0] + pre_box.max_mm[0]) / 2;
    in.bins = p.histogram_bins;
    in.max_rotation_deg = kMaxRotationDeg;
    x = RigidParameters(CheckOrientation(in, OrientationParams{}, log));
  }
  for (std::size_t l = 0; l < levels; ++l) {
    std::unique_ptr<Level> level = l == 0 ? std::move(coarse) : make_level(l);
    const std::string where = "level " + std::to_string(l + 1) + "/" + std::to_string(levels);
    result.stop_condition = Descend(level->cost(), x, p, where, log);
  }
  log.EndProgress();
  result.post_to_pre = scorer.cost().TransformOf(x);
  result.metric_final = scorer.Score(result.post_to_pre);
  if (!(result.metric_final <= result.metric_initial)) {
    // Already aligned (or the optimiser wandered): keep the better start.
    log.Info("rigid registration: the optimised transform scores no better than the start; keeping the start");
    result.post_to_pre = start;
    result.metric_final = result.metric_initial;
  }
  CheckPlausible(result);
  return result;
}

}  // namespace margo
