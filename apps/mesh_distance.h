// Distance from a point to a triangle mesh given by its vertices and
// triangles (a tumour's surface carried into the post CT, vertex by vertex):
// the nearest vertex by k-d tree, then the triangles around it and around
// its neighbours, as Surface finds its own closest points (margin/surface.h).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "core/vec3.h"
#include "margin/point_tree.h"

namespace margo {

class TriangleMeshDistance {
 public:
  // REQUIRES: every triangle's indices < points.size(); both outlive this.
  TriangleMeshDistance(const std::vector<Vec3>& points,
                       const std::vector<std::array<std::size_t, 3>>& triangles);
  // Unsigned distance (mm) from `p` to the mesh; infinity for an empty mesh.
  double DistanceMm(const Vec3& p) const;

 private:
  const std::vector<Vec3>& points_;
  const std::vector<std::array<std::size_t, 3>>& triangles_;
  PointTree tree_;
  std::vector<std::vector<std::size_t>> triangles_at_;  // per vertex, the triangles holding it
};

}  // namespace margo
