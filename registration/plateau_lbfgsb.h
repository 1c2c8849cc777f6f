// L-BFGS-B (vnl) that also stops on a plateau: once its best value has
// gained less than `share` of itself over the last `window` iterations.
// L-BFGS-B's own relative test compares one iteration with the next and
// misses a slow creep: on the `full` phantom the deformable stage's finest
// level spent 120 of its 153 evaluations gaining 0.0003 of the metric.
// vnl_lbfgsb then keeps the best point and reports FAILED_USER_REQUEST.
#pragma once

#include <vnl/algo/vnl_lbfgsb.h>

#include <cmath>
#include <cstddef>
#include <vector>

namespace margo {

class PlateauLbfgsb : public vnl_lbfgsb {
 public:
  // window 0: never stops on a plateau (plain L-BFGS-B).
  PlateauLbfgsb(vnl_cost_function& f, double share, unsigned window)
      : vnl_lbfgsb(f), share_(share), window_(window) {}

  bool stopped_on_plateau() const { return get_failure_code() == FAILED_USER_REQUEST; }

 protected:
  bool report_iter() override {
    best_.push_back(get_end_error());
    const std::size_t n = best_.size();
    if (window_ > 0 && n > window_ &&
        best_[n - 1 - window_] - best_[n - 1] < share_ * std::abs(best_[n - 1])) {
      return true;
    }
    return vnl_lbfgsb::report_iter();
  }

 private:
  double share_;
  std::size_t window_;
  std::vector<double> best_;  // the best value after each iteration
};

}  // namespace margo
