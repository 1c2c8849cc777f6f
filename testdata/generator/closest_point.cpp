#include "testdata/generator/closest_point.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "testdata/generator/phantom_math.h"

namespace margo {

using namespace phantom;

double PointTriangleDistanceMm(const Vec3& p, const Vec3& a, const Vec3& b, const Vec3& c) {
  const Vec3 ab = Sub(b, a), ac = Sub(c, a), ap = Sub(p, a);
  const double d1 = Dot(ab, ap), d2 = Dot(ac, ap);
  if (d1 <= 0 && d2 <= 0) return Norm(ap);
  const Vec3 bp = Sub(p, b);
  const double d3 = Dot(ab, bp), d4 = Dot(ac, bp);
  if (d3 >= 0 && d4 <= d3) return Norm(bp);
  const double vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) return Distance(p, Add(a, Scale(ab, d1 / (d1 - d3))));
  const Vec3 cp = Sub(p, c);
  const double d5 = Dot(ab, cp), d6 = Dot(ac, cp);
  if (d6 >= 0 && d5 <= d6) return Norm(cp);
  const double vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) return Distance(p, Add(a, Scale(ac, d2 / (d2 - d6))));
  const double va = d3 * d6 - d5 * d4;
  if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0) {
    return Distance(p, Add(b, Scale(Sub(c, b), (d4 - d3) / ((d4 - d3) + (d5 - d6)))));
  }
  const double denom = 1.0 / (va + vb + vc);
  return Distance(p, Add(a, Add(Scale(ab, vb * denom), Scale(ac, vc * denom))));
}

MeshDistance::MeshDistance(SurfaceMesh mesh, double coarse_spacing_mm, double fine_spacing_mm)
    : mesh_(std::move(mesh)),
      stride_(std::max(1, static_cast<int>(std::lround(coarse_spacing_mm / fine_spacing_mm)))) {
  const int n = static_cast<int>(mesh_.vertices.size());
  coarse_ = {0, n - 1};
  for (int ring = stride_; ring < mesh_.rings; ring += stride_) {
    for (int j = 0; j < mesh_.around; j += stride_) coarse_.push_back(Vertex(ring, j));
  }
  first_triangle_.assign(n + 1, 0);
  for (const auto& t : mesh_.triangles)
    for (int v : t) ++first_triangle_[v + 1];
  for (int v = 0; v < n; ++v) first_triangle_[v + 1] += first_triangle_[v];
  vertex_triangles_.resize(first_triangle_[n]);
  std::vector<int> fill(first_triangle_.begin(), first_triangle_.end() - 1);
  for (int t = 0; t < static_cast<int>(mesh_.triangles.size()); ++t)
    for (int v : mesh_.triangles[t]) vertex_triangles_[fill[v]++] = t;
  for (const Vec3& v : mesh_.vertices) centre_ = Add(centre_, v);
  centre_ = Scale(centre_, 1.0 / n);
  for (const Vec3& v : mesh_.vertices) radius_ = std::max(radius_, Distance(v, centre_));
}

int MeshDistance::Vertex(int ring, int j) const {
  if (ring <= 0) return 0;
  if (ring >= mesh_.rings) return static_cast<int>(mesh_.vertices.size()) - 1;
  return 1 + (ring - 1) * mesh_.around + ((j % mesh_.around) + mesh_.around) % mesh_.around;
}

int MeshDistance::NearestFineVertex(const Vec3& p, int coarse_vertex) const {
  const int n = static_cast<int>(mesh_.vertices.size());
  int ring = 0, j = 0, span = stride_;
  if (coarse_vertex == n - 1) {
    ring = mesh_.rings;
  } else if (coarse_vertex > 0) {
    ring = 1 + (coarse_vertex - 1) / mesh_.around;
    j = (coarse_vertex - 1) % mesh_.around;
  }
  // Near a pole every meridian is close: search the whole cap.
  if (ring <= stride_ || ring >= mesh_.rings - stride_) span = mesh_.around / 2;
  int best = coarse_vertex;
  double best_d2 = HUGE_VAL;
  for (int r = ring - stride_; r <= ring + stride_; ++r) {
    if (r < 0 || r > mesh_.rings) continue;
    for (int dj = -span; dj <= span; ++dj) {
      const int v = Vertex(r, j + dj);
      const double d2 = Dot(Sub(p, mesh_.vertices[v]), Sub(p, mesh_.vertices[v]));
      if (d2 < best_d2) {
        best_d2 = d2;
        best = v;
      }
      if (r == 0 || r == mesh_.rings) break;
    }
  }
  return best;
}

double MeshDistance::DistanceMm(const Vec3& p) const {
  constexpr std::size_t kCandidates = 3;
  std::vector<std::pair<double, int>> best;
  for (int v : coarse_) {
    const double d2 = Dot(Sub(p, mesh_.vertices[v]), Sub(p, mesh_.vertices[v]));
    if (best.size() < kCandidates || d2 < best.back().first) {
      best.insert(std::upper_bound(best.begin(), best.end(), std::make_pair(d2, v)), {d2, v});
      if (best.size() > kCandidates) best.pop_back();
    }
  }
  double d = std::numeric_limits<double>::infinity();
  for (const auto& candidate : best) {
    const int v = NearestFineVertex(p, candidate.second);
    for (int i = first_triangle_[v]; i < first_triangle_[v + 1]; ++i) {
      const auto& t = mesh_.triangles[vertex_triangles_[i]];
      d = std::min(
          d, PointTriangleDistanceMm(p, mesh_.vertices[t[0]], mesh_.vertices[t[1]], mesh_.vertices[t[2]]));
    }
  }
  return d;
}

double MeshDistance::LowerBoundMm(const Vec3& p) const { return Distance(p, centre_) - radius_; }

}  // namespace margo
