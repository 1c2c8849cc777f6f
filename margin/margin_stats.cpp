#include "margin/margin_stats.h"

#include <algorithm>
#include <numeric>

namespace margo {

double WeightedPercentile(const WeightedSamples& s, double q) {
  std::vector<std::size_t> order(s.values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&s](std::size_t a, std::size_t b) { return s.values[a] < s.values[b]; });
  const double total = std::accumulate(s.weights.begin(), s.weights.end(), 0.0);
  double below = 0.0;
  for (std::size_t i : order) {
    below += s.weights[i];
    if (below >= q * total) return s.values[i];
  }
  return s.values[order.back()];
}

double ShareAtLeast(const WeightedSamples& s, double threshold) {
  double total = 0.0, at_least = 0.0;
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    total += s.weights[i];
    if (s.values[i] >= threshold) at_least += s.weights[i];
  }
  return total > 0.0 ? at_least / total : 0.0;
}

}  // namespace margo
