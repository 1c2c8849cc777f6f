#include "testdata/generator/phantom_case.h"

#include <cmath>
#include <random>

#include "core/error.h"
#include "testdata/generator/abdomen.h"
#include "testdata/generator/phantom_math.h"

namespace margo {

using namespace phantom;

namespace {

ImageGeometry Grid(std::array<std::size_t, 3> size, const Vec3& spacing, const Vec3& origin) {
  ImageGeometry g;
  g.size = size;
  g.spacing_mm = spacing;
  g.origin_mm = origin;
  g.direction = {Vec3{1, 0, 0}, Vec3{0, 1, 0}, Vec3{0, 0, 1}};
  return g;
}

// Six tumours in the right liver lobe spanning the four categories, two of
// them sticking out of their zone. Minimal margins (pre space) are in truth.json.
std::vector<CaseTumour> StandardTumours() {
  using S = StarShape;
  return {
      {2, S::Sphere({-62, -14, 10}, 8.0), S::Sphere({-61, -14, 10}, 21.0), 1},  // 12 mm: A0
      {3, S::Ellipsoid({-20, -30, -18}, {9, 6, 5}, {20, 10, 30}),
       S::Ellipsoid({-20, -30, -18}, {17, 14, 13}, {20, 10, 30}), 2},                                // A1
      {4, S::Lobulated({-75, 15, -22}, 7.0, 0.25, {0, 30, 0}), S::Sphere({-75, 14, -22}, 12.5), 3},  // A2
      {5, S::Sphere({-34, 22, 24}, 6.0), S::Sphere({-34, 16, 24}, 9.0), 4},  // -3 mm: incomplete
      {6, S::Ellipsoid({-75, -25, -22}, {8, 5, 5}, {0, 0, 45}), S::Sphere({-70, -25, -22}, 10.0),
       5},  // incomplete
      {7, S::Lobulated({-30, 5, -5}, 6.5, 0.2, {30, 0, 60}),
       S::Ellipsoid({-30, 5, -5}, {16, 14, 13}, {0, 20, 10}), 6},  // A1
  };
}

RigidTransform Rigid(const Vec3& angles_deg, const Vec3& translation_mm) {
  RigidTransform t;
  t.angles_rad = Scale(angles_deg, kDegToRad);
  t.translation_mm = translation_mm;
  t.centre_mm = {-40.0, 0.0, 0.0};
  return t;
}

BreathingDeformation Breathing(double amplitude_mm) {
  BreathingDeformation b;
  b.amplitude_mm = amplitude_mm;
  b.centre_mm = {-45.0, -5.0, 0.0};
  return b;
}

// Three to four small bubbles in the inner half of every zone, placed by the seed.
std::vector<GasBubble> GasFor(const std::vector<CaseTumour>& tumours, unsigned seed) {
  std::mt19937 rng(seed * 7919u + 17u);
  std::uniform_real_distribution<double> unit(-1.0, 1.0), radius(0.8, 1.8);
  std::vector<GasBubble> gas;
  for (const CaseTumour& t : tumours) {
    const double reach =
        0.45 * std::min({t.zone.semi_axes_mm[0], t.zone.semi_axes_mm[1], t.zone.semi_axes_mm[2]});
    const int count = 3 + static_cast<int>(rng() % 2);
    for (int i = 0; i < count; ++i) {
      gas.push_back(
          {Add(t.zone.centre_mm, {reach * unit(rng), reach * unit(rng), reach * unit(rng)}), radius(rng)});
    }
  }
  return gas;
}

CaseSpec Base(const std::string& name, unsigned seed) {
  CaseSpec s;
  s.preset = name;
  s.seed = seed;
  s.tumours = StandardTumours();
  s.gas = GasFor(s.tumours, seed);
  s.pre_grid = Grid({160, 124, 56}, {1.6, 1.6, 2.0}, {-127.2, -98.4, -55.0});
  s.post_grid = Grid({136, 108, 44}, {1.8, 1.8, 2.5}, {-121.5, -96.3, -52.0});
  s.rigid = Rigid({3.0, -2.0, 6.0}, {8.0, -5.0, 7.0});
  s.breathing = Breathing(7.0);
  return s;
}

}  // namespace

std::vector<std::string> PresetNames() { return {"small", "rigid", "aligned", "anisotropic", "full"}; }

CaseSpec PresetSpec(const std::string& name, unsigned seed) {
  CaseSpec s = Base(name, seed);
  if (name == "small") return s;
  if (name == "rigid") {
    s.breathing = Breathing(0.0);
    return s;
  }
  if (name == "aligned") {
    s.breathing = Breathing(0.0);
    s.rigid = RigidTransform{};
    s.post_grid = s.pre_grid;
    return s;
  }
  if (name == "anisotropic") {
    s.pre_grid = Grid({336, 264, 36}, {0.75, 0.75, 3.0}, {-125.6, -98.6, -52.5});
    s.post_grid = Grid({280, 220, 22}, {0.9, 0.9, 5.0}, {-125.5, -98.5, -52.5});
    s.rigid = Rigid({-4.0, 3.0, -7.0}, {-6.0, 9.0, 4.0});
    s.breathing = Breathing(6.0);
    return s;
  }
  if (name == "full") {
    s.pre_grid = Grid({512, 512, 160}, {0.7, 0.7, 1.25}, {-178.85, -178.85, -99.4});
    s.post_grid = Grid({512, 512, 80}, {0.8, 0.8, 2.5}, {-199.6, -204.4, -96.25});
    s.rigid = Rigid({4.0, -3.0, 8.0}, {15.0, -8.0, 10.0});
    s.breathing = Breathing(8.0);
    s.blur_mm = 0.5;
    return s;
  }
  std::string known;
  for (const std::string& n : PresetNames()) known += (known.empty() ? "" : ", ") + n;
  throw Error(ErrorKind::kUsage, "phantom preset '" + name + "' is unknown; expected one of " + known);
}

void ValidateCase(const CaseSpec& spec) {
  const PhantomMap map = spec.Map();
  auto fail = [](const CaseTumour& t, const std::string& what) {
    throw Error(ErrorKind::kInternal, "phantom tumour " + std::to_string(t.label) + ": " + what);
  };
  auto inside_grid = [](const ImageGeometry& g, const Vec3& p, double margin_mm) {
    const WorldBox b = WorldBounds(g);
    for (int a = 0; a < 3; ++a) {
      if (p[a] < b.min_mm[a] + margin_mm || p[a] > b.max_mm[a] - margin_mm) return false;
    }
    return true;
  };
  for (std::size_t i = 0; i < spec.tumours.size(); ++i) {
    const CaseTumour& t = spec.tumours[i];
    for (std::size_t j = i + 1; j < spec.tumours.size(); ++j) {
      const StarShape& z = spec.tumours[j].zone;
      if (Distance(t.zone.centre_mm, z.centre_mm) <= t.zone.MaxRadiusMm() + z.MaxRadiusMm() + 1.0) {
        fail(t, "its zone may touch the zone of tumour " + std::to_string(spec.tumours[j].label));
      }
    }
    for (const Vec3& v : MeshOf(t.zone, 2.0).vertices) {
      if (!InAbdomenLiver(v)) fail(t, "its zone reaches outside the liver");
      if (!inside_grid(spec.post_grid, map.PreToPost(v), 3.0)) fail(t, "its zone leaves the post CT");
    }
    for (const Vec3& v : MeshOf(t.tumour, 2.0).vertices) {
      if (!inside_grid(spec.pre_grid, v, 3.0)) fail(t, "it leaves the pre CT");
      if (!inside_grid(spec.post_grid, map.PreToPost(v), 3.0)) fail(t, "it leaves the post CT");
    }
  }
}

}  // namespace margo
