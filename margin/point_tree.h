// Nearest of a fixed set of points in 3D: a balanced k-d tree (median splits
// along each node's widest axis, leaves of a few points) whose nodes keep
// the tight box of their points, so that a search skips every node farther
// than the best point found so far; on a surface's vertices these boxes are
// thin where the split cells are not. Queries only read the tree, so any
// number of threads may search one at once (VTK's vtkKdTreePointLocator,
// used until 2026-11-29, toggles state in its search).
#pragma once

#include <vector>

#include "core/geometry.h"

namespace margo {

class PointTree {
 public:
  PointTree() = default;
  explicit PointTree(std::vector<Vec3> points);

  // Index of the point nearest to `p` (the lowest index among equally near
  // ones); -1 when there are no points.
  int Nearest(const Vec3& p) const;

 private:
  struct Node {
    int begin = 0, end = 0;     // the node's points: order_[begin, end)
    int left = -1, right = -1;  // child nodes; -1: a leaf
    Vec3 lo{}, hi{};            // the box of its points
  };
  int Build(int begin, int end);
  double BoxDistance2(const Node& node, const Vec3& p) const;
  void Search(int node, const Vec3& p, int& best, double& best_d2) const;

  std::vector<Vec3> points_;
  std::vector<int> order_;
  std::vector<Node> nodes_;
};

}  // namespace margo
