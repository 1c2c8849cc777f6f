#include "testdata/generator/phantom_anatomy.h"

#include <cmath>

namespace margo {
namespace {

double Sq(double v) { return v * v; }

double EllipsoidLevel(const Vec3& p, const Vec3& c, const Vec3& semi) {
  return Sq((p[0] - c[0]) / semi[0]) + Sq((p[1] - c[1]) / semi[1]) + Sq((p[2] - c[2]) / semi[2]);
}

// Cylinder along S through (x, y) with radius r.
bool InRod(const Vec3& p, double x, double y, double r) { return Sq(p[0] - x) + Sq(p[1] - y) <= r * r; }

bool InBody(const Vec3& p) { return Sq(p[0] / 120.0) + Sq(p[1] / 90.0) <= 1.0; }
bool InMuscleWall(const Vec3& p) { return Sq(p[0] / 104.0) + Sq(p[1] / 76.0) <= 1.0; }

// Hepatic vessels: tilted rods, so the liver has internal structure in 3D.
bool InHepaticVessel(const Vec3& p) {
  return InRod({p[0] - 0.3 * p[2], p[1], p[2]}, -48.0, -30.0, 3.5) ||
         InRod({p[0], p[1] + 0.4 * p[2], p[2]}, -85.0, 5.0, 3.0) ||
         InRod({p[0] + 0.2 * p[2], p[1] - 0.2 * p[2], p[2]}, -15.0, 5.0, 4.0);
}

double AnatomyHu(const Vec3& p) {
  if (!InBody(p)) return -1000.0;
  if (InRod(p, 0.0, 62.0, 14.0)) return InRod(p, 0.0, 62.0, 10.0) ? 250.0 : 700.0;  // spine
  if (InRod(p, 22.0, 40.0, 10.0)) return 160.0;                                    // aorta
  if (InLiver(p)) return InHepaticVessel(p) ? 170.0 : 105.0;
  if (EllipsoidLevel(p, {55.0, 0.0, 0.0}, {30.0, 25.0, 60.0}) <= 1.0) return 45.0;  // spleen/bowel
  if (!InMuscleWall(p)) return Sq(p[0] / 112.0) + Sq(p[1] / 83.0) <= 1.0 ? 45.0 : -100.0;  // wall, fat
  return -60.0;  // intra-abdominal fat
}

}  // namespace

bool InLiver(const Vec3& p) { return EllipsoidLevel(p, {-45.0, -5.0, 0.0}, {62.0, 55.0, 48.0}) <= 1.0; }

std::uint16_t TumourAt(const PhantomSpec& spec, const Vec3& p) {
  for (const PhantomTumour& t : spec.tumours) {
    if (Distance(p, t.centre_mm) <= t.radius_mm) return t.label;
  }
  return 0;
}

bool InAblationZone(const PhantomSpec& spec, const Vec3& p) {
  for (const PhantomTumour& t : spec.tumours) {
    if (Distance(p, t.zone_centre_mm) <= t.zone_radius_mm) return true;
  }
  return false;
}

double PhantomHu(const PhantomSpec& spec, const Vec3& p, PhantomScan scan) {
  if (scan == PhantomScan::kPre) return TumourAt(spec, p) != 0 ? 45.0 : AnatomyHu(p);
  for (const PhantomTumour& t : spec.tumours) {
    const double d = Distance(p, t.zone_centre_mm);
    if (d <= t.zone_radius_mm) return d > t.zone_radius_mm - 2.0 ? 135.0 : 25.0;  // rim, core
  }
  return AnatomyHu(p);
}

}  // namespace margo
