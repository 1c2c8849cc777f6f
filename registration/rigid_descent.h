// The rigid stage's optimiser: regular-step gradient descent over
// MattesRigidCost, as ITK's RegularStepGradientDescentOptimizerv4.
#pragma once

#include <vnl/vnl_vector.h>

#include <string>

#include "core/log.h"
#include "registration/mattes_cost.h"
#include "registration/rigid.h"

namespace margo {

// The parameters of MattesRigidCost for t: angles about L, P, S, then the translation.
inline vnl_vector<double> RigidParameters(const RigidTransform& t) {
  vnl_vector<double> x(6);
  for (unsigned k = 0; k < 3; ++k) {
    x[k] = t.angles_rad[k];
    x[3 + k] = t.translation_mm[k];
  }
  return x;
}

// Each step moves the samples by about `step` mm (the gradient divided by
// the parameters' scales, made a unit step in millimetres), the step shrinks
// by p.relaxation each time the gradient turns back, and the search stops
// when the step is below p.min_step_mm or after p.max_iterations. Leaves in
// x the best parameters seen; returns why it stopped, after `where`.
std::string Descend(MattesRigidCost& cost, vnl_vector<double>& x, const RigidParams& p,
                    const std::string& where, Log& log);

}  // namespace margo
