// How well the registration lines up the scans, where masks allow a check:
// the Dice overlap of the post liver and the pre liver carried through the map.
#pragma once

#include <string>
#include <vector>

#include "core/image_types.h"
#include "io/landmarks.h"
#include "registration/scan_map.h"

namespace margo {

// Dice (0..1) of `post_liver` (non-zero voxels) and `pre_liver` sampled, by
// nearest voxel, at each post voxel's centre: as it is (the scans' own
// coordinates, `before`) and carried by `post_to_pre` (`after`), in one pass.
struct LiverDice {
  double before = 0.0, after = 0.0;
};
LiverDice LiverDiceOf(const LabelImage& pre_liver, const LabelImage& post_liver, const ScanMap& post_to_pre);

// Target registration error over landmark pairs: per pair, the distance
// between the pre landmark and the post landmark carried through a map.
struct LandmarkErrors {
  std::vector<std::string> names;
  std::vector<double> before_mm;  // the scans' own coordinates (no map)
  std::vector<double> rigid_mm;   // the rigid map alone (empty without registration)
  std::vector<double> final_mm;   // the map margins were measured through
  double MeanBefore() const;
  double MeanFinal() const;
  double MaxFinal() const;
  double RmsFinal() const;
};

// |post_to_pre(post[i]) - pre[i]| for each pair (io/landmarks.h checks the pairing).
std::vector<double> TargetErrors(const std::vector<Landmark>& pre, const std::vector<Landmark>& post,
                                 const ScanMap& post_to_pre);

}  // namespace margo
