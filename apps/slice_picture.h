// Slices of the post CT for the HTML report, sampled on world (LPS) planes
// so that any image direction is shown the radiological way: axial with the
// patient's left on the right and anterior up, coronal with the patient's
// left on the right and superior up. Contours are drawn where a mask's
// boundary crosses the plane.
#pragma once

#include <cstdint>

#include "apps/picture.h"
#include "apps/report_images.h"
#include "core/geometry.h"

namespace margo {

enum class SlicePlane { kAxial, kCoronal };

struct SliceView {
  SlicePlane plane = SlicePlane::kAxial;
  Vec3 centre_mm{};       // LPS point of the post CT's world at the picture's centre
  double field_mm = 100;  // side of the square shown
  int pixels = 400;       // side of the picture
};

inline constexpr Rgb kTumourContour{255, 0, 255};  // magenta
inline constexpr Rgb kZoneContour{0, 220, 255};    // cyan
inline constexpr Rgb kMinPointMarker{255, 255, 255};

// The post CT (soft-tissue window; black without a CT) with the contour of
// tumour `label` carried into the post CT's world, the ablation zone's
// contour, and a ring at `marker_mm` when it lies near the plane.
Picture TumourSlice(const ReportImages& images, std::uint16_t label, const SliceView& view,
                    const Vec3& marker_mm);

// Checkerboard of the post CT and the registered pre CT (squares of
// `square_mm`), to judge the registration by eye at the squares' edges.
// REQUIRES: images.pre_ct and images.post_ct.
Picture RegistrationCheckerboard(const ReportImages& images, const SliceView& view, double square_mm);

}  // namespace margo
