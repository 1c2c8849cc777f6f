// A tumour label map and an ablation-zone mask on one grid, for tests of the
// margin kernel: the test paints them, then measures with Inputs().
#pragma once

#include <cmath>

#include "margin/tumour_margin.h"
#include "tests/support/synthetic.h"

namespace margo::testing {

struct MarginCase {
  explicit MarginCase(const Grid& grid)
      : tumours(MakeImage<LabelImage>(grid)), zone(MakeImage<MaskImage>(grid)) {}

  // The kernel's inputs: these tumours against this zone, defaults otherwise.
  MarginInputs Inputs() const {
    MarginInputs in;
    in.tumours = tumours.GetPointer();
    in.ablation = zone.GetPointer();
    return in;
  }

  LabelImage::Pointer tumours;
  MaskImage::Pointer zone;
};

// The i-th of a low-discrepancy (R3) sequence of offsets spread evenly over
// [-0.5, 0.5) mm in x and y and [-2.5, 2.5) mm in z: one voxel of every test
// grid (one 5 mm slice, two 2.5 mm ones), for placing shapes at many
// positions against a grid.
inline Vec3 GridPhase(int i) {
  const double g[3] = {0.7548776662466927, 0.5698402909980532, 0.4142135623730951};
  Vec3 out;
  for (int a = 0; a < 3; ++a) out[a] = (a == 2 ? 5.0 : 1.0) * (std::fmod(0.5 + g[a] * (i + 1), 1.0) - 0.5);
  return out;
}

}  // namespace margo::testing
