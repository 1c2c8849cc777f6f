#include "io/frame_grid.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

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

std::string Cosines(const std::array<double, 6>& o) {
  return Fmt("%g\\%g\\%g\\", o[0], o[1], o[2]) + Fmt("%g\\%g\\%g", o[3], o[4], o[5]);
}

std::string FrameName(std::size_t i) { return "frame " + std::to_string(i + 1); }

void CheckSameSetup(const std::vector<PlanarFrame>& frames, const std::string& where) {
  const PlanarFrame& first = frames.front();
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const PlanarFrame& f = frames[i];
    for (int c = 0; c < 6; ++c) {
      if (std::abs(f.orientation[c] - first.orientation[c]) > kOrientationTolerance) {
        throw Error(ErrorKind::kGeometryInvalid,
                    where + FrameName(i) + ": Image Orientation (Patient) (0020,0037) is " +
                        Cosines(f.orientation) + "; expected " + Cosines(first.orientation) + " as in " +
                        FrameName(0) + " (one orientation for all frames)");
      }
    }
    if (f.spacing_between_slices_mm > 0.0 && first.spacing_between_slices_mm > 0.0 &&
        std::abs(f.spacing_between_slices_mm - first.spacing_between_slices_mm) > 1e-4) {
      throw Error(ErrorKind::kGeometryInvalid,
                  where + FrameName(i) +
                      Fmt(": Spacing Between Slices (0018,0088) %g mm; expected %g mm as in ",
                          f.spacing_between_slices_mm, first.spacing_between_slices_mm) +
                      FrameName(0) + " (one slice spacing for all frames)");
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

// The slice spacing, and what it comes from (for messages).
struct Spacing {
  double mm = 0.0;
  std::string source;
};

bool WholeMultiple(double x, double of) { return std::abs(x / of - std::round(x / of)) <= kOffGridFraction; }

// The plane most other planes lie a whole number of slices from: a frame off
// the grid is then named itself, also when it is the lowest.
std::size_t AnchorPlane(const std::vector<double>& planes, double spacing) {
  std::size_t best = 0, best_count = 0;
  for (std::size_t i = 0; i < planes.size(); ++i) {
    std::size_t count = 0;
    for (double p : planes) count += WholeMultiple(p - planes[i], spacing);
    if (count > best_count) best = i, best_count = count;
  }
  return best;
}

// How many planes lie on the grid of `spacing` through the anchor plane.
std::size_t CountOnGrid(const std::vector<double>& planes, double spacing) {
  const double anchor = planes[AnchorPlane(planes, spacing)];
  return std::size_t(std::count_if(planes.begin(), planes.end(),
                                   [&](double p) { return WholeMultiple(p - anchor, spacing); }));
}

bool AllOnGrid(const std::vector<double>& planes, double spacing) {
  return CountOnGrid(planes, spacing) == planes.size();
}

double SmallestGap(const std::vector<double>& planes) {
  double gap = HUGE_VAL;
  for (std::size_t i = 1; i < planes.size(); ++i) gap = std::min(gap, planes[i] - planes[i - 1]);
  return gap;
}

// Spacing Between Slices (0018,0088) when given: every frame is then checked
// against it, and a frame moved by half a slice is refused (the smallest
// gap made a false grid of half the spacing, striping every structure). The
// tag may be a whole fraction of the frames' real spacing (a thin
// reconstruction's value copied, frames 2.5 mm apart with 1.25 mm in the
// tag): every frame would fall on its grid with an empty slice between each
// two, a striped structure too; when no two planes are one tag spacing apart
// and all lie on the grid of their smallest gap, that gap is used.
// Without the tag: the smallest gap between planes. When it does not divide
// the other gaps, one of the two planes it separates is off the others'
// grid: the spacing is that of the others, and the frame is refused by name
// (not the whole stack by a spacing that no two other frames have).
// A single plane has no gap: the tag, else the slice thickness, else 1 mm.
Spacing SliceSpacing(const std::vector<double>& planes, const PlanarFrame& first, double ct_spacing_mm) {
  static const char kTag[] = "Spacing Between Slices (0018,0088)";
  const double tag = first.spacing_between_slices_mm;
  if (planes.size() == 1) {
    if (tag > 0.0) return {tag, kTag};
    if (first.slice_thickness_mm > 0.0) return {first.slice_thickness_mm, "Slice Thickness (0018,0050)"};
    return {1.0, "assumed: one plane, neither Spacing Between Slices nor Slice Thickness"};
  }
  const double smallest = SmallestGap(planes);
  std::string no_tag = std::string("no ") + kTag;
  if (tag > 0.0) {
    const bool coarser = smallest > tag * (1 + kOffGridFraction) && WholeMultiple(smallest, tag);
    if (coarser && AllOnGrid(planes, smallest)) {
      return {smallest, std::string("the smallest gap between frames, a whole multiple of ") + kTag};
    }
    // Most frames on the tag's grid: it is the grid, and a frame off it is
    // refused by name. Fewer: the tag (Type 3) is not what the frames
    // follow, and their positions decide.
    if (2 * CountOnGrid(planes, tag) > planes.size()) return {tag, kTag};
    no_tag = std::string(kTag) + Fmt(" (%g mm) not followed by most frames", tag);
  }
  // Without the tag, the CT's slices, as the tag's grid above: when most
  // frames lie on them, frames closer together than they are (one frame off
  // by half a slice) do not make a grid of their own.
  if (ct_spacing_mm > 0.0 && smallest < ct_spacing_mm * (1 - kOffGridFraction) &&
      2 * CountOnGrid(planes, ct_spacing_mm) > planes.size()) {
    return {ct_spacing_mm, "the slice spacing of the CT, which most frames follow; " + no_tag};
  }
  if (AllOnGrid(planes, smallest)) return {smallest, "the smallest gap between frames; " + no_tag};
  std::size_t close = 1;
  while (planes[close] - planes[close - 1] > smallest) ++close;
  for (const std::size_t odd : {close - 1, close}) {
    std::vector<double> others = planes;
    others.erase(others.begin() + static_cast<std::ptrdiff_t>(odd));
    if (others.size() < 2) continue;
    const double gap = SmallestGap(others);
    if (AllOnGrid(others, gap)) {
      return {gap, "the smallest gap between the other frames; " + no_tag};
    }
  }
  return {smallest, "the smallest gap between frames; " + no_tag};
}

}  // namespace

FrameGrid GridOfFrames(const std::vector<PlanarFrame>& frames, unsigned rows, unsigned columns,
                       const std::string& role, const std::string& path,
                       const std::optional<CtSlicePlanes>& ct) {
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
  const bool ct_parallel =
      ct && ct->spacing_mm > 0.0 && std::abs(std::abs(Dot(ct->normal, normal)) - 1) < 1e-3;
  const Spacing spacing_of = SliceSpacing(planes, first, ct_parallel ? ct->spacing_mm : 0.0);
  const double spacing = spacing_of.mm;

  // Every frame must sit on the line through the anchor plane's first frame
  // along the normal, at a whole number of slices from it.
  const double anchor_along = planes[AnchorPlane(planes, spacing)];
  std::size_t anchor = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (std::abs(along[i] - anchor_along) < std::abs(along[anchor] - anchor_along)) anchor = i;
  }
  const Vec3 origin = frames[anchor].position_mm;
  FrameGrid out;
  std::vector<long> k_of_frame;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    Vec3 d{};
    for (int a = 0; a < 3; ++a) d[a] = frames[i].position_mm[a] - origin[a];
    const double along_mm = Dot(d, normal);
    const double sideways = std::hypot(Dot(d, row), Dot(d, col));
    if (sideways > kInPlaneToleranceMm) {
      throw Error(ErrorKind::kGeometryInvalid,
                  where + FrameName(i) +
                      Fmt(": Image Position (Patient) (0020,0032) lies %.2f mm sideways of ", sideways) +
                      FrameName(anchor) +
                      Fmt("'s; expected frames stacked along the slice normal (at most %.2f mm)",
                          kInPlaneToleranceMm));
    }
    const double k = along_mm / spacing;
    const double k_round = std::round(k);
    if (std::abs(k - k_round) > kOffGridFraction) {
      throw Error(ErrorKind::kGeometryInvalid,
                  where + FrameName(i) +
                      Fmt(": Image Position (Patient) (0020,0032) lies %.3f mm from ", along_mm) +
                      FrameName(anchor) + "'s plane along the normal, " +
                      Fmt("%.2f slices of %.3f mm (", k, spacing) + spacing_of.source +
                      "); expected a whole number of slices, as the other frames");
    }
    k_of_frame.push_back(static_cast<long>(k_round));
  }
  const long k_min = *std::min_element(k_of_frame.begin(), k_of_frame.end());
  std::size_t slices = 1;
  for (const long k : k_of_frame) {
    out.slice_of_frame.push_back(static_cast<std::size_t>(k - k_min) + 1);  // after the empty first slice
    slices = std::max(slices, static_cast<std::size_t>(k - k_min) + 1);
  }
  ImageGeometry& g = out.geometry;
  g.size = {columns, rows, slices + 2};
  // Pixel Spacing is (between rows, between columns): i runs along a row.
  g.spacing_mm = {first.pixel_spacing_mm[1], first.pixel_spacing_mm[0], spacing};
  for (int a = 0; a < 3; ++a) g.origin_mm[a] = origin[a] + double(k_min - 1) * spacing * normal[a];
  for (int r = 0; r < 3; ++r) g.direction[r] = {row[r], col[r], normal[r]};
  return out;
}

}  // namespace margo
