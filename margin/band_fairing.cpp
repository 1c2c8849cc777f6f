#include "margin/band_fairing.h"

#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>

#include <algorithm>
#include <cmath>

namespace margo {
namespace {

// The band is where the trilinear mask lies strictly between these.
constexpr double kBandLow = 0.02, kBandHigh = 0.98;
// Vertices whose band along the normal is wider than this many of the
// finest spacing are moved; the others (a voxel's width or less) are held.
constexpr double kWideBandVoxels = 1.5;
// Pull of each moved vertex towards its start, relative to the bending
// term: keeps the system definite where nothing is held nearby.
constexpr double kAnchorWeight = 1e-3;
// Solve, hold the vertices that left their band at its edge, solve again.
constexpr int kRounds = 3;

Vec3 Add(const Vec3& a, const Vec3& b, double s = 1.0) { return {a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]}; }

bool InBand(const MaskBand& band, const Vec3& p) {
  const double b = band.At(p);
  return b > kBandLow && b < kBandHigh;
}

// Distance (mm) the band reaches from p along +/- n, up to `limit` each way.
double BandWidth(const MaskBand& band, const Vec3& p, const Vec3& n, double step, double limit) {
  double width = 0.0;
  for (double sign : {1.0, -1.0}) {
    double t = 0.0;
    while (t < limit && InBand(band, Add(p, n, sign * (t + step)))) t += step;
    width += t;
  }
  return width;
}

// The last point of the segment from `from` (in the band) to `to` still in it.
Vec3 ClampToBand(const MaskBand& band, const Vec3& from, const Vec3& to) {
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 12; ++i) {
    const double mid = 0.5 * (lo + hi);
    (InBand(band, Add(from, Add(to, from, -1.0), mid)) ? lo : hi) = mid;
  }
  return Add(from, Add(to, from, -1.0), lo);
}

// Each vertex's neighbours (sharing an edge), sorted, without repeats.
std::vector<std::vector<int>> Neighbours(const LocalMesh& mesh) {
  std::vector<std::vector<int>> neighbours(mesh.points.size());
  for (const auto& t : mesh.triangles) {
    for (int k = 0; k < 3; ++k) {
      neighbours[std::size_t(t[k])].push_back(t[(k + 1) % 3]);
      neighbours[std::size_t(t[k])].push_back(t[(k + 2) % 3]);
    }
  }
  for (auto& nb : neighbours) {
    std::sort(nb.begin(), nb.end());
    nb.erase(std::unique(nb.begin(), nb.end()), nb.end());
  }
  return neighbours;
}

// Uniform umbrella Laplacian: (L p)_i = mean of i's neighbours - p_i.
Eigen::SparseMatrix<double> UmbrellaLaplacian(const LocalMesh& mesh) {
  const std::size_t n = mesh.points.size();
  const std::vector<std::vector<int>> neighbours = Neighbours(mesh);
  std::vector<Eigen::Triplet<double>> entries;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& nb = neighbours[i];
    entries.emplace_back(int(i), int(i), nb.empty() ? 0.0 : -1.0);
    for (int j : nb) entries.emplace_back(int(i), j, 1.0 / double(nb.size()));
  }
  Eigen::SparseMatrix<double> laplacian(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  laplacian.setFromTriplets(entries.begin(), entries.end());
  return laplacian;
}

// Minimises |L p|^2 over the moved vertices, the held ones fixed.
std::vector<Vec3> SolveBending(const LocalMesh& mesh, const std::vector<int>& moved_index) {
  const Eigen::SparseMatrix<double> laplacian = UmbrellaLaplacian(mesh);
  const Eigen::SparseMatrix<double> bending = laplacian.transpose() * laplacian;
  const long m = long(std::count_if(moved_index.begin(), moved_index.end(), [](int k) { return k >= 0; }));
  std::vector<Eigen::Triplet<double>> entries;
  Eigen::MatrixXd rhs = Eigen::MatrixXd::Zero(m, 3);
  for (long c = 0; c < bending.outerSize(); ++c) {
    for (Eigen::SparseMatrix<double>::InnerIterator it(bending, c); it; ++it) {
      const int r = moved_index[std::size_t(it.row())];
      if (r < 0) continue;
      const int col = moved_index[std::size_t(it.col())];
      if (col >= 0) {
        entries.emplace_back(r, col, it.value());
      } else {
        for (int a = 0; a < 3; ++a) rhs(r, a) -= it.value() * mesh.points[std::size_t(it.col())][a];
      }
    }
  }
  for (std::size_t i = 0; i < moved_index.size(); ++i) {
    const int r = moved_index[i];
    if (r < 0) continue;
    entries.emplace_back(r, r, kAnchorWeight);
    for (int a = 0; a < 3; ++a) rhs(r, a) += kAnchorWeight * mesh.points[i][a];
  }
  Eigen::SparseMatrix<double> system(m, m);
  system.setFromTriplets(entries.begin(), entries.end());
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver(system);
  std::vector<Vec3> out = mesh.points;
  if (solver.info() != Eigen::Success) return out;
  const Eigen::MatrixXd solved = solver.solve(rhs);
  for (std::size_t i = 0; i < moved_index.size(); ++i) {
    const int r = moved_index[i];
    if (r >= 0) out[i] = {solved(r, 0), solved(r, 1), solved(r, 2)};
  }
  return out;
}

