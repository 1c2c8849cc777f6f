// The fairing's second step between coarse slices (band_fairing.h): the
// mean curvature measured where the surface is well fixed, continued over
// the vertices the bending solve placed, and those vertices placed again to
// match it (after Schneider and Kobbelt).
#pragma once

#include <Eigen/Sparse>
#include <memory>
#include <vector>

#include "margin/band_fairing.h"
#include "margin/mesh_operators.h"

namespace margo {

class HarmonicContinuation;

// Places the moved vertices so that their mean-curvature normal matches the
// curvature measured at the held ones and continued over them: each round
// minimises
//   sum_i area_i |(C p)_i / area_i - k_i n_i|^2
//   = p' C W C p - 2 p' C (k n) + const,  W = 1 / area_i,
// the sum and k n over the vertices with a row (has_row_),
// k_i = (C p)_i . n_i / area_i (twice the mean curvature) measured where
// held, n the current normals. The operator C W C is built and factorised
// once, from the mesh as given (as the bending solve left it); the rounds
// update k and n (the curvature's continuation is factorised once too).
// Held vertices the image does not show (where the mask is closed at its
// border) have no row in the sum: their sharp closing edge would otherwise
// pull a flat face along (0.2 mm on a slab on 2.5 mm slices).
class CurvatureContinuation {
 public:
  // `moved_index`: as HeldSystem's; `anchor`: its pull towards the current
  // points, relative to the umbrella bending energy.
  CurvatureContinuation(const LocalMesh& mesh, const std::vector<std::vector<int>>& neighbours,
                        const std::vector<int>& moved_index, const LocalBox& seen, double anchor);
  ~CurvatureContinuation();

  // Whether any held vertex's curvature is known: without one there is
  // nothing to continue (a face closed by the image border on every side),
  // and nothing is factorised.
  bool HasMeasurements() const;

  // One round's placement of every vertex (the held ones unchanged); only
  // where HasMeasurements().
  std::vector<Vec3> Round(const LocalMesh& mesh) const;

 private:
  std::vector<bool> HasRow(const std::vector<int>& moved_index) const;
  Eigen::VectorXd Weights() const;
  double SquaredMeanArea() const;

  Cotangent cot_;
  std::vector<bool> measured_;
  std::vector<bool> has_row_;  // moved or measured: its term is in the sum
  Eigen::VectorXd weight_;
  double scale_;
  std::unique_ptr<HarmonicContinuation> harmonic_;  // both only with measurements
  std::unique_ptr<HeldSystem> system_;
};

}  // namespace margo
