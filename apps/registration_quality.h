// How well the registration lines up the scans, where masks allow a check:
// the Dice overlap of the post liver and the pre liver carried through the map.
#pragma once

#include "core/image_types.h"
#include "registration/scan_map.h"

namespace margo {

// Dice (0..1) of `post_liver` (non-zero voxels) and `pre_liver` sampled, by
// nearest voxel, at each post voxel's centre carried by `post_to_pre`.
double LiverDice(const LabelImage& pre_liver, const LabelImage& post_liver,
                 const ScanMap& post_to_pre);

}  // namespace margo
