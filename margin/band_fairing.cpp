#include "margin/band_fairing.h"

#include <Eigen/Sparse>

#include "core/parallel_for.h"
#include "margin/curvature_continuation.h"
#include "margin/mesh_operators.h"

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
// Rounds of curvature continuation after the bending solve: the analytic
// shapes stop improving at two. Rounds on a piece with no measured
// curvature do not settle (the slab of tests/unit/margin/distance_test.cpp,
// closed by the image border on every side, moved 0.034, under 0.02, 0.086
// and 0.19 mm after one to four rounds), so such a piece keeps the bending
// solution.
constexpr int kCurvatureRounds = 2;
// Conjugate-gradient steps for the bending solution where it only seeds the
// curvature continuation (whose system is factorised and solved exactly).
// On the analytic shapes (tests/unit/margin/analytic_shapes_test.cpp) 20
// and 50 steps gave the same figures as the exact solve to 0.05 mm, and the
// kernel bench on 0.7 x 0.7 x 5 mm slices went from 1.04 to 0.83 s: the
// factorisation was a fifth of it. Each step reaches two rings further
// (the bending operator's span), 80 rings in all, about 90 mm of cap at
// the fairing's 1.1 mm; on 1 x 1 x 5 mm, a 12 mm tumour 8 and 13 mm from
// the pole of a zone of radius 45 and 60 mm measured 7.92 and 12.99 mm
// (exact seed: 8.09 and 13.26).
constexpr int kSeedIterations = 40;

bool InBand(const MaskBand& band, const Vec3& p) {
  const double b = band.At(p);
  return b > kBandLow && b < kBandHigh;
}

// Distance (mm) the band reaches from p along +/- n, up to `limit` each way.
double BandWidth(const MaskBand& band, const Vec3& p, const Vec3& n, double step, double limit) {
  double width = 0.0;
  for (double sign : {1.0, -1.0}) {
    double t = 0.0;
    while (t < limit && InBand(band, Add(p, Scale(n, sign * (t + step))))) t += step;
    width += t;
  }
  return width;
}

// The last point of the segment from `from` (in the band) to `to` still in it.
Vec3 ClampToBand(const MaskBand& band, const Vec3& from, const Vec3& to) {
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 12; ++i) {
    const double mid = 0.5 * (lo + hi);
    (InBand(band, Add(from, Scale(Sub(to, from), mid))) ? lo : hi) = mid;
  }
  return Add(from, Scale(Sub(to, from), lo));
}

// The bending energy sum_i |(L p)_i|^2 (L the umbrella Laplacian) as
// p' (L'L) p, over the vertices that are moved or that the image shows.
// Where the mask is closed at the image border the sharp closing edge is
// not the shape's: its terms pulled the flat face of a slab closed there on
// every side 0.079 mm off (tests/unit/margin/distance_test.cpp, 1.25 mm
// between vertices across 2.5 mm slices); without them 0.005 mm.
Eigen::SparseMatrix<double> Bending(const LocalMesh& mesh, const std::vector<std::vector<int>>& neighbours,
                                    const std::vector<int>& moved_index, const LocalBox& seen) {
  Eigen::VectorXd row = Eigen::VectorXd::Zero(Eigen::Index(mesh.points.size()));
  for (std::size_t i = 0; i < mesh.points.size(); ++i) {
    if (moved_index[i] >= 0 || seen.Contains(mesh.points[i])) row[Eigen::Index(i)] = 1.0;
  }
  const Eigen::SparseMatrix<double> laplacian = UmbrellaLaplacian(neighbours);
  return WeightedGram(laplacian, row);
}

// One umbrella step: p += factor * (mean of neighbours - p).
void UmbrellaStep(LocalMesh& mesh, const std::vector<std::vector<int>>& neighbours, double factor) {
  std::vector<Vec3> next = mesh.points;
  for (std::size_t i = 0; i < next.size(); ++i) {
    const auto& nb = neighbours[i];
    if (nb.empty()) continue;
    Vec3 mean{0, 0, 0};
    for (int j : nb) mean = Add(mean, Scale(mesh.points[std::size_t(j)], 1.0 / double(nb.size())));
    next[i] = Add(mesh.points[i], Scale(Sub(mean, mesh.points[i]), factor));
  }
  mesh.points.swap(next);
}

}  // namespace

