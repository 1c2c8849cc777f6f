// A tumour label map and an ablation-zone mask on one grid, for tests of the
// margin kernel: the test paints them, then measures with Inputs().
#pragma once

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

}  // namespace margo::testing
