#include "apps/margin_map.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "core/error.h"
#include "core/parallel_for.h"
#include "margin/surface.h"

namespace margo {
namespace {

// The zone surface a tumour is measured against: the union, or its zone-map labels.
const Surface& ZoneFor(std::uint16_t label, const ReportImages& images,
                       std::map<std::vector<std::uint16_t>, std::unique_ptr<Surface>>& cache) {
  const auto mapped = images.zone_map.find(label);
  const std::vector<std::uint16_t> key =
      mapped == images.zone_map.end() ? std::vector<std::uint16_t>{} : mapped->second;
  if (key.empty() && images.zone_union_surface) return *images.zone_union_surface;  // the kernel's
  std::unique_ptr<Surface>& surface = cache[key];
  if (!surface) {
    surface = Surface::OfMask(key.empty() ? *UnionMask(*images.zones) : *SelectedMask(*images.zones, key));
    if (!surface)
      throw Error(ErrorKind::kInternal, "margin map: an ablation zone the kernel measured has no surface");
  }
  return *surface;
}

// Slack around a tumour's mesh box: the surface's sign comes from its
// smoothed field, which may reach a little beyond the mesh.
constexpr double kBoxSlackMm = 5.0;

WorldBox GrownBox(const std::vector<Vec3>& points, double slack_mm) {
  WorldBox box{{HUGE_VAL, HUGE_VAL, HUGE_VAL}, {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL}};
  for (const Vec3& p : points) {
    for (int a = 0; a < 3; ++a) {
      box.min_mm[a] = std::min(box.min_mm[a], p[a] - slack_mm);
      box.max_mm[a] = std::max(box.max_mm[a], p[a] + slack_mm);
    }
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

// Calls visit(i) for every i in [0, n), in chunks on both cores; `visit`
// must only write its own i's results (surface searches are read-only).
template <typename Visit>
void ForEachInChunks(std::size_t n, Visit visit) {
  constexpr std::size_t kChunk = 1024;
  ParallelFor((n + kChunk - 1) / kChunk, [&](std::size_t c) {
    for (std::size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) visit(i);
  });
}

MarginMesh TumourMesh(std::uint16_t label, const Surface& tumour, const Surface& zone,
                      const PointMap& pre_to_post) {
  MarginMesh mesh;
  mesh.label = label;
  mesh.triangles = tumour.Triangles();
  const std::vector<Vec3> points = tumour.Samples().points_mm;
  mesh.points_mm.resize(points.size());
  mesh.margin_mm.resize(points.size());
  ForEachInChunks(points.size(), [&](std::size_t i) {
    mesh.points_mm[i] = pre_to_post(points[i]);
    mesh.margin_mm[i] = zone.SignedMm(mesh.points_mm[i]);
  });
  return mesh;
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
    const Vec3 &a = points_mm[t[0]], &b = points_mm[t[1]], &c = points_mm[t[2]];
    const Vec3 u{b[0] - a[0], b[1] - a[1], b[2] - a[2]}, w{c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    const Vec3 x{u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
    const double third = std::sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]) / 6.0;
    for (std::size_t k : t) area[k] += third;
  }
  return area;
}

MarginMaps BuildMarginMaps(const Assessment& a) {
  const ReportImages& images = *a.images;
  const PointMap pre_to_post = images.post_to_pre.PreToPost();
  std::map<std::vector<std::uint16_t>, std::unique_ptr<Surface>> zones;
  std::vector<std::shared_ptr<const Surface>> tumour_surfaces;
  MarginMaps maps;
  for (const TumourMargin& t : a.tumours) {
    // The surface the kernel measured (every tumour it found has one).
    const auto kept = images.tumour_surfaces.find(t.label);
    if (!t.assessable || kept == images.tumour_surfaces.end() || !kept->second) continue;
    std::shared_ptr<const Surface> tumour = kept->second;
    maps.tumours.push_back(TumourMesh(t.label, *tumour, ZoneFor(t.label, images, zones), pre_to_post));
    tumour_surfaces.push_back(std::move(tumour));
  }
  const Surface& zone = ZoneFor(0, images, zones);  // label 0 is never in the zone map: the union
  MarginMesh zone_mesh;
  zone_mesh.triangles = zone.Triangles();
  zone_mesh.points_mm = zone.Samples().points_mm;
  const PointMap post_to_pre = images.post_to_pre.PostToPre();
  std::vector<WorldBox> boxes;
  for (const auto& tumour : tumour_surfaces) boxes.push_back(GrownBox(tumour->Samples().points_mm, kBoxSlackMm));
  if (!tumour_surfaces.empty()) {  // else no tumour to measure from: no margin array
    zone_mesh.margin_mm.resize(zone_mesh.points_mm.size());
    ForEachInChunks(zone_mesh.points_mm.size(), [&](std::size_t i) {
      const Vec3 in_pre = post_to_pre(zone_mesh.points_mm[i]);
      // Nearest box first; a tumour whose box is farther than the margin
      // found so far cannot be nearer (its surface lies inside its box).
      std::vector<std::pair<double, std::size_t>> order(boxes.size());
      for (std::size_t t = 0; t < boxes.size(); ++t) order[t] = {DistanceToBox(in_pre, boxes[t]), t};
      std::sort(order.begin(), order.end());
      double margin = std::numeric_limits<double>::infinity();
      for (const auto& [box_mm, t] : order) {
        if (box_mm >= margin) break;
        margin = std::min(margin, -tumour_surfaces[t]->SignedMm(in_pre));
      }
      zone_mesh.margin_mm[i] = margin;
    });
  }
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
