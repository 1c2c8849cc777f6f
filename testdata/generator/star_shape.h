// Closed shapes for phantom tumours and ablation zones: spheres, rotated
// ellipsoids and lobulated blobs. All are star-shaped about their centre:
// the surface in body direction u (unit vector) lies at RadiusMm(u), so one
// inside test and one surface parametrisation serve every kind.
//   p = centre + R * (RadiusMm(u) * u),  u = (sin t cos f, sin t sin f, cos t)
// R is built from `angles_rad` as itk::Euler3DTransform does (RigidTransform).
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "testdata/generator/phantom_math.h"

namespace margo {

enum class ShapeKind { kSphere, kEllipsoid, kLobulated };

const char* ShapeKindName(ShapeKind kind);

struct StarShape {
  ShapeKind kind = ShapeKind::kSphere;
  Vec3 centre_mm{};             // pre world, LPS
  Vec3 semi_axes_mm{};          // sphere: radius in [0]; ellipsoid: a, b, c; lobulated: base radius in [0]
  Vec3 angles_rad{};            // orientation (ellipsoid, lobulated)
  double lobe_amplitude = 0.0;  // lobulated: r = r0 (1 + amplitude * f(u)), |f| <= 1
  phantom::Mat3 rotation{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};  // from angles_rad, set by the factories

  static StarShape Sphere(const Vec3& centre, double radius_mm);
  static StarShape Ellipsoid(const Vec3& centre, const Vec3& semi_axes_mm, const Vec3& angles_deg);
  static StarShape Lobulated(const Vec3& centre, double radius_mm, double amplitude, const Vec3& angles_deg);

  double RadiusMm(const Vec3& unit_body) const;  // surface distance along a body-frame direction
  double MaxRadiusMm() const;                    // bound on RadiusMm over all directions
  bool Contains(const Vec3& p) const;            // p in the pre world
  // |p - centre| - RadiusMm(direction of p): <= 0 inside; a radial, not a Euclidean, distance.
  double RadialOffsetMm(const Vec3& p) const;
  Vec3 SurfacePoint(double theta, double phi) const;
};

// A closed latitude-longitude triangle mesh; vertices lie exactly on the
// analytic surface. Vertex 0 is the pole theta = 0, then rings 1 .. rings-1
// of `around` vertices each (vertex 1 + (ring - 1) * around + j at phi =
// 2 pi j / around), then the pole theta = pi.
struct SurfaceMesh {
  std::vector<Vec3> vertices;
  std::vector<std::array<int, 3>> triangles;
  int rings = 0, around = 0;
};

// Latitude-longitude mesh of `shape` with vertices about `spacing_mm` apart
// (rings of constant theta, the two poles closed by triangle fans).
SurfaceMesh MeshOf(const StarShape& shape, double spacing_mm);

// Area each vertex stands for: a third of the area of its triangles (mm^2).
std::vector<double> VertexAreasMm2(const SurfaceMesh& mesh);

// Volume enclosed by a closed, consistently oriented mesh (divergence theorem), mm^3.
double EnclosedVolumeMm3(const SurfaceMesh& mesh);

}  // namespace margo
