#include "tests/support/ellipsoid_truth.h"

#include <algorithm>
#include <cmath>

namespace margo::testing {
namespace {

// World = Rz Ry Rx local, as in testing::Ellipsoid.
Vec3 Rotate(const Vec3& v, const Vec3& angles_deg) {
  Vec3 out = v;
  for (int axis = 0; axis < 3; ++axis) {
    const double a = angles_deg[axis] * M_PI / 180.0, c = std::cos(a), s = std::sin(a);
    const int i = (axis + 1) % 3, j = (axis + 2) % 3;
    const double ui = out[i], uj = out[j];
    out[i] = c * ui - s * uj;
    out[j] = s * ui + c * uj;
  }
  return out;
}

}  // namespace

double Truth::MarginWithCoverage(double share) const {
  const auto it = std::lower_bound(share_at_or_above.rbegin(), share_at_or_above.rend(), share);
  if (it == share_at_or_above.rend()) return sorted_margins_mm.front();
  return sorted_margins_mm[std::size_t(share_at_or_above.rend() - it - 1)];
}

// The area element |dp/dtheta x dp/dphi| is rotation invariant.
Truth SampledTruthInSphereZone(const Shape& tumour, const Shape& zone, const std::vector<double>& distances) {
  const double R = zone.semi_axes_mm[0];
  const auto [a, b, c] = tumour.semi_axes_mm;
  constexpr int kTheta = 720, kPhi = 1440;
  std::vector<std::pair<double, double>> samples;  // (margin, area)
  double min_margin = 1e9;
  for (int i = 0; i < kTheta; ++i) {
    const double t = (i + 0.5) * M_PI / kTheta, st = std::sin(t), ct = std::cos(t);
    for (int j = 0; j < kPhi; ++j) {
      const double f = (j + 0.5) * 2 * M_PI / kPhi, sf = std::sin(f), cf = std::cos(f);
      const Vec3 dt{a * ct * cf, b * ct * sf, -c * st}, df{-a * st * sf, b * st * cf, 0.0};
      const Vec3 n{dt[1] * df[2] - dt[2] * df[1], dt[2] * df[0] - dt[0] * df[2],
                   dt[0] * df[1] - dt[1] * df[0]};
      const Vec3 local{a * st * cf, b * st * sf, c * ct};
      const Vec3 w = Rotate(local, tumour.angles_deg);
      const Vec3 d{tumour.centre_mm[0] + w[0] - zone.centre_mm[0],
                   tumour.centre_mm[1] + w[1] - zone.centre_mm[1],
                   tumour.centre_mm[2] + w[2] - zone.centre_mm[2]};
      const double margin = R - std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
      min_margin = std::min(min_margin, margin);
      samples.push_back({margin, std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2])});
    }
  }
  Truth truth;
  truth.min_margin_mm = min_margin;
  double total = 0.0;
  for (const auto& s : samples) total += s.second;
  std::sort(samples.begin(), samples.end());
  double above = total;
  for (const auto& s : samples) {
    truth.sorted_margins_mm.push_back(s.first);
    truth.share_at_or_above.push_back(above / total);
    above -= s.second;
  }
  for (double d : distances) {
    double covered = 0.0;
    for (const auto& s : samples) covered += s.first >= d ? s.second : 0.0;
    truth.coverage.push_back({d, covered / total});
  }
  return truth;
}

}  // namespace margo::testing
