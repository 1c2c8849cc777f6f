// The one colour scale for margins, shared by the HTML report, the 3D view,
// the histogram and the exported surfaces (so Slicer and ParaView show what
// the report shows): red < 0, yellow 0 to the A1 threshold (5 mm), green
// A1 to A0 (5-10 mm), blue above A0 (> 10 mm).
#pragma once

#include <cstdint>
#include <string>

#include "margin/category.h"

namespace margo {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

inline constexpr Rgb kMarginRed{220, 38, 38}, kMarginYellow{234, 200, 30}, kMarginGreen{34, 160, 70},
    kMarginBlue{37, 99, 235};

inline Rgb MarginColour(double margin_mm, const CategoryThresholds& t) {
  if (margin_mm < 0.0) return kMarginRed;
  if (margin_mm < t.a1_from_mm) return kMarginYellow;
  if (margin_mm <= t.a0_above_mm) return kMarginGreen;
  return kMarginBlue;
}

// The colour of a category: the colour of margins in its range.
inline Rgb CategoryColour(MarginCategory c) {
  switch (c) {
    case MarginCategory::kA0:
      return kMarginBlue;
    case MarginCategory::kA1:
      return kMarginGreen;
    case MarginCategory::kA2:
      return kMarginYellow;
    case MarginCategory::kIncomplete:
      break;
  }
  return kMarginRed;
}

// "#rrggbb" for HTML and SVG.
std::string CssColour(Rgb c);

}  // namespace margo
