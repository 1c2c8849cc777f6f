#include "testdata/generator/star_shape.h"

#include <algorithm>
#include <cmath>

#include "testdata/generator/phantom_math.h"

namespace margo {

using namespace phantom;

namespace phantom {
Mat3 EulerMatrix(const Vec3& a) {
  const double cx = std::cos(a[0]), sx = std::sin(a[0]);
  const double cy = std::cos(a[1]), sy = std::sin(a[1]);
  const double cz = std::cos(a[2]), sz = std::sin(a[2]);
  const Mat3 rx{{{1, 0, 0}, {0, cx, -sx}, {0, sx, cx}}};
  const Mat3 ry{{{cy, 0, sy}, {0, 1, 0}, {-sy, 0, cy}}};
  const Mat3 rz{{{cz, -sz, 0}, {sz, cz, 0}, {0, 0, 1}}};
  auto mul = [](const Mat3& l, const Mat3& r) {
    Mat3 out{};
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) out[i][j] = l[i][0] * r[0][j] + l[i][1] * r[1][j] + l[i][2] * r[2][j];
    return out;
  };
  return mul(rz, mul(rx, ry));
}
}  // namespace phantom

const char* ShapeKindName(ShapeKind kind) {
  switch (kind) {
    case ShapeKind::kSphere:
      return "sphere";
    case ShapeKind::kEllipsoid:
      return "ellipsoid";
    case ShapeKind::kLobulated:
      return "lobulated";
  }
  return "?";
}

StarShape StarShape::Sphere(const Vec3& centre, double radius_mm) {
  StarShape s;
  s.centre_mm = centre;
  s.semi_axes_mm = {radius_mm, radius_mm, radius_mm};
  return s;
}

StarShape StarShape::Ellipsoid(const Vec3& centre, const Vec3& semi_axes_mm, const Vec3& angles_deg) {
  StarShape s;
  s.kind = ShapeKind::kEllipsoid;
  s.centre_mm = centre;
  s.semi_axes_mm = semi_axes_mm;
  s.angles_rad = Scale(angles_deg, kDegToRad);
  s.rotation = EulerMatrix(s.angles_rad);
  return s;
}

StarShape StarShape::Lobulated(const Vec3& centre, double radius_mm, double amplitude,
                               const Vec3& angles_deg) {
  StarShape s;
  s.kind = ShapeKind::kLobulated;
  s.centre_mm = centre;
  s.semi_axes_mm = {radius_mm, radius_mm, radius_mm};
  s.angles_rad = Scale(angles_deg, kDegToRad);
  s.rotation = EulerMatrix(s.angles_rad);
  s.lobe_amplitude = amplitude;
  return s;
}

double StarShape::RadiusMm(const Vec3& u) const {
  switch (kind) {
    case ShapeKind::kSphere:
      return semi_axes_mm[0];
    case ShapeKind::kEllipsoid:
      return 1.0 /
             std::sqrt(Sq(u[0] / semi_axes_mm[0]) + Sq(u[1] / semi_axes_mm[1]) + Sq(u[2] / semi_axes_mm[2]));
    case ShapeKind::kLobulated: {
      // A degree-3 harmonic in the equator plus a Legendre P3 along the axis: |f| <= 1.
      const double f = 0.6 * (u[0] * u[0] * u[0] - 3.0 * u[0] * u[1] * u[1]) +
                       0.4 * 0.5 * (5.0 * u[2] * u[2] * u[2] - 3.0 * u[2]);
      return semi_axes_mm[0] * (1.0 + lobe_amplitude * f);
    }
  }
  return 0.0;
}

double StarShape::MaxRadiusMm() const {
  if (kind == ShapeKind::kLobulated) return semi_axes_mm[0] * (1.0 + std::abs(lobe_amplitude));
  return *std::max_element(semi_axes_mm.begin(), semi_axes_mm.end());
}

bool StarShape::Contains(const Vec3& p) const {
  const Vec3 d = Sub(p, centre_mm);
  const double r_max = MaxRadiusMm();
  if (Dot(d, d) > r_max * r_max) return false;
  return RadialOffsetMm(p) <= 0.0;
}

double StarShape::RadialOffsetMm(const Vec3& p) const {
  const Vec3 d = Sub(p, centre_mm);
  const double n = Norm(d);
  if (kind == ShapeKind::kSphere) return n - semi_axes_mm[0];
  if (n == 0.0) return -RadiusMm({0.0, 0.0, 1.0});
  return n - RadiusMm(Scale(MulTransposed(rotation, d), 1.0 / n));
}

Vec3 StarShape::SurfacePoint(double theta, double phi) const {
  const Vec3 u{std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi), std::cos(theta)};
  const Vec3 body = Scale(u, RadiusMm(u));
  return Add(centre_mm, Mul(rotation, body));
}

SurfaceMesh MeshOf(const StarShape& shape, double spacing_mm) {
  const double r = shape.MaxRadiusMm();
  const int rings = std::max(8, static_cast<int>(std::ceil(M_PI * r / spacing_mm)));
  const int around = std::max(16, static_cast<int>(std::ceil(2.0 * M_PI * r / spacing_mm)));
  SurfaceMesh m;
  m.rings = rings;
  m.around = around;
  m.vertices.push_back(shape.SurfacePoint(0.0, 0.0));  // north pole: 0
  for (int i = 1; i < rings; ++i) {
    for (int j = 0; j < around; ++j) {
      m.vertices.push_back(shape.SurfacePoint(M_PI * i / rings, 2.0 * M_PI * j / around));
    }
  }
  const int south = static_cast<int>(m.vertices.size());
  m.vertices.push_back(shape.SurfacePoint(M_PI, 0.0));
  auto at = [around](int ring, int j) { return 1 + (ring - 1) * around + (j % around); };
  for (int j = 0; j < around; ++j) {
    m.triangles.push_back({0, at(1, j), at(1, j + 1)});
    for (int i = 1; i + 1 < rings; ++i) {
      m.triangles.push_back({at(i, j), at(i + 1, j), at(i + 1, j + 1)});
      m.triangles.push_back({at(i, j), at(i + 1, j + 1), at(i, j + 1)});
    }
    m.triangles.push_back({at(rings - 1, j), south, at(rings - 1, j + 1)});
  }
  return m;
}

std::vector<double> VertexAreasMm2(const SurfaceMesh& mesh) {
  std::vector<double> area(mesh.vertices.size(), 0.0);
  for (const auto& t : mesh.triangles) {
    const Vec3& a = mesh.vertices[t[0]];
    const double third = Norm(Cross(Sub(mesh.vertices[t[1]], a), Sub(mesh.vertices[t[2]], a))) / 6.0;
    for (int v : t) area[v] += third;
  }
  return area;
}

double EnclosedVolumeMm3(const SurfaceMesh& mesh) {
  double six_v = 0.0;
  for (const auto& t : mesh.triangles) {
    six_v += Dot(mesh.vertices[t[0]], Cross(mesh.vertices[t[1]], mesh.vertices[t[2]]));
  }
  return std::abs(six_v) / 6.0;
}

}  // namespace margo
