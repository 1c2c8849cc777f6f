#include "testdata/generator/abdomen.h"

#include <algorithm>
#include <cmath>

#include "testdata/generator/phantom_math.h"

namespace margo {

using namespace phantom;

namespace {

double Level(const Vec3& p, const Vec3& c, const Vec3& semi) {
  return Sq((p[0] - c[0]) / semi[0]) + Sq((p[1] - c[1]) / semi[1]) + Sq((p[2] - c[2]) / semi[2]);
}
double Level2(double x, double y, double cx, double cy, double ax, double ay) {
  return Sq((x - cx) / ax) + Sq((y - cy) / ay);
}
// Distance from p to the segment a-b.
double SegmentDistance(const Vec3& p, const Vec3& a, const Vec3& b) {
  const Vec3 ab = Sub(b, a);
  const double t = std::clamp(Dot(Sub(p, a), ab) / Dot(ab, ab), 0.0, 1.0);
  return Distance(p, Add(a, Scale(ab, t)));
}

// Body outline, flatter at the back (y > 0 is posterior).
double BodyLevel(double x, double y, double scale) {
  return Level2(x, y, 0.0, 0.0, 122.0 * scale, (y > 0 ? 88.0 : 92.0) * scale);
}

struct Vessel {
  Vec3 a, b;
  double radius_mm;
};
// Portal vein and its branches, hepatic veins towards the IVC.
const Vessel kLiverVessels[] = {
    {{-20, 5, -30}, {-45, -5, -5}, 6.5},  {{-45, -5, -5}, {-80, -15, 10}, 4.5},
    {{-45, -5, -5}, {-55, 25, -25}, 4.0}, {{-45, -5, -5}, {-10, -35, 15}, 4.0},
    {{-18, 30, 40}, {-60, -25, 35}, 4.0}, {{-18, 30, 40}, {-95, 10, 20}, 3.5},
    {{-18, 30, 40}, {-40, 40, 0}, 3.0},   {{-80, -15, 10}, {-95, -35, -10}, 2.5},
};

double LiverHu(const Vec3& p) {
  for (const Vessel& v : kLiverVessels) {
    if (SegmentDistance(p, v.a, v.b) <= v.radius_mm) return 165.0;
  }
  // Gentle parenchymal texture (+/- 4 HU) so the liver is not flat.
  return 105.0 + 4.0 * std::sin(p[0] * 0.21) * std::sin(p[1] * 0.17 + 1.0) * std::sin(p[2] * 0.13 + 2.0);
}

double SpineHu(const Vec3& p) {
  const double x = p[0], y = p[1];
  const bool disc = std::fmod(std::fabs(p[2] + 200.0), 32.0) < 6.0;
  const double body = Level2(x, y, 0.0, 52.0, 17.0, 15.0);
  if (body <= 1.0) return disc ? 90.0 : (body > 0.7 ? 650.0 : 240.0);
  const double canal = Level2(x, y, 0.0, 74.0, 7.0, 7.0);
  if (canal <= 1.0) return 15.0;
  if (!disc && Level2(x, y, 0.0, 76.0, 14.0, 12.0) <= 1.0) return 550.0;        // arch
  if (!disc && std::fabs(y - 82.0) < 4.0 && std::fabs(x) < 9.0) return 550.0;   // spinous process
  if (!disc && std::fabs(y - 62.0) < 3.5 && std::fabs(x) < 32.0) return 500.0;  // transverse processes
  return -10000.0;                                                              // not spine
}

double OrgansHu(const Vec3& p) {
  const double x = p[0], y = p[1];
  if (Level2(x, y, 20.0, 36.0, 11.0, 11.0) <= 1.0)
    return Level2(x, y, 20.0, 36.0, 9.5, 9.5) <= 1.0 ? 175.0 : 60.0;
  if (Level2(x, y, -18.0, 32.0, 12.0, 9.0) <= 1.0) return 140.0;  // IVC
  if (InAbdomenLiver(p)) return LiverHu(p);
  for (double side : {-1.0, 1.0}) {  // kidneys: cortex, medulla, sinus fat
    const double k = Level(p, {side * 62.0, 52.0, side > 0 ? -25.0 : -45.0}, {22.0, 17.0, 45.0});
    if (k <= 1.0) return k > 0.45 ? 165.0 : (k > 0.15 ? 110.0 : -40.0);
  }
  if (Level(p, {78.0, 25.0, 25.0}, {26.0, 40.0, 45.0}) <= 1.0) return 115.0;  // spleen
  const double stomach = Level(p, {45.0, -35.0, 25.0}, {32.0, 22.0, 28.0});
  if (stomach <= 1.0) {
    if (stomach > 0.8) return 45.0;    // wall
    return y < -42.0 ? -950.0 : 15.0;  // air above the fluid level (supine: anterior)
  }
  // Bowel loops: a lattice of small tubes in the lower abdomen.
  if (x > -40.0 && y < 30.0 && p[2] < 0.0 &&
      std::hypot(std::fmod(x + 300.0, 26.0) - 13.0, std::fmod(y + 300.0, 22.0) - 11.0) < 8.0) {
    return std::hypot(std::fmod(x + 300.0, 26.0) - 13.0, std::fmod(y + 300.0, 22.0) - 11.0) < 5.5 ? -20.0
                                                                                                  : 50.0;
  }
  return -95.0;  // intra-abdominal fat
}

}  // namespace

bool InAbdomenLiver(const Vec3& p) {
  return Level(p, {-45.0, -5.0, 0.0}, {60.0, 55.0, 50.0}) <= 1.0 ||  // right lobe
         Level(p, {5.0, -28.0, 18.0}, {38.0, 22.0, 26.0}) <= 1.0;    // left lobe
}

double AbdomenHu(const Vec3& p) {
  const double x = p[0], y = p[1];
  if (BodyLevel(x, y, 1.0) > 1.0) return -1000.0;
  if (BodyLevel(x, y, 0.985) > 1.0) return 40.0;   // skin
  if (BodyLevel(x, y, 0.91) > 1.0) return -105.0;  // subcutaneous fat
  if (BodyLevel(x, y, 0.85) > 1.0) {               // muscle wall with ribs
    const bool rib_level = std::cos(2.0 * M_PI * (p[2] + 7.0) / 28.0) > 0.55;
    const bool rib_ring = BodyLevel(x, y, 0.895) > 1.0 && BodyLevel(x, y, 0.865) <= 1.0;
    if (rib_level && rib_ring && y < 50.0) return BodyLevel(x, y, 0.88) > 1.0 ? 700.0 : 300.0;
    return 50.0;
  }
  const double spine = SpineHu(p);
  if (spine > -1000.0) return spine;
  for (double side : {-1.0, 1.0}) {
    if (Level2(x, y, side * 30.0, 74.0, 18.0, 13.0) <= 1.0) return 55.0;  // paraspinal muscles
  }
  return OrgansHu(p);
}

double CaseHu(const CaseSpec& spec, const Vec3& p, bool post) {
  for (const CaseTumour& t : spec.tumours) {
    if (!post) {
      if (t.tumour.Contains(p)) return 48.0;
      continue;
    }
    const double outside_mm = t.zone.RadialOffsetMm(p);
    if (outside_mm <= 0.0) {
      for (const GasBubble& g : spec.gas) {
        if (Distance(p, g.centre_mm) <= g.radius_mm) return -880.0;
      }
      return outside_mm > -3.0 ? 42.0 : 30.0;  // ablated: hypodense, slightly denser periphery
    }
    if (t.tumour.Contains(p)) return 52.0;                     // tumour left outside its zone
    if (outside_mm <= 2.0 && InAbdomenLiver(p)) return 135.0;  // hyperaemic rim
  }
  return AbdomenHu(p);
}

}  // namespace margo
