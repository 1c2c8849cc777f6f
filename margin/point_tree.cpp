#include "margin/point_tree.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace margo {
namespace {

constexpr int kLeafPoints = 8;

}  // namespace

PointTree::PointTree(std::vector<Vec3> points) : points_(std::move(points)), order_(points_.size()) {
  std::iota(order_.begin(), order_.end(), 0);
  if (!points_.empty()) Build(0, int(points_.size()));
}

int PointTree::Build(int begin, int end) {
  const int id = int(nodes_.size());
  Node node;
  node.begin = begin;
  node.end = end;
  node.lo = node.hi = points_[std::size_t(order_[std::size_t(begin)])];
  for (int i = begin; i < end; ++i) {
    const Vec3& q = points_[std::size_t(order_[std::size_t(i)])];
    for (int a = 0; a < 3; ++a) node.lo[a] = std::min(node.lo[a], q[a]), node.hi[a] = std::max(node.hi[a], q[a]);
  }
  nodes_.push_back(node);
  if (end - begin <= kLeafPoints) return id;
  int axis = 0;
  for (int a = 1; a < 3; ++a) {
    if (node.hi[a] - node.lo[a] > node.hi[axis] - node.lo[axis]) axis = a;
  }
  const int mid = begin + (end - begin) / 2;
  std::nth_element(order_.begin() + begin, order_.begin() + mid, order_.begin() + end,
                   [&](int u, int v) { return points_[std::size_t(u)][axis] < points_[std::size_t(v)][axis]; });
  const int left = Build(begin, mid);
  const int right = Build(mid, end);
  nodes_[std::size_t(id)].left = left;
  nodes_[std::size_t(id)].right = right;
  return id;
}

double PointTree::BoxDistance2(const Node& node, const Vec3& p) const {
  double d2 = 0.0;
  for (int a = 0; a < 3; ++a) {
    const double out = std::max({node.lo[a] - p[a], 0.0, p[a] - node.hi[a]});
    d2 += out * out;
  }
  return d2;
}

void PointTree::Search(int id, const Vec3& p, int& best, double& best_d2) const {
  const Node& node = nodes_[std::size_t(id)];
  if (node.left < 0) {
    for (int i = node.begin; i < node.end; ++i) {
      const int k = order_[std::size_t(i)];
      const Vec3& q = points_[std::size_t(k)];
      const double d2 = (p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]);
      if (d2 < best_d2 || (d2 == best_d2 && k < best)) {
        best_d2 = d2;
        best = k;
      }
    }
    return;
  }
  // The nearer box first; a box farther than the best point is skipped
  // (equal distances are searched: a tie may hold a lower index).
  const double dl = BoxDistance2(nodes_[std::size_t(node.left)], p);
  const double dr = BoxDistance2(nodes_[std::size_t(node.right)], p);
  const bool left_first = dl <= dr;
  const int first = left_first ? node.left : node.right, second = left_first ? node.right : node.left;
  if ((left_first ? dl : dr) <= best_d2) Search(first, p, best, best_d2);
  if ((left_first ? dr : dl) <= best_d2) Search(second, p, best, best_d2);
}

int PointTree::Nearest(const Vec3& p) const {
  if (points_.empty()) return -1;
  int best = -1;
  double best_d2 = std::numeric_limits<double>::infinity();
  Search(0, p, best, best_d2);
  return best;
}

}  // namespace margo
