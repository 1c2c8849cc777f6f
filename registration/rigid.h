// Rigid (6 degrees of freedom) registration of the pre-ablation CT (moving)
// to the post-ablation CT (fixed): ITK v4 framework, Mattes mutual
// information on a soft-tissue intensity window, multi-resolution, several
// starting positions of which the best is kept.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "core/image_types.h"
#include "core/log.h"
#include "registration/rigid_transform.h"

namespace margo {

struct RigidParams {
  // Resolution (mm) of each level, coarse to fine: the pre CT is
  // block-averaged to voxels of at most 0.7 of it (registration/metric_samples.h); 0 =
  // native. Default: 4, 2, 0 (the finest level runs on the native grids).
  std::vector<double> level_spacing_mm{4.0, 2.0, 0.0};
  // Gaussian smoothing per level (mm). Default: 2, 1, 0.
  std::vector<double> smoothing_mm{2.0, 1.0, 0.0};
  int histogram_bins = 32;                 // Default: 32
  // Random metric samples. Default: 30000 (60000 took 4 s longer on `full`
  // for the same margins after the deformable stage, 2026-11-29).
  unsigned samples_per_level = 30000;
  unsigned max_iterations = 200;           // per level. Default: 200
  double initial_step_mm = 2.0;            // Default: 2
  double min_step_mm = 0.01;               // convergence. Default: 0.01
  // Step length factor each time the gradient turns back. Default: 0.8; at
  // 0.6 the step collapsed within a dozen iterations on the abdomen
  // phantoms, 1.6-2.5 mm short of the optimum (landmark error 0.05 mm at 0.8).
  double relaxation = 0.8;
  // Intensity window (HU) used by the metric: soft tissue. Default: -250..350.
  double window_low_hu = -250.0, window_high_hu = 350.0;
  // The fixed image is cropped to the region of interest grown by this margin.
  double roi_margin_mm = 60.0;             // Default: 60
  unsigned random_seed = 20261128;         // same inputs + seed + threads = same result
};

// Where to look: LPS boxes in each scan (usually around the lesions, or the
// liver masks when given) and points used to start the search.
struct RigidHints {
  std::optional<WorldBox> fixed_roi;    // post CT; none = whole image
  std::vector<Vec3> start_translations_mm;  // candidate initial translations (post -> pre)
};

struct RigidResult {
  RigidTransform post_to_pre;
  double metric_initial = 0.0;  // Mattes MI (negative; lower is better) at the start, finest level
  double metric_final = 0.0;    // same, after registration
  std::string stop_condition;
  Vec3 chosen_start_mm{};
};

// Throws Error(kRegistrationFailed) when the result is implausible (beyond 30
// degrees or 150 mm, no shared information), or when the pre CT matches the
// post CT clearly better rotated beyond 30 degrees or mirrored left-right
// (registration/rigid_orientation.h).
RigidResult RegisterRigid(const CtImage& fixed_post, const CtImage& moving_pre, const RigidHints& hints,
                          const RigidParams& params, Log& log);

}  // namespace margo
