// Exact distance from a point to a dense latitude-longitude surface mesh
// (star_shape.h), for the phantom's truth; written here, independent of
// margo's margin/ code. Search: the nearest vertex of a coarse subgrid
// (every `stride`-th ring and meridian, about 1.5 mm apart) by brute force;
// around each of the three best, the nearest fine vertex within one coarse
// cell; then the exact point-triangle distance over the triangles around the
// best fine vertices. Brute force on the coarse grid avoids the poor pruning
// a k-d tree has for points deep inside a closed surface.
#pragma once

#include <vector>

#include "testdata/generator/star_shape.h"

namespace margo {

class MeshDistance {
 public:
  MeshDistance(SurfaceMesh mesh, double coarse_spacing_mm, double fine_spacing_mm);
  double DistanceMm(const Vec3& p) const;
  // Lower bound on DistanceMm(p), cheap: distance to the bounding sphere.
  double LowerBoundMm(const Vec3& p) const;

 private:
  int Vertex(int ring, int j) const;  // ring 0 and `rings` are the poles
  int NearestFineVertex(const Vec3& p, int coarse_vertex) const;

  SurfaceMesh mesh_;
  int stride_ = 1;
  std::vector<int> coarse_;            // vertex ids of the coarse subgrid
  std::vector<int> first_triangle_;    // CSR: triangles around vertex v are
  std::vector<int> vertex_triangles_;  //   vertex_triangles_[first_triangle_[v] .. first_triangle_[v + 1])
  Vec3 centre_{};
  double radius_ = 0.0;
};

// Distance from p to the triangle (a, b, c) (Ericson, Real-Time Collision Detection 5.1.5).
double PointTriangleDistanceMm(const Vec3& p, const Vec3& a, const Vec3& b, const Vec3& c);

}  // namespace margo
