#include "margin/mesh_operators.h"

#include <Eigen/IterativeLinearSolvers>
#include <algorithm>
#include <cmath>

namespace margo {
namespace {

// Cotangent of the angle at a in triangle (a, b, c), bounded so that a
// sliver from the iso-surface cannot dominate its neighbours.
double CotangentAt(const Vec3& a, const Vec3& b, const Vec3& c) {
  constexpr double kBound = 10.0;  // angles under 5.7 degrees count as 5.7
  const Vec3 u = Sub(b, a), w = Sub(c, a);
  const double cross = Norm(Cross(u, w));
  if (cross <= 0.0) return 0.0;
  return std::clamp(Dot(u, w) / cross, -kBound, kBound);
}

}  // namespace

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

Eigen::SparseMatrix<double> UmbrellaLaplacian(const std::vector<std::vector<int>>& neighbours) {
  const std::size_t n = neighbours.size();
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

std::vector<double> VertexAreasMm2(const LocalMesh& mesh) {
  std::vector<double> area_mm2(mesh.points.size(), 0.0);
  for (const auto& t : mesh.triangles) {
    const double area = TriangleArea(mesh.points[std::size_t(t[0])], mesh.points[std::size_t(t[1])],
                                     mesh.points[std::size_t(t[2])]);
    for (int v : t) area_mm2[std::size_t(v)] += area / 3.0;
  }
  return area_mm2;
}

Cotangent CotangentLaplacian(const LocalMesh& mesh) {
  const std::size_t n = mesh.points.size();
  Cotangent out;
  out.area_mm2 = VertexAreasMm2(mesh);
  std::vector<Eigen::Triplet<double>> entries;
  for (const auto& t : mesh.triangles) {
    for (int k = 0; k < 3; ++k) {  // the angle at t[k] weighs the opposite edge
      const int a = t[std::size_t(k)], b = t[std::size_t((k + 1) % 3)], c = t[std::size_t((k + 2) % 3)];
      const double w =
          0.5 * CotangentAt(mesh.points[std::size_t(a)], mesh.points[std::size_t(b)], mesh.points[std::size_t(c)]);
      entries.emplace_back(b, c, w);
      entries.emplace_back(c, b, w);
      entries.emplace_back(b, b, -w);
      entries.emplace_back(c, c, -w);
    }
  }
  out.laplacian.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  out.laplacian.setFromTriplets(entries.begin(), entries.end());
  return out;
}

Eigen::SparseMatrix<double> WeightedGram(const Eigen::SparseMatrix<double>& a, const Eigen::VectorXd& w) {
  const Eigen::SparseMatrix<double> scaled = w.asDiagonal() * a;
  const Eigen::SparseMatrix<double> transposed = a.transpose();
  return transposed * scaled;
}

namespace {

// How many vertices are moved (moved_index >= 0): the reduced system's size.
long MovedCount(const std::vector<int>& moved_index) {
  return long(std::count_if(moved_index.begin(), moved_index.end(), [](int k) { return k >= 0; }));
}

// The energy's matrix over the moved vertices: Q's moved rows and columns
// plus the anchor on the diagonal.
Eigen::SparseMatrix<double> ReducedMatrix(const std::vector<int>& moved_index,
                                          const Eigen::SparseMatrix<double>& q, double anchor) {
  const long m = MovedCount(moved_index);
  std::vector<Eigen::Triplet<double>> entries;
  for (long c = 0; c < q.outerSize(); ++c) {
    for (Eigen::SparseMatrix<double>::InnerIterator it(q, c); it; ++it) {
      const int r = moved_index[std::size_t(it.row())], col = moved_index[std::size_t(it.col())];
      if (r >= 0 && col >= 0) entries.emplace_back(r, col, it.value());
    }
  }
  for (int r = 0; r < m; ++r) entries.emplace_back(r, r, anchor);
  Eigen::SparseMatrix<double> system(m, m);
  system.setFromTriplets(entries.begin(), entries.end());
  return system;
}

// Its right-hand side: B and the anchor's pull on the moved rows, less what
// the held vertices contribute through Q.
Eigen::MatrixXd ReducedRhs(const LocalMesh& mesh, const std::vector<int>& moved_index,
                           const Eigen::SparseMatrix<double>& q, const Eigen::MatrixXd& b, double anchor) {
  Eigen::MatrixXd rhs = Eigen::MatrixXd::Zero(MovedCount(moved_index), 3);
  for (long c = 0; c < q.outerSize(); ++c) {
    // Only held columns: a held point moves the moved rows' right-hand side.
    if (moved_index[std::size_t(c)] >= 0) continue;
    for (Eigen::SparseMatrix<double>::InnerIterator it(q, c); it; ++it) {
      const int r = moved_index[std::size_t(it.row())];
      if (r < 0) continue;
      for (int a = 0; a < 3; ++a) rhs(r, a) -= it.value() * mesh.points[std::size_t(c)][a];
    }
  }
  for (std::size_t i = 0; i < moved_index.size(); ++i) {
    const int r = moved_index[i];
    if (r < 0) continue;
    for (int a = 0; a < 3; ++a) rhs(r, a) += anchor * mesh.points[i][a] + b(Eigen::Index(i), a);
  }
  return rhs;
}

// The mesh's points with the moved ones replaced by the reduced solution.
std::vector<Vec3> WithMoved(const LocalMesh& mesh, const std::vector<int>& moved_index,
                            const Eigen::MatrixXd& solved) {
  std::vector<Vec3> out = mesh.points;
  for (std::size_t i = 0; i < moved_index.size(); ++i) {
    const int r = moved_index[i];
    if (r >= 0) out[i] = {solved(r, 0), solved(r, 1), solved(r, 2)};
  }
  return out;
}

}  // namespace

HeldSystem::HeldSystem(const std::vector<int>& moved_index, const Eigen::SparseMatrix<double>& q,
                       double anchor)
    : moved_index_(moved_index), q_(q), anchor_(anchor) {
  solver_.compute(ReducedMatrix(moved_index, q, anchor));
}

std::vector<Vec3> HeldSystem::Solve(const LocalMesh& mesh, const Eigen::MatrixXd& b) const {
  if (solver_.info() != Eigen::Success) return mesh.points;
  return WithMoved(mesh, moved_index_, solver_.solve(ReducedRhs(mesh, moved_index_, q_, b, anchor_)));
}

std::vector<Vec3> ApproachWithHeld(const LocalMesh& mesh, const std::vector<int>& moved_index,
                                   const Eigen::SparseMatrix<double>& q, double anchor, int iterations) {
  const Eigen::MatrixXd rhs = ReducedRhs(mesh, moved_index, q, Eigen::MatrixXd::Zero(q.rows(), 3), anchor);
  Eigen::MatrixXd start(rhs.rows(), 3);
  for (std::size_t i = 0; i < moved_index.size(); ++i) {
    const int r = moved_index[i];
    if (r >= 0) start.row(r) << mesh.points[i][0], mesh.points[i][1], mesh.points[i][2];
  }
  const Eigen::SparseMatrix<double> system = ReducedMatrix(moved_index, q, anchor);  // cg keeps a reference
  Eigen::ConjugateGradient<Eigen::SparseMatrix<double>, Eigen::Lower | Eigen::Upper> cg;
  cg.setMaxIterations(iterations);
  cg.compute(system);
  Eigen::MatrixXd solved(rhs.rows(), 3);
  for (int a = 0; a < 3; ++a) solved.col(a) = cg.solveWithGuess(rhs.col(a), start.col(a));
  return WithMoved(mesh, moved_index, solved);
}

std::vector<Vec3> SolveWithHeld(const LocalMesh& mesh, const std::vector<int>& moved_index,
                                const Eigen::SparseMatrix<double>& q, const Eigen::MatrixXd& b, double anchor) {
  return HeldSystem(moved_index, q, anchor).Solve(mesh, b);
}

}  // namespace margo
