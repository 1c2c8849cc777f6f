#include "apps/mesh_distance.h"

#include <cmath>
#include <limits>

#include "margin/closest_on_triangle.h"
#include "margin/triangles_near.h"

namespace margo {

TriangleMeshDistance::TriangleMeshDistance(const std::vector<Vec3>& points,
                                           const std::vector<std::array<std::size_t, 3>>& triangles)
    : points_(points), triangles_(triangles), tree_(points), triangles_at_(points.size()) {
  for (std::size_t t = 0; t < triangles.size(); ++t) {
    for (std::size_t v : triangles[t]) triangles_at_[v].push_back(t);
  }
}

double TriangleMeshDistance::DistanceMm(const Vec3& p) const {
  const int nearest = tree_.Nearest(p);
  if (nearest < 0) return std::numeric_limits<double>::infinity();
  double best = Distance(p, points_[std::size_t(nearest)]);
  ForTrianglesNear(std::size_t(nearest), triangles_at_, triangles_, [&](std::size_t t) {
    const auto& tri = triangles_[t];
    best = std::min(
        best, Distance(p, ClosestOnTriangle(p, points_[tri[0]], points_[tri[1]], points_[tri[2]]).point));
  });
  return best;
}

}  // namespace margo
