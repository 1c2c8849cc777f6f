#include "registration/rigid_descent.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace margo {

std::string Descend(MattesRigidCost& cost, vnl_vector<double>& x, const RigidParams& p,
                    const std::string& where, Log& log) {
  const std::array<double, 6> scales = cost.Scales(x);
  vnl_vector<double> g(6), previous(6, 0.0), best = x;
  double best_value = std::numeric_limits<double>::infinity(), step = p.initial_step_mm;
  for (unsigned it = 0; it < p.max_iterations; ++it) {
    double value = 0.0;
    cost.compute(x, &value, &g);
    if (value < best_value) {
      best_value = value;
      best = x;
    }
    char buf[120];
    std::snprintf(buf, sizeof buf, "%s, iteration %u, metric %.4f", where.c_str(), it + 1, value);
    log.Progress("rigid registration", buf);
    double norm = 0.0, turn = 0.0;
    for (unsigned k = 0; k < 6; ++k) {
      norm += g[k] * g[k] / scales[k];
      turn += g[k] * previous[k] / scales[k];
    }
    norm = std::sqrt(norm);
    if (norm < 1e-12) {
      x = best;
      return where + ": the gradient vanished after " + std::to_string(it + 1) + " iterations";
    }
    if (turn < 0.0) step *= p.relaxation;
    if (step < p.min_step_mm) {
      x = best;
      char why[120];
      std::snprintf(why, sizeof why, ": the step fell below %g mm after %u iterations", p.min_step_mm,
                    it + 1);
      return where + why;
    }
    for (unsigned k = 0; k < 6; ++k) x[k] -= step * g[k] / (scales[k] * norm);
    previous = g;
  }
  x = best;
  return where + ": " + std::to_string(p.max_iterations) + " iterations";
}

}  // namespace margo
