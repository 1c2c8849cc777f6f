#include "registration/plateau_lbfgsb.h"

#include <gtest/gtest.h>

#include <cmath>

namespace margo {
namespace {

// f(x) = 1 + sum exp(-x_i): no minimum, a creep towards 1 whose gain per
// iteration shrinks by about e each time (Newton steps of 1).
class Creep : public vnl_cost_function {
 public:
  Creep() : vnl_cost_function(2) {}
  void compute(const vnl_vector<double>& x, double* f, vnl_vector<double>* g) override {
    ++evaluations;
    if (f != nullptr) *f = 1.0 + std::exp(-x[0]) + std::exp(-x[1]);
    if (g != nullptr) {
      (*g)[0] = -std::exp(-x[0]);
      (*g)[1] = -std::exp(-x[1]);
    }
  }
  int evaluations = 0;
};

struct Outcome {
  bool plateau;
  int evaluations;
  double value;
};

Outcome Minimise(double share, unsigned window) {
  Creep creep;
  PlateauLbfgsb optimizer(creep, share, window);
  optimizer.set_bound_selection(vnl_vector<long>(2, 0));
  optimizer.set_cost_function_convergence_factor(10.0);  // L-BFGS-B's own tests as strict as they go
  optimizer.set_projected_gradient_tolerance(1e-12);
  optimizer.set_max_function_evals(400);
  vnl_vector<double> x(2, 0.0);
  optimizer.minimize(x);
  double value = 0.0;
  creep.compute(x, &value, nullptr);
  return {optimizer.stopped_on_plateau(), creep.evaluations - 1, value};
}

TEST(PlateauLbfgsbTest, StopsWhenTenIterationsGainLessThanTheShare) {
  const Outcome plain = Minimise(2e-4, 0);
  const Outcome plateau = Minimise(2e-4, 10);
  EXPECT_FALSE(plain.plateau);
  EXPECT_TRUE(plateau.plateau);
  EXPECT_LT(plateau.evaluations, plain.evaluations - 10)  // 25 against 41 with vnl of ITK 5.2
      << "plain " << plain.evaluations << ", plateau " << plateau.evaluations;
  // What it left is below the share it was told to ignore.
  EXPECT_GT(plateau.value, plain.value);
  EXPECT_LT(plateau.value - plain.value, 2e-4 * plain.value) << plateau.value << " against " << plain.value;
}

TEST(PlateauLbfgsbTest, ALargerShareStopsSooner) {
  const Outcome tight = Minimise(1e-6, 10);
  const Outcome loose = Minimise(1e-2, 10);
  EXPECT_TRUE(loose.plateau);
  EXPECT_LT(loose.evaluations, tight.evaluations);
  EXPECT_GT(loose.value, tight.value);
}

}  // namespace
}  // namespace margo
