#include "registration/mattes_cost.h"

#include <itkMultiThreaderBase.h>

#include <algorithm>
#include <cmath>

namespace margo {
namespace {

// Cubic B-spline Parzen window and its derivative.
double Cubic(double x) {
  const double a = std::abs(x);
  if (a < 1.0) return (4.0 - 6.0 * a * a + 3.0 * a * a * a) / 6.0;
  if (a < 2.0) return (2.0 - a) * (2.0 - a) * (2.0 - a) / 6.0;
  return 0.0;
}

double CubicDerivative(double x) {
  const double a = std::abs(x);
  if (a < 1.0) return -2.0 * x + 1.5 * x * a;
  if (a < 2.0) return (x > 0 ? -0.5 : 0.5) * (2.0 - a) * (2.0 - a);
  return 0.0;
}

// Moving intensities (0..1) span bins 2 .. bins-2: the window's support
// stays inside the histogram, as in ITK's Mattes.
constexpr int kPadding = 2;

}  // namespace

// The cell holding p: its eight corner values (x fastest) and p's fractional
// position in it. False outside the image.
bool LinearImage::Cell(const Vec3& p, double corner[8], double f[3]) const {
  double ci[3];
  long i0[3];
  ContinuousIndex(p, ci);
  for (int a = 0; a < 3; ++a) {
    if (!(ci[a] >= 0.0 && ci[a] <= double(size[a] - 1))) return false;
    i0[a] = std::min(long(ci[a]), size[a] - 2 < 0 ? 0 : size[a] - 2);
    f[a] = ci[a] - double(i0[a]);
  }
  const long sy = size[0], sz = size[0] * size[1];
  const float* c = data + i0[2] * sz + i0[1] * sy + i0[0];
  const long dx = size[0] > 1 ? 1 : 0, dy = size[1] > 1 ? sy : 0, dz = size[2] > 1 ? sz : 0;
  for (int k = 0; k < 8; ++k) corner[k] = c[(k & 1 ? dx : 0) + (k & 2 ? dy : 0) + (k & 4 ? dz : 0)];
  return true;
}

namespace {

// Trilinear interpolation inside a cell (corners x fastest, f the position),
// keeping the partial lerps the gradient reuses.
struct CellLerp {
  double x00, x10, x01, x11;  // along x, at (y, z) = (0,0), (1,0), (0,1), (1,1)
  double y0, y1;              // then along y, at z = 0 and 1
  double value;               // then along z
};

CellLerp Lerp(const double c[8], const double f[3]) {
  CellLerp l;
  l.x00 = c[0] + f[0] * (c[1] - c[0]), l.x10 = c[2] + f[0] * (c[3] - c[2]);
  l.x01 = c[4] + f[0] * (c[5] - c[4]), l.x11 = c[6] + f[0] * (c[7] - c[6]);
  l.y0 = l.x00 + f[1] * (l.x10 - l.x00), l.y1 = l.x01 + f[1] * (l.x11 - l.x01);
  l.value = l.y0 + f[2] * (l.y1 - l.y0);
  return l;
}

}  // namespace

bool LinearImage::Value(const Vec3& p, double& value) const {
  double c[8], f[3];
  if (!Cell(p, c, f)) return false;
  value = Lerp(c, f).value;
  return true;
}

bool LinearImage::ValueAndGradient(const Vec3& p, double& value, Vec3& gradient) const {
  double c[8], f[3];
  if (!Cell(p, c, f)) return false;
  const CellLerp l = Lerp(c, f);
  value = l.value;
  // Derivatives along the index axes, then carried into LPS mm.
  const double d0 = (c[1] - c[0]) + f[1] * ((c[3] - c[2]) - (c[1] - c[0]));
  const double d1 = (c[5] - c[4]) + f[1] * ((c[7] - c[6]) - (c[5] - c[4]));
  const double di[3] = {d0 + f[2] * (d1 - d0), (l.x10 - l.x00) + f[2] * ((l.x11 - l.x01) - (l.x10 - l.x00)),
                        l.y1 - l.y0};
  for (int j = 0; j < 3; ++j) {
    gradient[j] = di[0] * point_to_index[0][j] + di[1] * point_to_index[1][j] + di[2] * point_to_index[2][j];
  }
  return true;
}

MattesCost::MattesCost(const FixedSamples& samples, const LinearImage& moving, int bins, int parameters)
    : vnl_cost_function(parameters),
      samples_(samples),
      moving_(moving),
      bins_(bins),
      moving_bin_(1.0 / double(bins - 2 * kPadding)),
      u_(samples.points_mm.size(), -1.0),
      gradient_(samples.points_mm.size()),
      histogram_(kChunks, std::vector<double>(std::size_t(bins * bins))),
      count_(kChunks),
      derivative_(kChunks),
      log_ratio_(std::size_t(bins * bins)) {
  fixed_bin_.reserve(samples.intensity.size());
  for (double v : samples.intensity) fixed_bin_.push_back(std::clamp(int(v * bins), 0, bins - 1));
}

void MattesCost::FirstPass(std::size_t chunk, const double* x) {
  std::vector<double>& h = histogram_[chunk];
  std::fill(h.begin(), h.end(), 0.0);
  std::size_t count = 0;
  const std::size_t n = samples_.points_mm.size();
  const std::size_t end = n * (chunk + 1) / kChunks;
  for (std::size_t i = n * chunk / kChunks; i < end; ++i) {
    double m = 0.0;
    if (!moving_.ValueAndGradient(MapPoint(i, x), m, gradient_[i])) {
      u_[i] = -1.0;
      continue;
    }
    const double u = std::clamp(m, 0.0, 1.0) / moving_bin_ + kPadding;
    u_[i] = std::min(u, double(bins_ - kPadding) - 1e-9);
    const int first = int(std::floor(u_[i])) - 1;
    double* row = h.data() + std::size_t(fixed_bin_[i] * bins_);
    for (int k = first; k < first + 4; ++k) row[k] += Cubic(double(k) - u_[i]);
    ++count;
  }
  count_[chunk] = count;
}

void MattesCost::SecondPass(std::size_t chunk) {
  std::vector<double>& d = derivative_[chunk];
  d.assign(std::size_t(get_number_of_unknowns()), 0.0);
  const std::size_t n = samples_.points_mm.size();
  const std::size_t end = n * (chunk + 1) / kChunks;
  const double scale = 1.0 / (double(valid_) * moving_bin_);
  for (std::size_t i = n * chunk / kChunks; i < end; ++i) {
    if (u_[i] < 0.0) continue;
    const int first = int(std::floor(u_[i])) - 1;
    const double* row = log_ratio_.data() + std::size_t(fixed_bin_[i] * bins_);
    double weight = 0.0;
    for (int k = first; k < first + 4; ++k) weight += row[k] * CubicDerivative(double(k) - u_[i]);
    if (weight == 0.0) continue;
    const double w = weight * scale;
    AddDerivative(i, {w * gradient_[i][0], w * gradient_[i][1], w * gradient_[i][2]}, d.data());
  }
}

void MattesCost::compute(const vnl_vector<double>& x, double* f, vnl_vector<double>* g) {
  Prepare(x);
  auto threader = itk::MultiThreaderBase::New();
  threader->ParallelizeArray(0, kChunks, [&](itk::SizeValueType c) { FirstPass(std::size_t(c), x.data_block()); },
                             nullptr);
  std::vector<double> joint(std::size_t(bins_ * bins_), 0.0);
  valid_ = 0;
  for (std::size_t c = 0; c < kChunks; ++c) {  // chunk order: the same sums at any thread count
    for (std::size_t k = 0; k < joint.size(); ++k) joint[k] += histogram_[c][k];
    valid_ += count_[c];
  }
  ++evaluations_;
  if (valid_ == 0) {
    if (f) *f = 0.0;
    if (g) g->fill(0.0);
    if (on_evaluation) on_evaluation(evaluations_, 0.0);
    return;
  }
  const std::size_t b = std::size_t(bins_);
  std::vector<double> fixed_marginal(b, 0.0), moving_marginal(b, 0.0);
  for (std::size_t i = 0; i < b; ++i) {
    for (std::size_t k = 0; k < b; ++k) {
      joint[i * b + k] /= double(valid_);
      fixed_marginal[i] += joint[i * b + k];
      moving_marginal[k] += joint[i * b + k];
    }
  }
  double mi = 0.0;
  for (std::size_t i = 0; i < b; ++i) {
    for (std::size_t k = 0; k < b; ++k) {
      const double p = joint[i * b + k];
      if (p > 1e-16 && moving_marginal[k] > 1e-16 && fixed_marginal[i] > 1e-16) {
        mi += p * std::log(p / (fixed_marginal[i] * moving_marginal[k]));
        log_ratio_[i * b + k] = std::log(p / moving_marginal[k]);
      } else {
        log_ratio_[i * b + k] = 0.0;
      }
    }
  }
  if (g) {
    threader->ParallelizeArray(0, kChunks,
                               [&](itk::SizeValueType c) { SecondPass(std::size_t(c)); }, nullptr);
    g->fill(0.0);
    for (std::size_t c = 0; c < kChunks; ++c) {
      for (std::size_t k = 0; k < g->size(); ++k) (*g)[unsigned(k)] += derivative_[c][k];
    }
  }
  const double value = -mi + Penalty(x, g);
  if (f) *f = value;
  if (on_evaluation) on_evaluation(evaluations_, value);
}

double MattesBSplineCost::Penalty(const vnl_vector<double>& x, vnl_vector<double>* g) const {
  if (membrane_weight_ <= 0.0) return 0.0;
  const std::size_t count = grid_.Count();
  const long nx = grid_.size[0], ny = grid_.size[1], nz = grid_.size[2];
  double energy = 0.0;
  for (long k = 0; k < nz; ++k) {
    for (long j = 0; j < ny; ++j) {
      for (long i = 0; i < nx; ++i) {
        const std::size_t at = std::size_t((k * ny + j) * nx + i);
        const long neighbour[3] = {i + 1 < nx ? 1 : 0, j + 1 < ny ? nx : 0, k + 1 < nz ? nx * ny : 0};
        for (long step : neighbour) {
          if (step == 0) continue;
          for (std::size_t c = 0; c < 3; ++c) {
            const unsigned a = unsigned(c * count + at), b = unsigned(c * count + at + std::size_t(step));
            const double d = x[a] - x[b];
            energy += membrane_weight_ * d * d;
            if (g) {
              (*g)[a] += 2.0 * membrane_weight_ * d;
              (*g)[b] -= 2.0 * membrane_weight_ * d;
            }
          }
        }
      }
    }
  }
  return energy;
}

double MattesCost::Value(const vnl_vector<double>& x) {
  double f = 0.0;
  compute(x, &f, nullptr);
  return f;
}

double MattesCost::MetricValue(const vnl_vector<double>& x) { return Value(x) - Penalty(x, nullptr); }

MattesBSplineCost::MattesBSplineCost(const FixedSamples& samples, const LinearImage& moving, const BSplineGrid& grid,
                                     const RigidAffine& rigid, int bins)
    : MattesCost(samples, moving, bins, int(3 * grid.Count())), grid_(grid), rigid_(rigid) {}

Vec3 MattesBSplineCost::MapPoint(std::size_t i, const double* x) const {
  Vec3 y = samples().points_mm[i];
  if (samples().supported[i]) {
    const Vec3 b = grid_.Displacement(samples().support[i], x);
    for (int a = 0; a < 3; ++a) y[a] += b[a];
  }
  return rigid_.Apply(y);
}

void MattesBSplineCost::AddDerivative(std::size_t i, const Vec3& v, double* d) const {
  if (!samples().supported[i]) return;
  Vec3 r;  // R^T v: the derivative with respect to the displacement
  for (int c = 0; c < 3; ++c) r[c] = rigid_.m[0][c] * v[0] + rigid_.m[1][c] * v[1] + rigid_.m[2][c] * v[2];
  const BSplineSupport& s = samples().support[i];
  const std::size_t count = grid_.Count();
  for (int kz = 0; kz < 4; ++kz) {
    for (int ky = 0; ky < 4; ++ky) {
      const double wyz = s.w[2][std::size_t(kz)] * s.w[1][std::size_t(ky)];
      const std::size_t row_first = s.first + grid_.Step(0, ky, kz);
      for (int kx = 0; kx < 4; ++kx) {
        const double w = wyz * s.w[0][std::size_t(kx)];
        for (std::size_t c = 0; c < 3; ++c) d[c * count + row_first + std::size_t(kx)] += w * r[std::size_t(c)];
      }
    }
  }
}

MattesRigidCost::MattesRigidCost(const FixedSamples& samples, const LinearImage& moving, const Vec3& centre,
                                 int bins)
    : MattesCost(samples, moving, bins, 6), centre_(centre) {}

RigidTransform MattesRigidCost::TransformOf(const vnl_vector<double>& x) const {
  RigidTransform t;
  t.centre_mm = centre_;
  t.angles_rad = {x[0], x[1], x[2]};
  t.translation_mm = {x[3], x[4], x[5]};
  return t;
}

void MattesRigidCost::Prepare(const vnl_vector<double>& x) {
  const RigidTransform t = TransformOf(x);
  const auto m = t.Matrix();
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) map_.m[r][c] = m[std::size_t(r)][std::size_t(c)];
    // p_pre = R (p - centre) + centre + translation
    map_.offset[r] = centre_[r] + t.translation_mm[r];
    for (int c = 0; c < 3; ++c) map_.offset[r] -= map_.m[r][c] * centre_[c];
  }
  constexpr double h = 1e-6;  // central differences of R: exact to about 1e-10
  for (int k = 0; k < 3; ++k) {
    RigidTransform lo = t, hi = t;
    lo.angles_rad[k] -= h;
    hi.angles_rad[k] += h;
    const auto ml = lo.Matrix(), mh = hi.Matrix();
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) dm_[k][r][c] = (mh[r][c] - ml[r][c]) / (2 * h);
    }
  }
}

