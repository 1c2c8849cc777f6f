#include "core/geometry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace margo {

Vec3 ImageGeometry::IndexToPoint(const Vec3& index) const {
  Vec3 p = origin_mm;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) p[r] += direction[r][c] * spacing_mm[c] * index[c];
  }
  return p;
}

bool WorldBox::Empty() const {
  for (int a = 0; a < 3; ++a) {
    if (!(max_mm[a] > min_mm[a])) return true;
  }
  return false;
}

void SetGeometry(itk::ImageBase<3>& image, const ImageGeometry& g) {
  itk::ImageBase<3>::SpacingType spacing;
  itk::ImageBase<3>::PointType origin;
  itk::ImageBase<3>::DirectionType direction;
  for (int a = 0; a < 3; ++a) {
    spacing[a] = g.spacing_mm[a];
    origin[a] = g.origin_mm[a];
    for (int c = 0; c < 3; ++c) direction[a][c] = g.direction[a][c];
  }
  image.SetSpacing(spacing);
  image.SetOrigin(origin);
  image.SetDirection(direction);
}

ImageGeometry GeometryOf(const itk::ImageBase<3>& image) {
  ImageGeometry g;
  const auto region = image.GetLargestPossibleRegion();
  for (int a = 0; a < 3; ++a) {
    g.size[a] = region.GetSize()[a];
    g.spacing_mm[a] = image.GetSpacing()[a];
    g.origin_mm[a] = image.GetOrigin()[a];
    for (int c = 0; c < 3; ++c) g.direction[a][c] = image.GetDirection()[a][c];
  }
  // A region that does not start at 0 shifts the first voxel.
  const auto start = region.GetIndex();
  if (start[0] != 0 || start[1] != 0 || start[2] != 0) {
    g.origin_mm = g.IndexToPoint({double(start[0]), double(start[1]), double(start[2])});
  }
  return g;
}

namespace {

bool IsIdentity(const std::array<Vec3, 3>& d) {
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      if (std::abs(d[r][c] - (r == c ? 1.0 : 0.0)) > 1e-6) return false;
    }
  }
  return true;
}

}  // namespace

std::string Describe(const ImageGeometry& g) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%zu x %zu x %zu voxels, spacing %.4g x %.4g x %.4g mm, origin (%.2f, %.2f, %.2f) mm LPS",
                g.size[0], g.size[1], g.size[2], g.spacing_mm[0], g.spacing_mm[1], g.spacing_mm[2],
                g.origin_mm[0], g.origin_mm[1], g.origin_mm[2]);
  std::string s = buf;
  if (IsIdentity(g.direction)) return s + ", direction identity";
  std::snprintf(buf, sizeof buf, ", direction [%.3f %.3f %.3f; %.3f %.3f %.3f; %.3f %.3f %.3f]",
                g.direction[0][0], g.direction[0][1], g.direction[0][2], g.direction[1][0], g.direction[1][1],
                g.direction[1][2], g.direction[2][0], g.direction[2][1], g.direction[2][2]);
  return s + buf;
}

WorldBox WorldBounds(const ImageGeometry& g) {
  WorldBox box;
  box.min_mm = {HUGE_VAL, HUGE_VAL, HUGE_VAL};
  box.max_mm = {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
  for (int corner = 0; corner < 8; ++corner) {
    Vec3 index;
    for (int a = 0; a < 3; ++a) {
      index[a] = (corner >> a & 1) ? double(g.size[a]) - 0.5 : -0.5;
    }
    const Vec3 p = g.IndexToPoint(index);
    for (int a = 0; a < 3; ++a) {
      box.min_mm[a] = std::min(box.min_mm[a], p[a]);
      box.max_mm[a] = std::max(box.max_mm[a], p[a]);
    }
  }
  return box;
}

WorldBox Grown(WorldBox box, double mm) {
  for (int a = 0; a < 3; ++a) {
    box.min_mm[a] -= mm;
    box.max_mm[a] += mm;
  }
  return box;
}

double DistanceToBox(const Vec3& p, const WorldBox& box) {
  double d2 = 0.0;
  for (int a = 0; a < 3; ++a) {
    const double out = std::max({box.min_mm[a] - p[a], 0.0, p[a] - box.max_mm[a]});
    d2 += out * out;
  }
  return std::sqrt(d2);
}

WorldBox Intersect(const WorldBox& a, const WorldBox& b) {
  WorldBox box;
  for (int i = 0; i < 3; ++i) {
    box.min_mm[i] = std::max(a.min_mm[i], b.min_mm[i]);
    box.max_mm[i] = std::min(a.max_mm[i], b.max_mm[i]);
  }
  return box;
}

bool SameGrid(const ImageGeometry& a, const ImageGeometry& b, double tolerance) {
  if (a.size != b.size) return false;
  for (int r = 0; r < 3; ++r) {
    if (std::abs(a.spacing_mm[r] - b.spacing_mm[r]) > tolerance) return false;
    if (std::abs(a.origin_mm[r] - b.origin_mm[r]) > tolerance) return false;
    for (int c = 0; c < 3; ++c) {
      if (std::abs(a.direction[r][c] - b.direction[r][c]) > tolerance) return false;
    }
  }
  return true;
}

double DirectionOrthogonalityError(const ImageGeometry& g) {
  double worst = 0.0;
  for (int c1 = 0; c1 < 3; ++c1) {
    for (int c2 = c1; c2 < 3; ++c2) {
      double dot = 0.0;
      for (int r = 0; r < 3; ++r) dot += g.direction[r][c1] * g.direction[r][c2];
      worst = std::max(worst, std::abs(c1 == c2 ? dot - 1.0 : dot));
    }
  }
  return worst;
}

itk::ImageRegion<3> RegionForBox(const itk::ImageBase<3>& image, const WorldBox& box, BoxRounding rounding) {
  constexpr double kToleranceVoxels = 1e-3;
  const itk::ImageRegion<3> whole = image.GetLargestPossibleRegion();
  itk::ContinuousIndex<double, 3> lo, hi;
  for (int a = 0; a < 3; ++a) {
    lo[a] = std::numeric_limits<double>::max();
    hi[a] = std::numeric_limits<double>::lowest();
  }
  for (int corner = 0; corner < 8; ++corner) {
    itk::Point<double, 3> p;
    for (int a = 0; a < 3; ++a) p[a] = (corner >> a & 1) ? box.max_mm[a] : box.min_mm[a];
    itk::ContinuousIndex<double, 3> ci;
    image.TransformPhysicalPointToContinuousIndex(p, ci);
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], ci[a]);
      hi[a] = std::max(hi[a], ci[a]);
    }
  }
  const bool cover = rounding == BoxRounding::kCover;
  itk::ImageRegion<3> region;
  for (int a = 0; a < 3; ++a) {
    const double from = cover ? std::floor(lo[a]) : std::ceil(lo[a] - kToleranceVoxels);
    const double to = cover ? std::ceil(hi[a]) : std::floor(hi[a] + kToleranceVoxels);
    const long first = std::max<long>(whole.GetIndex(a), std::lround(from));
    const long last = std::min<long>(whole.GetIndex(a) + long(whole.GetSize(a)) - 1, std::lround(to));
    region.SetIndex(a, first);
    region.SetSize(a, last >= first ? static_cast<unsigned long>(last - first + 1) : 0);
  }
  return region;
}

}  // namespace margo
