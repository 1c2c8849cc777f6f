// The triangles a point's closest point on a fine, smooth mesh lies on:
// those around its nearest vertex and around that vertex's neighbours.
// Shared by Surface (margin/surface.cpp) and the report's distances to
// tumour meshes carried into the post CT (apps/mesh_distance.h).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

namespace margo {

// Calls visit(t) for each triangle around `vertex` and around its
// neighbours, each once, in the order first met (a triangle of a rare fan
// beyond 64 is visited again).
template <typename Index, typename Visit>
void ForTrianglesNear(Index vertex, const std::vector<std::vector<Index>>& vertex_triangles,
                      const std::vector<std::array<Index, 3>>& triangles, Visit visit) {
  constexpr std::size_t kMaxTried = 64;
  std::array<Index, kMaxTried> tried;
  std::size_t n_tried = 0;
  auto around = [&](Index v) {
    for (Index t : vertex_triangles[std::size_t(v)]) {
      if (std::find(tried.begin(), tried.begin() + long(n_tried), t) != tried.begin() + long(n_tried))
        continue;
      if (n_tried < kMaxTried) tried[n_tried++] = t;
      visit(t);
    }
  };
  around(vertex);
  for (Index t : vertex_triangles[std::size_t(vertex)]) {
    for (Index v : triangles[std::size_t(t)]) {
      if (v != vertex) around(v);
    }
  }
}

}  // namespace margo