void TaubinSmooth(LocalMesh& mesh, const std::vector<std::vector<int>>& neighbours, int iterations) {
  // Taubin (1995): a shrinking step then a slightly larger inflating one, a
  // low-pass filter that removes the voxel ripple without the shrinkage of
  // plain Laplacian smoothing. Pass band k_PB = 1/lambda + 1/mu = 0.1.
  constexpr double kLambda = 0.5, kMu = -0.5263;
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
    const Vec3 x = Cross(Sub(mesh.points[std::size_t(t[1])], a), Sub(mesh.points[std::size_t(t[2])], a));
    for (int k = 0; k < 3; ++k) normals[std::size_t(t[k])] = Add(normals[std::size_t(t[k])], x);
  }
  for (Vec3& n : normals) {
    const double len = Norm(n);
    if (len > 0.0) n = {n[0] / len, n[1] / len, n[2] / len};
  }
  return normals;
}

namespace {

// One connected piece of a mesh, its neighbour lists, and where its
// vertices are in the whole.
struct Piece {
  LocalMesh mesh;
  std::vector<std::vector<int>> neighbours;
  std::vector<int> whole_index;
};

// The mesh's connected pieces (vertices joined by triangles).
std::vector<Piece> Pieces(const LocalMesh& mesh, const std::vector<std::vector<int>>& neighbours) {
  std::vector<int> piece_of(mesh.points.size(), -1), local(mesh.points.size(), -1);
  std::vector<Piece> pieces;
  for (std::size_t seed = 0; seed < mesh.points.size(); ++seed) {
    if (piece_of[seed] >= 0) continue;
    const int id = int(pieces.size());
    pieces.emplace_back();
    Piece& piece = pieces.back();
    std::vector<int> stack{int(seed)};
    piece_of[seed] = id;
    while (!stack.empty()) {
      const int v = stack.back();
      stack.pop_back();
      local[std::size_t(v)] = int(piece.whole_index.size());
      piece.whole_index.push_back(v);
      piece.mesh.points.push_back(mesh.points[std::size_t(v)]);
      for (int w : neighbours[std::size_t(v)]) {
        if (piece_of[std::size_t(w)] < 0) {
          piece_of[std::size_t(w)] = id;
          stack.push_back(w);
        }
      }
    }
  }
  for (const auto& t : mesh.triangles) {
    pieces[std::size_t(piece_of[std::size_t(t[0])])].mesh.triangles.push_back(
        {local[std::size_t(t[0])], local[std::size_t(t[1])], local[std::size_t(t[2])]});
  }
  for (Piece& piece : pieces) {  // the whole's lists in the piece's numbering, sorted as Neighbours sorts
    for (int v : piece.whole_index) {
      std::vector<int> around;
      for (int w : neighbours[std::size_t(v)]) around.push_back(local[std::size_t(w)]);
      std::sort(around.begin(), around.end());
      piece.neighbours.push_back(std::move(around));
    }
  }
  return pieces;
}

enum class Bend { kExact, kSeed };

// Minimises the bending energy over the vertices with moved_index >= 0;
// those the solution pushes out of their band are held at its edge (and
// leave moved_index), and the others solved again around them.
void BendWithinBand(LocalMesh& mesh, std::vector<int>& moved_index,
                    const Eigen::SparseMatrix<double>& bending, const MaskBand& band, Bend how) {
  const std::vector<Vec3> start = mesh.points;
  for (int round = 0; round < kRounds; ++round) {
    const std::vector<Vec3> solved =
        how == Bend::kSeed
            ? ApproachWithHeld(mesh, moved_index, bending, kAnchorWeight, kSeedIterations)
            : SolveWithHeld(mesh, moved_index, bending,
                            Eigen::MatrixXd::Zero(Eigen::Index(mesh.points.size()), 3), kAnchorWeight);
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
}

FairingStats FairPiece(LocalMesh& mesh, const std::vector<std::vector<int>>& neighbours, const MaskBand& band,
                       const LocalBox& seen) {
  FairingStats stats;
  stats.vertices = mesh.points.size();
  const Vec3& h = band.spacing_mm();
  const double finest = std::min({h[0], h[1], h[2]});
  const std::vector<Vec3> normals = VertexNormals(mesh);
  std::vector<int> moved_index(mesh.points.size(), -1);
  int moved = 0;
  for (std::size_t i = 0; i < mesh.points.size(); ++i) {
    const Vec3& p = mesh.points[i];
    if (!InBand(band, p)) continue;
    const double wide = kWideBandVoxels * finest, step = 0.1 * finest;  // looks no farther than decides
    if (BandWidth(band, p, normals[i], step, wide + step) > wide) moved_index[i] = moved++;
  }
  if (moved == 0) return stats;
  const std::vector<int> wide_band = moved_index;
  const std::vector<Vec3> start = mesh.points;
  const Eigen::SparseMatrix<double> bending = Bending(mesh, neighbours, moved_index, seen);
  // Where curvature is measured, the bending solution only seeds the
  // continuation, which places the moved vertices again with an exact
  // solve: an approximate one does (see kSeedIterations).
  BendWithinBand(mesh, moved_index, bending, band, Bend::kSeed);
  // The bending solution flattens caps: beyond the last slice that cuts a
  // shape it continues the slope, not the curvature, and puts a sphere's
  // pole up to 1 mm short on 2.5 mm slices. Continuing the curvature
  // measured where the band is narrow restores it.
  const CurvatureContinuation continuation(mesh, neighbours, wide_band, seen, kAnchorWeight);
  if (!continuation.HasMeasurements()) {  // the bending solution is the result: solved exactly
    mesh.points = start;
    std::vector<int> again = wide_band;
    BendWithinBand(mesh, again, bending, band, Bend::kExact);
  }
  for (int round = 0; continuation.HasMeasurements() && round < kCurvatureRounds; ++round) {
    const std::vector<Vec3> solved = continuation.Round(mesh);
    for (std::size_t i = 0; i < mesh.points.size(); ++i) {
      if (wide_band[i] < 0) continue;
      mesh.points[i] = InBand(band, solved[i]) ? solved[i] : ClampToBand(band, mesh.points[i], solved[i]);
    }
  }
  for (std::size_t i = 0; i < mesh.points.size(); ++i) {
    stats.max_shift_mm = std::max(stats.max_shift_mm, Distance(mesh.points[i], start[i]));
  }
  stats.moved = std::size_t(moved);
  return stats;
}

}  // namespace

// Pieces apart (several ablation zones, say) are independent: each is
// faired on its own, in parallel, which also keeps each system small.
FairingStats FairWithinBand(LocalMesh& mesh, const std::vector<std::vector<int>>& neighbours,
                            const MaskBand& band, const LocalBox& seen) {
  std::vector<Piece> pieces = Pieces(mesh, neighbours);
  if (pieces.size() == 1) return FairPiece(mesh, neighbours, band, seen);
  // Largest first: the largest piece (a big zone) takes most of the time,
  // and the smaller ones then fill the other cores around it.
  std::vector<std::size_t> order(pieces.size());
  for (std::size_t p = 0; p < order.size(); ++p) order[p] = p;
  std::stable_sort(order.begin(), order.end(), [&pieces](std::size_t a, std::size_t b) {
    return pieces[a].mesh.points.size() > pieces[b].mesh.points.size();
  });
  std::vector<FairingStats> stats(pieces.size());
  ParallelFor(pieces.size(), [&](std::size_t k) {
    const std::size_t p = order[k];
    stats[p] = FairPiece(pieces[p].mesh, pieces[p].neighbours, band, seen);
    for (std::size_t v = 0; v < pieces[p].whole_index.size(); ++v) {
      mesh.points[std::size_t(pieces[p].whole_index[v])] = pieces[p].mesh.points[v];  // disjoint per piece
    }
  });
  FairingStats total;
  for (const FairingStats& s : stats) {
    total.vertices += s.vertices;
    total.moved += s.moved;
    total.max_shift_mm = std::max(total.max_shift_mm, s.max_shift_mm);
  }
  return total;
}

}  // namespace margo