Vec3 MattesRigidCost::MapPoint(std::size_t i, const double* x) const {
  (void)x;  // Prepare has turned x into map_
  return map_.Apply(samples().points_mm[i]);
}

void MattesRigidCost::AddDerivative(std::size_t i, const Vec3& v, double* d) const {
  const Vec3& p = samples().points_mm[i];
  const Vec3 q{p[0] - centre_[0], p[1] - centre_[1], p[2] - centre_[2]};
  for (int k = 0; k < 3; ++k) {
    for (int r = 0; r < 3; ++r) d[k] += v[r] * (dm_[k][r][0] * q[0] + dm_[k][r][1] * q[1] + dm_[k][r][2] * q[2]);
  }
  for (int a = 0; a < 3; ++a) d[3 + a] += v[a];
}

std::array<double, 6> MattesRigidCost::Scales(const vnl_vector<double>& x) {
  Prepare(x);
  std::array<double, 6> s{0, 0, 0, 1, 1, 1};
  const auto& points = samples().points_mm;
  for (const Vec3& p : points) {
    const Vec3 q{p[0] - centre_[0], p[1] - centre_[1], p[2] - centre_[2]};
    for (int k = 0; k < 3; ++k) {
      for (int r = 0; r < 3; ++r) {
        const double shift = dm_[k][r][0] * q[0] + dm_[k][r][1] * q[1] + dm_[k][r][2] * q[2];
        s[std::size_t(k)] += shift * shift / double(points.size());
      }
    }
  }
  for (int k = 0; k < 3; ++k) s[std::size_t(k)] = std::max(s[std::size_t(k)], 1e-6);
  return s;
}

}  // namespace margo
