#include "registration/rigid_orientation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "core/error.h"
#include "registration/rigid.h"
#include "registration/rigid_descent.h"

namespace margo {
namespace {

struct Candidate {
  std::string name;  // "as given", "rotated 60 degrees about S", "mirrored left-right"
  bool mirrored = false;
  vnl_vector<double> x;  // the cost's parameters; for the mirror, after the reflection
  double unrefined = 0.0, metric = 0.0;
  double rotation_deg = 0.0;
};

// The metric, infinity where under half the samples overlap the moving scan
// (few samples overrate the mutual information).
double Score(MattesRigidCost& cost, const vnl_vector<double>& x, std::size_t samples) {
  const double v = cost.MetricValue(x);
  return cost.valid_samples() * 2 < samples ? std::numeric_limits<double>::infinity() : v;
}

// The first n samples (a uniform subset: they were drawn at random), or
// their reflection through the plane x = plane_x: the mirror is then a rigid
// map of the reflected points.
FixedSamples FirstSamples(const FixedSamples& all, std::size_t n, bool mirror, double plane_x) {
  FixedSamples s;
  n = std::min(n, all.points_mm.size());
  s.points_mm.assign(all.points_mm.begin(), all.points_mm.begin() + long(n));
  s.intensity.assign(all.intensity.begin(), all.intensity.begin() + long(n));
  s.support.resize(n);
  s.supported.assign(n, 0);
  if (mirror) {
    for (Vec3& q : s.points_mm) q[0] = 2.0 * plane_x - q[0];
  }
  return s;
}

// a clearly better than b (metrics: negated mutual information).
bool ClearlyBetter(double a, double b, double factor, double margin) {
  if (!std::isfinite(a)) return false;
  b = std::min(b, 0.0);
  return a < factor * b && a < b - margin;
}

}  // namespace

const char* RotationAxisName(const RigidTransform& t) {
  const auto m = t.Matrix();
  Vec3 axis{m[2][1] - m[1][2], m[0][2] - m[2][0], m[1][0] - m[0][1]};  // 2 sin(angle) x axis
  double norm = std::sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
  if (norm < 0.2) {  // near 180 degrees: R + I = 2 axis axis^T; its largest column
    int c = 0;
    for (int a = 1; a < 3; ++a) {
      if (m[a][a] > m[c][c]) c = a;
    }
    axis = {m[0][c] + (c == 0 ? 1 : 0), m[1][c] + (c == 1 ? 1 : 0), m[2][c] + (c == 2 ? 1 : 0)};
    norm = std::sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
  }
  static const char* const kNames[3] = {"L", "P", "S"};
  for (int a = 0; a < 3; ++a) {
    if (std::abs(axis[a]) > 0.9 * norm) return kNames[a];
  }
  return "an oblique axis";
}

RigidTransform CheckOrientation(const OrientationInput& in, const OrientationParams& p, Log& log) {
  const FixedSamples plain = FirstSamples(*in.samples, p.samples, false, 0.0);
  const FixedSamples reflected = FirstSamples(*in.samples, p.samples, true, in.pivot[0]);
  MattesRigidCost plain_cost(plain, *in.moving, in.centre, in.bins);
  MattesRigidCost mirror_cost(reflected, *in.moving, in.centre, in.bins);
  const auto cost_of = [&](const Candidate& c) -> MattesRigidCost& {
    return c.mirrored ? mirror_cost : plain_cost;
  };

  // Each candidate from the starting translation it scores best at, rotated
  // about the pivot: R (p - pivot) + pivot + t = R (p - c) + c + t + (R - I)(c - pivot).
  std::vector<Vec3> starts{{0, 0, 0}};
  starts.insert(starts.end(), in.translations.begin(), in.translations.end());
  const Vec3 d{in.centre[0] - in.pivot[0], in.centre[1] - in.pivot[1], in.centre[2] - in.pivot[2]};
  const auto place = [&](Candidate& c, const Vec3& angles) {
    RigidTransform t = in.start;
    t.angles_rad = angles;
    const auto m = t.Matrix();
    c.unrefined = std::numeric_limits<double>::infinity();
    for (const Vec3& s : starts) {
      for (int r = 0; r < 3; ++r) {
        t.translation_mm[r] = s[r] + m[r][0] * d[0] + m[r][1] * d[1] + m[r][2] * d[2] - d[r];
      }
      const vnl_vector<double> x = RigidParameters(t);
      const double v = Score(cost_of(c), x, plain.points_mm.size());
      if (c.x.empty() || v < c.unrefined) {
        c.unrefined = v;
        c.x = x;
      }
    }
  };
  RigidParams descent;
  descent.max_iterations = p.iterations;
  descent.initial_step_mm = p.initial_step_mm;
  descent.min_step_mm = p.min_step_mm;
  const auto refine = [&](Candidate& c) {
    MattesRigidCost& cost = cost_of(c);
    Descend(cost, c.x, descent, "orientation check", NullLog());
    c.metric = Score(cost, c.x, plain.points_mm.size());
    c.rotation_deg = cost.TransformOf(c.x).RotationDeg();
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "rigid orientation check: %s: Mattes MI %.4f before refinement, %.4f after (rotation %.1f "
                  "degrees about %s)",
                  c.name.c_str(), c.unrefined, c.metric, c.rotation_deg,
                  RotationAxisName(cost.TransformOf(c.x)));
    log.Debug(buf);
  };

  Candidate as_given;
  as_given.name = "as given";
  as_given.x = RigidParameters(in.start);
  as_given.unrefined = Score(plain_cost, as_given.x, plain.points_mm.size());
  refine(as_given);

