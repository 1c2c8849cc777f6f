#include "apps/mesh_render.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace margo {
namespace {

constexpr Rgb kBackground{28, 30, 36};
constexpr Rgb kZoneColour{190, 200, 215};

Vec3 Unit(const Vec3& a) {
  const double n = std::sqrt(Dot(a, a));
  return n > 0 ? Vec3{a[0] / n, a[1] / n, a[2] / n} : Vec3{0, 0, 0};
}

// Orthographic camera: screen x to the right, y down, depth toward the eye.
struct Camera {
  Vec3 centre{}, right{}, up{}, toward{};
  double scale = 1.0;  // pixels per mm
  double half = 0.0;   // half the picture side, pixels

  Vec3 Project(const Vec3& p) const {
    const Vec3 d = Sub(p, centre);
    return {half + scale * Dot(d, right), half - scale * Dot(d, up), Dot(d, toward)};
  }
};

Camera CameraFor(const MarginMesh& tumour, const MarginViewOptions& o) {
  Camera c;
  c.centre = tumour.Centroid();
  double radius = 0.0;
  for (const Vec3& p : tumour.points_mm)
    radius = std::max(radius, std::sqrt(Dot(Sub(p, c.centre), Sub(p, c.centre))));
  c.toward = Unit(o.toward_viewer);
  // Superior up unless looking along S; then anterior up.
  const Vec3 up = std::abs(c.toward[2]) < 0.9 ? Vec3{0, 0, 1} : Vec3{0, -1, 0};
  c.right = Unit(Cross(up, c.toward));
  c.up = Cross(c.toward, c.right);
  c.half = 0.5 * o.pixels;
  c.scale = c.half / (radius + o.surroundings_mm);
  return c;
}

// One layer of the picture: nearest depth per pixel and what is seen there.
struct Layer {
  std::vector<double> depth;
  std::vector<double> shade, margin;

  explicit Layer(std::size_t n)
      : depth(n, -std::numeric_limits<double>::infinity()), shade(n, 0.0), margin(n, 0.0) {}
};

// Scan-converts the mesh's triangles into `layer`, interpolating margins.
void Rasterise(const MarginMesh& mesh, const Camera& camera, int pixels, Layer& layer) {
  std::vector<Vec3> screen;
  screen.reserve(mesh.points_mm.size());
  for (const Vec3& p : mesh.points_mm) screen.push_back(camera.Project(p));
  const bool has_margin = mesh.margin_mm.size() == mesh.points_mm.size();
  for (const auto& tri : mesh.triangles) {
    const Vec3 &a = screen[tri[0]], &b = screen[tri[1]], &c = screen[tri[2]];
    const double area = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    if (std::abs(area) < 1e-12) continue;
    const Vec3 normal = Unit(Cross(Sub(mesh.points_mm[tri[1]], mesh.points_mm[tri[0]]),
                                   Sub(mesh.points_mm[tri[2]], mesh.points_mm[tri[0]])));
    const double shade = 0.3 + 0.7 * std::abs(Dot(normal, camera.toward));
    const int x0 = std::max(0, int(std::floor(std::min({a[0], b[0], c[0]}))));
    const int x1 = std::min(pixels - 1, int(std::ceil(std::max({a[0], b[0], c[0]}))));
    const int y0 = std::max(0, int(std::floor(std::min({a[1], b[1], c[1]}))));
    const int y1 = std::min(pixels - 1, int(std::ceil(std::max({a[1], b[1], c[1]}))));
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        const double px = x + 0.5, py = y + 0.5;
        const double wa = ((b[0] - px) * (c[1] - py) - (b[1] - py) * (c[0] - px)) / area;
        const double wb = ((c[0] - px) * (a[1] - py) - (c[1] - py) * (a[0] - px)) / area;
        const double wc = 1.0 - wa - wb;
        if (wa < 0 || wb < 0 || wc < 0) continue;
        const double depth = wa * a[2] + wb * b[2] + wc * c[2];
        const std::size_t i = std::size_t(y) * std::size_t(pixels) + std::size_t(x);
        if (depth <= layer.depth[i]) continue;
        layer.depth[i] = depth;
        layer.shade[i] = shade;
        if (has_margin) {
          layer.margin[i] =
              wa * mesh.margin_mm[tri[0]] + wb * mesh.margin_mm[tri[1]] + wc * mesh.margin_mm[tri[2]];
        }
      }
    }
  }
}

Rgb Shaded(Rgb c, double shade) {
  return {std::uint8_t(c.r * shade), std::uint8_t(c.g * shade), std::uint8_t(c.b * shade)};
}

}  // namespace

Picture RenderMarginView(const MarginMesh& tumour, const MarginMesh* zone,
                         const CategoryThresholds& thresholds, const MarginViewOptions& o) {
  const Camera camera = CameraFor(tumour, o);
  const std::size_t n = std::size_t(o.pixels) * std::size_t(o.pixels);
  Layer solid(n), shell(n);
  Rasterise(tumour, camera, o.pixels, solid);
  if (zone != nullptr)
    Rasterise(MarginMesh{0, zone->points_mm, zone->triangles, {}}, camera, o.pixels, shell);
  Picture picture(o.pixels, o.pixels, kBackground);
  for (int y = 0; y < o.pixels; ++y) {
    for (int x = 0; x < o.pixels; ++x) {
      const std::size_t i = std::size_t(y) * std::size_t(o.pixels) + std::size_t(x);
      const bool tumour_seen = std::isfinite(solid.depth[i]);
      if (tumour_seen) picture.Set(x, y, Shaded(MarginColour(solid.margin[i], thresholds), solid.shade[i]));
      // The zone's front surface, in front of the tumour or over the background.
      if (std::isfinite(shell.depth[i]) && (!tumour_seen || shell.depth[i] > solid.depth[i])) {
        picture.Blend(x, y, Shaded(kZoneColour, shell.shade[i]), o.zone_opacity);
      }
    }
  }
  // The minimal-margin point, when it is not hidden behind the tumour.
  const Vec3 m =
      tumour.points_mm.empty() ? Vec3{-1, -1, 0} : camera.Project(tumour.points_mm[tumour.MinIndex()]);
  const int mx = int(std::floor(m[0])), my = int(std::floor(m[1]));
  if (mx >= 0 && my >= 0 && mx < o.pixels && my < o.pixels &&
      m[2] >= solid.depth[std::size_t(my) * std::size_t(o.pixels) + std::size_t(mx)] - 1.0) {
    picture.Ring(m[0], m[1], 8.0, 4.0, {0, 0, 0});
    picture.Ring(m[0], m[1], 8.0, 2.0, {255, 255, 255});
  }
  return picture;
}

}  // namespace margo
