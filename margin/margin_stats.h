// Area-weighted statistics of the signed margin over a tumour surface.
#pragma once

#include <vector>

namespace margo {

struct WeightedSamples {
  std::vector<double> values;   // signed margins (mm)
  std::vector<double> weights;  // areas (mm^2)
};

// The value below which a share q (0..1) of the total weight lies.
// REQUIRES: samples not empty, weights >= 0 with a positive sum.
double WeightedPercentile(const WeightedSamples& samples, double q);

// Share (0..1) of the total weight whose value is >= threshold.
double ShareAtLeast(const WeightedSamples& samples, double threshold);

}  // namespace margo