  std::vector<Candidate> others;
  static const char* const kAxes[3] = {"L", "P", "S"};
  for (int a = 0; a < 3; ++a) {
    for (double deg : {30.0, -30.0, 60.0, -60.0, 90.0, -90.0, 180.0}) {
      Candidate c;
      char name[60];
      std::snprintf(name, sizeof name, "rotated %.0f degrees about %s", deg, kAxes[a]);
      c.name = name;
      Vec3 angles{0, 0, 0};
      angles[a] = deg * M_PI / 180.0;
      place(c, angles);
      others.push_back(std::move(c));
    }
  }
  Candidate mirror;
  mirror.name = "mirrored left-right";
  mirror.mirrored = true;
  // Voxels stored flipped (the labels not) mirror the scan through its own
  // middle, x = m: S_m(p + t) = S_pivot(p) + (2 (m - pivot_x) - t_x, t_y, t_z).
  const std::size_t given = starts.size();
  for (std::size_t k = 0; k < given; ++k) {
    starts.push_back({2.0 * (in.moving_middle_x - in.pivot[0]) - starts[k][0], starts[k][1], starts[k][2]});
  }
  place(mirror, {0, 0, 0});
  others.push_back(std::move(mirror));

  // Only the most promising are refined: on every pair measured the right
  // orientation was among the best 3 before refinement (docs/REGISTRATION.md).
  std::stable_sort(others.begin(), others.end(),
                   [](const Candidate& a, const Candidate& b) { return a.unrefined < b.unrefined; });
  others.resize(std::min<std::size_t>(others.size(), p.refined));
  const Candidate* within = &as_given;
  const Candidate* rotated = nullptr;  // the best beyond the limit
  const Candidate* mirrored = nullptr;
  for (Candidate& c : others) {
    if (!std::isfinite(c.unrefined)) continue;
    refine(c);
    if (c.mirrored) {
      mirrored = &c;
    } else if (c.rotation_deg <= in.max_rotation_deg + p.slack_deg) {
      if (c.metric < within->metric) within = &c;
    } else if (rotated == nullptr || c.metric < rotated->metric) {
      rotated = &c;
    }
  }

  char buf[800];
  const auto describe = [&](const Candidate* c) {
    char d[120] = "none among the refined";
    if (c) std::snprintf(d, sizeof d, "%.4f (%s)", c->metric, c->name.c_str());
    return std::string(d);
  };
  std::snprintf(
      buf, sizeof buf,
      "rigid orientation check (coarsest level, %zu samples): Mattes MI as given %.4f; best within %.0f "
      "degrees %.4f (%s); beyond: %s; mirrored: %s",
      plain.points_mm.size(), as_given.metric, in.max_rotation_deg, within->metric, within->name.c_str(),
      describe(rotated).c_str(), describe(mirrored).c_str());
  log.Info(buf);

  const auto clear = [&](const Candidate* c) {
    return c != nullptr && ClearlyBetter(c->metric, within->metric, p.clear_factor, p.clear_margin);
  };
  if (clear(rotated) || clear(mirrored)) {
    std::string rotation;
    if (clear(rotated)) {  // refined on all the level's samples for the angle named
      MattesRigidCost full(*in.samples, *in.moving, in.centre, in.bins);
      vnl_vector<double> x = rotated->x;
      Descend(full, x, RigidParams{}, "orientation check", NullLog());
      const RigidTransform t = full.TransformOf(x);
      char r[80];
      std::snprintf(r, sizeof r, "rotated by about %.0f degrees about %s", t.RotationDeg(),
                    RotationAxisName(t));
      rotation = r;
    }
    const bool mirror_first = !clear(rotated) || (clear(mirrored) && mirrored->metric <= rotated->metric);
    char also[160] = "";
    if (mirror_first) {
      if (clear(rotated)) {
        std::snprintf(also, sizeof also, "; %s it matches better too (%.2f)", rotation.c_str(),
                      rotated->metric);
      }
      std::snprintf(
          buf, sizeof buf,
          "rigid registration: the pre CT matches the post CT better mirrored left-right (Mattes MI %.2f "
          "against %.2f at best unmirrored within %.0f degrees, at the coarsest level)%s: check its "
          "left-right orientation (the direction cosines in its header, or voxels stored flipped)",
          mirrored->metric, within->metric, in.max_rotation_deg, also);
    } else {
      if (clear(mirrored)) {
        std::snprintf(also, sizeof also, "; mirrored left-right it matches better too (%.2f)",
                      mirrored->metric);
      }
      std::snprintf(
          buf, sizeof buf,
          "rigid registration: the pre CT matches the post CT better %s (Mattes MI %.2f against %.2f at "
          "best within %.0f degrees, at the coarsest level), beyond the %.0f degrees margo accepts "
          "between two scans of one patient%s: check the pre CT's orientation (the direction cosines in "
          "its header)",
          rotation.c_str(), rotated->metric, within->metric, in.max_rotation_deg, in.max_rotation_deg, also);
    }
    throw Error(ErrorKind::kRegistrationFailed, buf);
  }
  if (within != &as_given &&
      ClearlyBetter(within->metric, as_given.metric, p.switch_factor, p.clear_margin)) {
    std::snprintf(
        buf, sizeof buf,
        "rigid registration: starting from the scan %s (refined to %.1f degrees; Mattes MI %.4f against "
        "%.4f as given)",
        within->name.c_str(), within->rotation_deg, within->metric, as_given.metric);
    log.Info(buf);
    return plain_cost.TransformOf(within->x);
  }
  return in.start;
}

}  // namespace margo