// One umbrella step: p += factor * (mean of neighbours - p).
void UmbrellaStep(LocalMesh& mesh, const std::vector<std::vector<int>>& neighbours, double factor) {
  std::vector<Vec3> next = mesh.points;
  for (std::size_t i = 0; i < next.size(); ++i) {
    const auto& nb = neighbours[i];
    if (nb.empty()) continue;
    Vec3 mean{0, 0, 0};
    for (int j : nb) mean = Add(mean, mesh.points[std::size_t(j)], 1.0 / double(nb.size()));
    next[i] = Add(mesh.points[i], Add(mean, mesh.points[i], -1.0), factor);
  }
  mesh.points.swap(next);
}

}  // namespace

void TaubinSmooth(LocalMesh& mesh, int iterations) {
  // Taubin (1995): a shrinking step then a slightly larger inflating one, a
  // low-pass filter that removes the voxel ripple without the shrinkage of
  // plain Laplacian smoothing. Pass band k_PB = 1/lambda + 1/mu = 0.1.
  constexpr double kLambda = 0.5, kMu = -0.5263;
  const std::vector<std::vector<int>> neighbours = Neighbours(mesh);
  for (int i = 0; i < iterations; ++i) {
    UmbrellaStep(mesh, neighbours, kLambda);
    UmbrellaStep(mesh, neighbours, kMu);
  }
}

MaskBand::MaskBand(const float* data, const std::array<long, 3>& size, const Vec3& spacing_mm)
    : data_(data), size_(size), spacing_(spacing_mm) {}

double MaskBand::Voxel(long i, long j, long k) const {
  if (i < 0 || j < 0 || k < 0 || i >= size_[0] || j >= size_[1] || k >= size_[2]) return 0.0;
  return data_[i + size_[0] * (j + size_[1] * k)];
}

double MaskBand::At(const Vec3& local_mm) const {
  double f[3];
  long base[3];
  for (int a = 0; a < 3; ++a) {
    const double u = local_mm[a] / spacing_[a];
    base[a] = long(std::floor(u));
    f[a] = u - double(base[a]);
  }
  double sum = 0.0;
  for (int corner = 0; corner < 8; ++corner) {
    double w = 1.0;
    long idx[3];
    for (int a = 0; a < 3; ++a) {
      const bool up = (corner >> a) & 1;
      w *= up ? f[a] : 1.0 - f[a];
      idx[a] = base[a] + (up ? 1 : 0);
    }
    if (w > 0.0) sum += w * Voxel(idx[0], idx[1], idx[2]);
  }
  return sum;
}

std::vector<Vec3> VertexNormals(const LocalMesh& mesh) {
  std::vector<Vec3> normals(mesh.points.size(), Vec3{0, 0, 0});
  for (const auto& t : mesh.triangles) {
    const Vec3& a = mesh.points[std::size_t(t[0])];
    const Vec3 u = Add(mesh.points[std::size_t(t[1])], a, -1.0), w = Add(mesh.points[std::size_t(t[2])], a, -1.0);
    const Vec3 x{u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
    for (int k = 0; k < 3; ++k) normals[std::size_t(t[k])] = Add(normals[std::size_t(t[k])], x);
  }
  for (Vec3& n : normals) {
    const double len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    if (len > 0.0) n = {n[0] / len, n[1] / len, n[2] / len};
  }
  return normals;
}

FairingStats FairWithinBand(LocalMesh& mesh, const MaskBand& band) {
  FairingStats stats;
  stats.vertices = mesh.points.size();
  const Vec3& h = band.spacing_mm();
  const double finest = std::min({h[0], h[1], h[2]}), coarsest = std::max({h[0], h[1], h[2]});
  const std::vector<Vec3> normals = VertexNormals(mesh);
  std::vector<int> moved_index(mesh.points.size(), -1);
  int moved = 0;
  for (std::size_t i = 0; i < mesh.points.size(); ++i) {
    const Vec3& p = mesh.points[i];
    if (!InBand(band, p)) continue;
    if (BandWidth(band, p, normals[i], 0.1 * finest, coarsest) > kWideBandVoxels * finest) moved_index[i] = moved++;
  }
  if (moved == 0) return stats;
  const std::vector<Vec3> start = mesh.points;
  // Vertices the bending solution pushes out of their band are held at its
  // edge, and the others solved again around them.
  for (int round = 0; round < kRounds; ++round) {
    const std::vector<Vec3> solved = SolveBending(mesh, moved_index);
    int clamped = 0;
    for (std::size_t i = 0; i < mesh.points.size(); ++i) {
      if (moved_index[i] < 0) continue;
      if (InBand(band, solved[i])) {
        mesh.points[i] = solved[i];
        continue;
      }
      mesh.points[i] = ClampToBand(band, start[i], solved[i]);
      moved_index[i] = -1;
      ++clamped;
    }
    if (clamped == 0) break;
    int next = 0;
    for (int& k : moved_index) k = k >= 0 ? next++ : -1;
    if (next == 0) break;
  }
  for (std::size_t i = 0; i < mesh.points.size(); ++i) {
    const Vec3 d = Add(mesh.points[i], start[i], -1.0);
    stats.max_shift_mm = std::max(stats.max_shift_mm, std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]));
  }
  stats.moved = std::size_t(moved);
  return stats;
}

}  // namespace margo
