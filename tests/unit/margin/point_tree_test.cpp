// The k-d tree behind a surface's nearest-vertex search must find exactly
// what a scan of every point finds (the lowest index among equally near
// ones), for points on, near and far from a surface-like point set, and be
// searchable from several threads at once.
#include "margin/point_tree.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <thread>
#include <vector>

namespace margo {
namespace {

int BruteNearest(const std::vector<Vec3>& points, const Vec3& p) {
  int best = -1;
  double best_d2 = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < points.size(); ++k) {
    const Vec3& q = points[k];
    const double d2 = (p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]);
    if (d2 < best_d2) best_d2 = d2, best = int(k);
  }
  return best;
}

// Points on an ellipsoid's surface, as a mesh's vertices would be, plus
// exact duplicates (ties).
std::vector<Vec3> SurfacePoints() {
  std::vector<Vec3> points;
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < 5000; ++i) {
    const double t = std::acos(2 * u(rng) - 1), f = 2 * M_PI * u(rng);
    points.push_back({9 * std::sin(t) * std::cos(f), 6 * std::sin(t) * std::sin(f), 3 * std::cos(t)});
  }
  for (int i = 0; i < 200; ++i) points.push_back(points[std::size_t(i * 7)]);
  return points;
}

TEST(PointTreeTest, FindsWhatAFullScanFindsNearAndFarFromTheSurface) {
  const std::vector<Vec3> points = SurfacePoints();
  const PointTree tree(points);
  std::mt19937 rng(5);
  for (double reach : {0.5, 5.0, 40.0}) {
    std::uniform_real_distribution<double> u(-9.0 - reach, 9.0 + reach);
    for (int q = 0; q < 2000; ++q) {
      const Vec3 p{u(rng), u(rng), u(rng)};
      ASSERT_EQ(tree.Nearest(p), BruteNearest(points, p)) << "query (" << p[0] << ", " << p[1] << ", " << p[2] << ")";
    }
  }
  for (std::size_t k = 0; k < 200; ++k) {
    EXPECT_EQ(tree.Nearest(points[k * 7]), int(k * 7)) << "a duplicated point: the lower index";
  }
  EXPECT_EQ(PointTree().Nearest({0, 0, 0}), -1);
  EXPECT_EQ(PointTree({{1, 2, 3}}).Nearest({50, 0, 0}), 0);
}

TEST(PointTreeTest, SearchesFromSeveralThreadsAtOnce) {
  const std::vector<Vec3> points = SurfacePoints();
  const PointTree tree(points);
  std::vector<Vec3> queries;
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> u(-20.0, 20.0);
  for (int q = 0; q < 4000; ++q) queries.push_back({u(rng), u(rng), u(rng)});
  std::vector<int> found(queries.size(), -2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t q = std::size_t(t); q < queries.size(); q += 4) found[q] = tree.Nearest(queries[q]);
    });
  }
  for (std::thread& t : threads) t.join();
  for (std::size_t q = 0; q < queries.size(); ++q) ASSERT_EQ(found[q], BruteNearest(points, queries[q]));
}

}  // namespace
}  // namespace margo
