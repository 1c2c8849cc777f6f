#include "margin/curvature_continuation.h"

#include <Eigen/SparseCholesky>
#include <algorithm>

namespace margo {
namespace {

// Keeps Laplace's equation definite on a moved patch with no held vertex.
constexpr double kHarmonicRegularisation = 1e-6;

// Held vertices whose curvature is measured: those the image shows, with
// some area.
std::vector<bool> Measurable(const LocalMesh& mesh, const Cotangent& cot, const std::vector<int>& moved_index,
                             const LocalBox& seen) {
  std::vector<bool> measurable(mesh.points.size());
  for (std::size_t i = 0; i < measurable.size(); ++i) {
    measurable[i] = moved_index[i] < 0 && cot.area_mm2[i] > 0.0 && seen.Contains(mesh.points[i]);
  }
  return measurable;
}

}  // namespace

// Continues values measured at some vertices over the others as the
// solution of Laplace's equation (each the mean of its neighbours),
// factorised once for any values.
class HarmonicContinuation {
 public:
  HarmonicContinuation(const std::vector<std::vector<int>>& neighbours, const std::vector<bool>& measured)
      : neighbours_(neighbours), unknown_(measured.size(), -1) {
    int m = 0;
    for (std::size_t i = 0; i < measured.size(); ++i) {
      if (!measured[i]) unknown_[i] = m++;
    }
    std::vector<Eigen::Triplet<double>> entries;
    for (std::size_t i = 0; i < unknown_.size(); ++i) {
      const int r = unknown_[i];
      if (r < 0) continue;
      entries.emplace_back(r, r, double(neighbours[i].size()) + kHarmonicRegularisation);
      for (int j : neighbours[i]) {
        if (unknown_[std::size_t(j)] >= 0) entries.emplace_back(r, unknown_[std::size_t(j)], -1.0);
      }
    }
    Eigen::SparseMatrix<double> laplace(m, m);
    laplace.setFromTriplets(entries.begin(), entries.end());
    solver_.compute(laplace);
  }

  // Replaces the values at the unmeasured vertices.
  void Continue(std::vector<double>& value) const {
    if (solver_.info() != Eigen::Success) return;
    Eigen::VectorXd rhs = Eigen::VectorXd::Zero(solver_.rows());
    for (std::size_t i = 0; i < unknown_.size(); ++i) {
      const int r = unknown_[i];
      if (r < 0) continue;
      for (int j : neighbours_[i]) {
        if (unknown_[std::size_t(j)] < 0) rhs[r] += value[std::size_t(j)];
      }
    }
    const Eigen::VectorXd continued = solver_.solve(rhs);
    for (std::size_t i = 0; i < unknown_.size(); ++i) {
      if (unknown_[i] >= 0) value[i] = continued[unknown_[i]];
    }
  }

 private:
  const std::vector<std::vector<int>>& neighbours_;
  std::vector<int> unknown_;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver_;
};

CurvatureContinuation::CurvatureContinuation(const LocalMesh& mesh,
                                             const std::vector<std::vector<int>>& neighbours,
                                             const std::vector<int>& moved_index, const LocalBox& seen,
                                             double anchor)
    : cot_(CotangentLaplacian(mesh)),
      measured_(Measurable(mesh, cot_, moved_index, seen)),
      has_row_(HasRow(moved_index)),
      weight_(Weights()),
      scale_(SquaredMeanArea()) {
  if (!HasMeasurements()) return;  // nothing to continue: nothing to factorise
  harmonic_ = std::make_unique<HarmonicContinuation>(neighbours, measured_);
  system_ = std::make_unique<HeldSystem>(moved_index, scale_ * WeightedGram(cot_.laplacian, weight_), anchor);
}

CurvatureContinuation::~CurvatureContinuation() = default;

bool CurvatureContinuation::HasMeasurements() const {
  return std::find(measured_.begin(), measured_.end(), true) != measured_.end();
}

std::vector<Vec3> CurvatureContinuation::Round(const LocalMesh& mesh) const {
  const std::size_t n = mesh.points.size();
  const std::vector<Vec3> normals = VertexNormals(mesh);
  std::vector<double> k(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!measured_[i]) continue;
    for (Eigen::SparseMatrix<double>::InnerIterator it(cot_.laplacian, Eigen::Index(i)); it; ++it) {
      const Vec3& p = mesh.points[std::size_t(it.row())];
      k[i] += it.value() * (p[0] * normals[i][0] + p[1] * normals[i][1] + p[2] * normals[i][2]);
    }
    k[i] /= cot_.area_mm2[i];
  }
  harmonic_->Continue(k);
  Eigen::MatrixXd target(static_cast<Eigen::Index>(n), 3);  // k n where the vertex has a row
  for (std::size_t i = 0; i < n; ++i) {
    for (int a = 0; a < 3; ++a) target(Eigen::Index(i), a) = has_row_[i] ? k[i] * normals[i][a] : 0.0;
  }
  return system_->Solve(mesh, scale_ * (cot_.laplacian * target));
}

std::vector<bool> CurvatureContinuation::HasRow(const std::vector<int>& moved_index) const {
  std::vector<bool> has_row(measured_.size());
  for (std::size_t i = 0; i < has_row.size(); ++i) {
    has_row[i] = (moved_index[i] >= 0 || measured_[i]) && cot_.area_mm2[i] > 0.0;
  }
  return has_row;
}

Eigen::VectorXd CurvatureContinuation::Weights() const {
  Eigen::VectorXd w = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(has_row_.size()));
  for (std::size_t i = 0; i < has_row_.size(); ++i) {
    if (has_row_[i]) w[Eigen::Index(i)] = 1.0 / cot_.area_mm2[i];
  }
  return w;
}

// Makes the anchor weigh about as much against this energy as against the
// umbrella one (whose rows sum to one).
double CurvatureContinuation::SquaredMeanArea() const {
  double mean = 0.0;
  for (double a : cot_.area_mm2) mean += a / double(cot_.area_mm2.size());
  return mean * mean;
}

}  // namespace margo
