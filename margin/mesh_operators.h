// Linear operators on a triangle mesh and the one solve the fairing needs:
// minimise a quadratic energy over some vertices with the others held.
#pragma once

#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>

#include <vector>

#include "margin/band_fairing.h"

namespace margo {

// Each vertex's neighbours (sharing an edge), sorted, without repeats.
std::vector<std::vector<int>> Neighbours(const LocalMesh& mesh);

// Uniform umbrella Laplacian: (L p)_i = mean of i's neighbours - p_i, from
// Neighbours(mesh).
Eigen::SparseMatrix<double> UmbrellaLaplacian(const std::vector<std::vector<int>>& neighbours);

// The area each vertex stands for (mm^2 in the mesh's units): a third of
// each triangle around it.
std::vector<double> VertexAreasMm2(const LocalMesh& mesh);

// Cotangent Laplacian: (C p)_i = sum_j (cot a_ij + cot b_ij) / 2 (p_j - p_i),
// with each vertex's barycentric area. (C p)_i / area_i is the mean
// curvature normal, 2 H n, whatever the mesh's triangle shapes.
struct Cotangent {
  Eigen::SparseMatrix<double> laplacian;
  std::vector<double> area_mm2;
};
Cotangent CotangentLaplacian(const LocalMesh& mesh);

// A' diag(w) A: the energy sum_i w_i |(A p)_i|^2 as p' (A' diag(w) A) p.
Eigen::SparseMatrix<double> WeightedGram(const Eigen::SparseMatrix<double>& a, const Eigen::VectorXd& w);

// The energy p'Qp - 2 p'B + anchor |p - p_start|^2 over the vertices with
// moved_index >= 0 (numbered 0..m-1), the others held where they are; Q is
// n x n (the same for x, y and z), B is n x 3. Factorised once, minimised
// for any B and start.
class HeldSystem {
 public:
  HeldSystem(const std::vector<int>& moved_index, const Eigen::SparseMatrix<double>& q, double anchor);
  // The minimiser, starting from (and holding) mesh's points; those points
  // unchanged if the system could not be factorised.
  std::vector<Vec3> Solve(const LocalMesh& mesh, const Eigen::MatrixXd& b) const;

 private:
  std::vector<int> moved_index_;
  Eigen::SparseMatrix<double> q_;
  double anchor_;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver_;
};

// HeldSystem(moved_index, q, anchor).Solve(mesh, b), for one use.
std::vector<Vec3> SolveWithHeld(const LocalMesh& mesh, const std::vector<int>& moved_index,
                                const Eigen::SparseMatrix<double>& q, const Eigen::MatrixXd& b, double anchor);

// Where `iterations` steps of conjugate gradients take the same energy's
// minimiser with b = 0, from mesh's points: an approximation, cheaper than
// the factorisation on large systems, for a solution that only seeds
// another.
std::vector<Vec3> ApproachWithHeld(const LocalMesh& mesh, const std::vector<int>& moved_index,
                                   const Eigen::SparseMatrix<double>& q, double anchor, int iterations);

}  // namespace margo
