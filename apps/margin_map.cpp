#include "apps/margin_map.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "apps/mesh_distance.h"
#include "core/error.h"
#include "core/parallel_for.h"
#include "margin/surface.h"
#include "margin/tumour_margin.h"

namespace margo {
namespace {

// The surface of the union of all zones: the kernel's, or built here when
// it found no tumour to build it for.
const Surface& ZoneUnion(const ReportImages& images, std::unique_ptr<Surface>& built) {
  if (images.zone_union_surface) return *images.zone_union_surface;
  if (!built) built = Surface::OfMask(*UnionMask(*images.zones));
  if (!built)
    throw Error(ErrorKind::kInternal, "margin map: the ablation zones the kernel measured have no surface");
  return *built;
}

// The axis-aligned box of `points`.
WorldBox BoxOf(const std::vector<Vec3>& points) {
  WorldBox box{{HUGE_VAL, HUGE_VAL, HUGE_VAL}, {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL}};
  for (const Vec3& p : points) {
    for (int a = 0; a < 3; ++a) {
      box.min_mm[a] = std::min(box.min_mm[a], p[a]);
      box.max_mm[a] = std::max(box.max_mm[a], p[a]);
    }
  }
  return box;
}

// Surface searches are read-only: vertices are visited in chunks on every core.
constexpr std::size_t kChunk = 1024;

// The tumour's mesh with the margins the kernel measured at its vertices:
// the values it summarised.
MarginMesh TumourMesh(std::uint16_t label, const Surface& tumour, const ReportImages& images) {
  const auto measured = images.vertex_margins.find(label);
  if (measured == images.vertex_margins.end()) {
    throw Error(ErrorKind::kInternal,
                "margin map: tumour " + std::to_string(label) + " has no measured vertices");
  }
  MarginMesh mesh;
  mesh.label = label;
  mesh.triangles = tumour.Triangles();
  mesh.points_mm = measured->second.points_mm;
  mesh.margin_mm = measured->second.margin_mm;
  return mesh;
}

// Each zone vertex's distance to the nearest tumour surface, measured in the
// post CT as the kernel's margins are: against the tumours' meshes carried
// there vertex by vertex. Measured in the pre CT through a B-spline, as until
// 2026-11-29, it differed by the map's stretch: where a tumour was thinnest
// the zone read up to 0.25 mm off its margin on the small phantom. Negative
// inside a tumour, which the tumour's own smoothed field says (the map keeps
// sides).
void MeasureZoneVertices(const std::vector<MarginMesh>& tumours,
                         const std::vector<std::shared_ptr<const Surface>>& pre_surfaces,
                         const ReportImages& images, MarginMesh& zone) {
  const PointMap post_to_pre = images.post_to_pre.PostToPre();
  std::vector<WorldBox> boxes;
  std::vector<TriangleMeshDistance> meshes;
  meshes.reserve(tumours.size());
  for (const MarginMesh& t : tumours) {
    boxes.push_back(BoxOf(t.points_mm));
    meshes.emplace_back(t.points_mm, t.triangles);
  }
  zone.margin_mm.resize(zone.points_mm.size());
  ParallelChunks(zone.points_mm.size(), kChunk, [&](std::size_t i) {
    const Vec3& p = zone.points_mm[i];
    // Nearest box first; a tumour whose box is farther than the distance
    // found so far cannot be nearer (its mesh lies inside its box).
    std::vector<std::pair<double, std::size_t>> order(boxes.size());
    for (std::size_t t = 0; t < boxes.size(); ++t) order[t] = {DistanceToBox(p, boxes[t]), t};
    std::sort(order.begin(), order.end());
    double distance = std::numeric_limits<double>::infinity(), nearest_box_mm = 0.0;
    std::size_t nearest = 0;
    for (const auto& [box_mm, t] : order) {
      if (box_mm >= distance) break;
      const double d = meshes[t].DistanceMm(p);
      if (d < distance) distance = d, nearest = t, nearest_box_mm = box_mm;
    }
    // Outside the tumour's box it is outside the tumour: no lookup needed.
    const bool inside = nearest_box_mm == 0.0 && pre_surfaces[nearest]->Inside(post_to_pre(p));
    zone.margin_mm[i] = inside ? -distance : distance;
  });
}

}  // namespace

std::size_t MarginMesh::MinIndex() const {
  return std::size_t(std::min_element(margin_mm.begin(), margin_mm.end()) - margin_mm.begin());
}

Vec3 MarginMesh::Centroid() const {
  Vec3 c{};
  for (const Vec3& p : points_mm) {
    for (int a = 0; a < 3; ++a) c[a] += p[a] / double(points_mm.size());
  }
  return c;
}

std::vector<double> MarginMesh::VertexAreasMm2() const {
  std::vector<double> area(points_mm.size(), 0.0);
  for (const auto& t : triangles) {
    const double third = TriangleArea(points_mm[t[0]], points_mm[t[1]], points_mm[t[2]]) / 3.0;
    for (std::size_t k : t) area[k] += third;
  }
  return area;
}

MarginMaps BuildMarginMaps(const Assessment& a) {
  const ReportImages& images = *a.images;
  std::unique_ptr<Surface> built_zone;
  std::vector<std::shared_ptr<const Surface>> tumour_surfaces;
  MarginMaps maps;
  for (const TumourMargin& t : a.tumours) {
    // The surface the kernel measured (every tumour it found has one).
    const auto kept = images.tumour_surfaces.find(t.label);
    if (!t.assessable || kept == images.tumour_surfaces.end() || !kept->second) continue;
    std::shared_ptr<const Surface> tumour = kept->second;
    maps.tumours.push_back(TumourMesh(t.label, *tumour, images));
    tumour_surfaces.push_back(std::move(tumour));
  }
  const Surface& zone = ZoneUnion(images, built_zone);
  MarginMesh zone_mesh;
  zone_mesh.triangles = zone.Triangles();
  zone_mesh.points_mm = zone.Samples().points_mm;
  if (!maps.tumours.empty()) MeasureZoneVertices(maps.tumours, tumour_surfaces, images, zone_mesh);
  maps.zone = std::move(zone_mesh);
  return maps;
}

void MoveToPreSpace(MarginMaps& maps, const ScanMap& post_to_pre) {
  const PointMap map = post_to_pre.PostToPre();
  auto move = [&map](MarginMesh& mesh) {
    for (Vec3& p : mesh.points_mm) p = map(p);
  };
  for (MarginMesh& mesh : maps.tumours) move(mesh);
  if (maps.zone) move(*maps.zone);
}

}  // namespace margo
