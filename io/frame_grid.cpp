#include "io/frame_grid.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"

namespace margo {
namespace {

constexpr double kOrientationTolerance = 1e-3;
constexpr double kSamePlaneMm = 0.01;  // positions closer than this along the normal: one slice
constexpr double kInPlaneToleranceMm = 0.1;
constexpr double kOffGridFraction = 0.05;  // of the slice spacing

std::string Fmt(const char* format, double a, double b = 0, double c = 0, double d = 0) {
  char buf[240];
  std::snprintf(buf, sizeof buf, format, a, b, c, d);
  return buf;
}

std::string FrameName(std::size_t i) { return "frame " + std::to_string(i + 1); }

void CheckSameSetup(const std::vector<PlanarFrame>& frames, const std::string& where) {
  const PlanarFrame& first = frames.front();
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const PlanarFrame& f = frames[i];
    for (int c = 0; c < 6; ++c) {
      if (std::abs(f.orientation[c] - first.orientation[c]) > kOrientationTolerance) {
        throw Error(ErrorKind::kGeometryInvalid,
                    where + FrameName(i) + " has another Image Orientation (Patient) (0020,0037) than " +
                        FrameName(0) + "; expected one orientation for all frames");
      }
    }
    for (int c = 0; c < 2; ++c) {
      if (!(f.pixel_spacing_mm[c] > 0.0) ||
          std::abs(f.pixel_spacing_mm[c] - first.pixel_spacing_mm[c]) > 1e-4) {
        throw Error(
            ErrorKind::kGeometryInvalid,
            where + FrameName(i) +
                Fmt(": Pixel Spacing (0028,0030) %g\\%g mm; expected %g\\%g mm (", f.pixel_spacing_mm[0],
                    f.pixel_spacing_mm[1], first.pixel_spacing_mm[0], first.pixel_spacing_mm[1]) +
                "positive and equal for all frames)");
      }
    }
  }
}

// The slice spacing: the smallest gap between the frames' planes; the
// Spacing Between Slices tag (else the slice thickness) only for a single
// plane. A tag at a whole fraction of the real gap (1.25 mm copied from the
// slice thickness, frames 2.5 mm apart) would put every frame on the grid
// and an empty slice between each two: a striped structure.
double SliceSpacing(const std::vector<double>& planes, const PlanarFrame& first) {
  if (planes.size() > 1) {
    double gap = HUGE_VAL;
    for (std::size_t i = 1; i < planes.size(); ++i) gap = std::min(gap, planes[i] - planes[i - 1]);
    return gap;
  }
  if (first.spacing_between_slices_mm > 0.0) return first.spacing_between_slices_mm;
  return first.slice_thickness_mm > 0.0 ? first.slice_thickness_mm : 1.0;
}

}  // namespace

FrameGrid GridOfFrames(const std::vector<PlanarFrame>& frames, unsigned rows, unsigned columns,
                       const std::string& role, const std::string& path) {
  const std::string where = role + " " + path + ": ";
  if (frames.empty()) {
    throw Error(ErrorKind::kSegmentationInvalid, where + "holds no frame; expected at least one");
  }
  CheckSameSetup(frames, where);
  const PlanarFrame& first = frames.front();
  const Vec3 row{first.orientation[0], first.orientation[1], first.orientation[2]};
  const Vec3 col{first.orientation[3], first.orientation[4], first.orientation[5]};
  if (std::abs(Dot(row, col)) > kOrientationTolerance ||
      std::abs(Dot(row, row) - 1) > kOrientationTolerance ||
      std::abs(Dot(col, col) - 1) > kOrientationTolerance) {
    throw Error(ErrorKind::kGeometryInvalid,
                where + Fmt("Image Orientation (Patient) (0020,0037) is not orthonormal (row.column = %.4f, "
                            "|row|^2 = %.4f, |column|^2 = %.4f); expected 0, 1, 1",
                            Dot(row, col), Dot(row, row), Dot(col, col)));
  }
  const Vec3 normal = Cross(row, col);

  // Distinct planes along the normal, lowest first.
  std::vector<double> along;
  for (const PlanarFrame& f : frames) along.push_back(Dot(f.position_mm, normal));
  std::vector<double> planes = along;
  std::sort(planes.begin(), planes.end());
  planes.erase(std::unique(planes.begin(), planes.end(),
                           [](double a, double b) { return std::abs(a - b) < kSamePlaneMm; }),
               planes.end());
  const double spacing = SliceSpacing(planes, first);

  // The frame at the lowest plane anchors the grid; every frame must sit on
  // the line through it along the normal, at a whole number of slices.
  std::size_t anchor = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (along[i] < along[anchor]) anchor = i;
  }
  const Vec3 origin = frames[anchor].position_mm;
  FrameGrid out;
  std::size_t slices = 1;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    Vec3 d{};
    for (int a = 0; a < 3; ++a) d[a] = frames[i].position_mm[a] - origin[a];
    const double along_mm = Dot(d, normal);
    const double sideways = std::hypot(Dot(d, row), Dot(d, col));
    if (sideways > kInPlaneToleranceMm) {
      throw Error(ErrorKind::kGeometryInvalid,
                  where + FrameName(i) +
                      Fmt(": Image Position (Patient) (0020,0032) lies %.2f mm sideways of the "
                          "lowest frame's; expected frames stacked along the slice normal "
                          "(at most %.2f mm)",
                          sideways, kInPlaneToleranceMm));
    }
    const double k = along_mm / spacing;
    const double k_round = std::round(k);
    if (std::abs(k - k_round) > kOffGridFraction) {
      throw Error(ErrorKind::kGeometryInvalid,
                  where + FrameName(i) +
                      Fmt(": lies %.3f mm above the lowest frame, %.2f slices of %.3f mm; "
                          "expected a whole number of slices",
                          along_mm, k, spacing));
    }
    out.slice_of_frame.push_back(static_cast<std::size_t>(k_round) + 1);  // after the empty first slice
    slices = std::max(slices, static_cast<std::size_t>(k_round) + 1);
  }
  ImageGeometry& g = out.geometry;
  g.size = {columns, rows, slices + 2};
  // Pixel Spacing is (between rows, between columns): i runs along a row.
  g.spacing_mm = {first.pixel_spacing_mm[1], first.pixel_spacing_mm[0], spacing};
  for (int a = 0; a < 3; ++a) g.origin_mm[a] = origin[a] - spacing * normal[a];
  for (int r = 0; r < 3; ++r) g.direction[r] = {row[r], col[r], normal[r]};
  return out;
}

}  // namespace margo
