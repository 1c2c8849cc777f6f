// Margins on the meshes themselves, for pictures and exported surfaces: each
// assessable tumour's surface with the signed margin at every vertex (the
// values the kernel summarises), and the ablation zone's surface with, at each
// vertex, the signed distance to the nearest tumour surface.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "apps/assess.h"
#include "core/geometry.h"

namespace margo {

struct MarginMesh {
  std::uint16_t label = 0;      // tumour label; 0 for the ablation zone
  std::vector<Vec3> points_mm;  // LPS, post-CT (zone) world
  std::vector<std::array<std::size_t, 3>> triangles;
  // Tumour: the signed margin (docs/MARGINS.md), positive inside the zone.
  // Zone: distance to the nearest tumour surface, negative inside a tumour.
  std::vector<double> margin_mm;

  std::size_t MinIndex() const;  // vertex with the smallest margin; REQUIRES: not empty
  Vec3 Centroid() const;         // mean of the vertices; REQUIRES: not empty
  // The area each vertex stands for: a third of its triangles' (as the kernel weighs margins).
  std::vector<double> VertexAreasMm2() const;
};

struct MarginMaps {
  std::vector<MarginMesh> tumours;  // assessable tumours, in report order
  std::optional<MarginMesh> zone;   // union of the zone labels
};

// REQUIRES: a.images set.
MarginMaps BuildMarginMaps(const Assessment& a);

// The same meshes with points carried into the pre CT's world (`--space pre`).
void MoveToPreSpace(MarginMaps& maps, const ScanMap& post_to_pre);

}  // namespace margo
