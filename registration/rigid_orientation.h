// Is the pre CT the right way round? Gradient descent from a translation
// finds rotations up to about 27 degrees; a pre CT rotated further (45, 60,
// 90 degrees about S, 180 about P), or mirrored left-right (a header's
// orientation wrong), converged a few degrees from its start to a poor match
// that passed every check, its margins off by centimetres (review,
// 2026-11-30). At the coarsest level, before its descent, the chosen start is
// compared with the scan rotated about each axis and mirrored left-right.
#pragma once

#include <vector>

#include "core/log.h"
#include "registration/mattes_cost.h"
#include "registration/rigid_transform.h"

namespace margo {

struct OrientationParams {
  // Samples per metric evaluation: the first of the coarsest level's.
  // Default: 2000.
  unsigned samples = 2000;
  // The candidates scoring best before refinement that are refined. Default: 3.
  unsigned refined = 3;
  // Each refinement: a short regular-step descent. Default: 20 iterations
  // from 4 mm down to 0.5 mm.
  unsigned iterations = 20;
  double initial_step_mm = 4.0;
  double min_step_mm = 0.5;
  // "Clearly better": at least this factor of the other's mutual
  // information, and this much more. Default: 1.25 and 0.05 (correct pairs:
  // the best other orientation at most 0.65 of the right one; wrong ones: the
  // right one 1.9-7 times the given one, see docs/REGISTRATION.md).
  double clear_factor = 1.25;
  double clear_margin = 0.05;
  // Starting from a rotation within the limit instead of the start changes a
  // run that would otherwise pass, and needs more. Default: 1.5 (a pre and
  // post CT of different patients reached 1.30).
  double switch_factor = 1.5;
  // A rotation counts as beyond the limit only past it by this much: the
  // coarse estimate is a few degrees off, and near the limit the levels and
  // CheckPlausible decide, as before. Default: 5.
  double slack_deg = 5.0;
};

// Where the check looks: the coarsest level's samples and moving image, the
// cost's centre, and `pivot` (the centre of the region the hints describe:
// a candidate rotates about it and the mirror reflects through it, so that
// the starting translations, which pair the lesion or liver centres, stay
// about right).
struct OrientationInput {
  const FixedSamples* samples = nullptr;
  const LinearImage* moving = nullptr;
  Vec3 centre{};
  Vec3 pivot{};
  RigidTransform start;            // the chosen start
  std::vector<Vec3> translations;  // every starting translation
  double moving_middle_x = 0.0;    // the middle of the whole pre CT along L (mm)
  int bins = 32;
  double max_rotation_deg = 30.0;
};

// Scores, each after a short refinement alike, the start as given, the scan
// rotated by +-30, +-60, +-90 and 180 degrees about L, P and S and mirrored
// left-right (the candidates best before refinement only; see
// OrientationParams). Returns where the levels start: `in.start`, or a
// rotation within the limit (plus slack) whose metric is clearly better.
// Throws Error(kRegistrationFailed) when the mirror or a rotation beyond the
// limit is clearly better than everything within it.
RigidTransform CheckOrientation(const OrientationInput& in, const OrientationParams& p, Log& log);

// The rotation's axis: the closest patient axis ("L", "P", "S") or "an
// oblique axis".
const char* RotationAxisName(const RigidTransform& t);

}  // namespace margo
