// The held-vertex solves of the band fairing (margin/mesh_operators.h), on
// a flat patch whose interior is lifted off its plane: held in the plane
// all round, its least-bending shape is the plane itself.
#include "margin/mesh_operators.h"

#include <gtest/gtest.h>

#include <cmath>

namespace margo {
namespace {

constexpr int kSide = 14;      // vertices per side, 1 mm apart
constexpr int kHeldRings = 2;  // rings held at the border: the bending energy spans two

LocalMesh Patch() {
  LocalMesh mesh;
  for (int j = 0; j < kSide; ++j) {
    for (int i = 0; i < kSide; ++i) mesh.points.push_back({double(i), double(j), 0.0});
  }
  for (int j = 0; j + 1 < kSide; ++j) {
    for (int i = 0; i + 1 < kSide; ++i) {
      const int a = j * kSide + i, b = a + 1, c = a + kSide, d = c + 1;
      mesh.triangles.push_back({a, b, d});
      mesh.triangles.push_back({a, d, c});
    }
  }
  return mesh;
}

bool Held(int v) {
  const int i = v % kSide, j = v / kSide;
  return i < kHeldRings || j < kHeldRings || i >= kSide - kHeldRings || j >= kSide - kHeldRings;
}

// The interior lifted by a bump of 1 mm at its centre; the moved vertices
// numbered in order.
struct Lifted {
  LocalMesh mesh;
  std::vector<int> moved_index;
};

Lifted LiftedPatch() {
  Lifted out{Patch(), {}};
  int m = 0;
  for (int v = 0; v < int(out.mesh.points.size()); ++v) {
    if (Held(v)) {
      out.moved_index.push_back(-1);
      continue;
    }
    out.moved_index.push_back(m++);
    Vec3& p = out.mesh.points[std::size_t(v)];
    const double pi = 3.14159265358979323846, span = double(kSide - 1);
    p[2] = std::sin(pi * p[0] / span) * std::sin(pi * p[1] / span);
  }
  return out;
}

Eigen::SparseMatrix<double> BendingOf(const LocalMesh& mesh) {
  const Eigen::SparseMatrix<double> laplacian = UmbrellaLaplacian(Neighbours(mesh));
  return WeightedGram(laplacian, Eigen::VectorXd::Ones(laplacian.rows()));
}

double LargestLift(const std::vector<Vec3>& points) {
  double largest = 0.0;
  for (const Vec3& p : points) largest = std::max(largest, std::abs(p[2]));
  return largest;
}

// Every row's umbrella vector vanishes on the regular flat patch, so with no
// anchor that patch is the exact minimiser: the moved vertices return to
// their grid positions (x and y come from the held ones), the held ones stay.
TEST(HeldSolveTest, ExactSolveReturnsTheFlatPatchAndKeepsHeldVertices) {
  const Lifted lifted = LiftedPatch();
  ASSERT_NEAR(LargestLift(lifted.mesh.points), 1.0, 0.05);
  const Eigen::SparseMatrix<double> q = BendingOf(lifted.mesh);
  const std::vector<Vec3> solved =
      SolveWithHeld(lifted.mesh, lifted.moved_index, q, Eigen::MatrixXd::Zero(q.rows(), 3), 0.0);
  const LocalMesh flat = Patch();
  for (std::size_t v = 0; v < solved.size(); ++v) {
    EXPECT_LT(Distance(solved[v], flat.points[v]), 1e-9) << "vertex " << v;
    if (lifted.moved_index[v] >= 0) continue;
    for (int a = 0; a < 3; ++a) EXPECT_EQ(solved[v][a], lifted.mesh.points[v][a]) << "held vertex " << v;
  }
}

TEST(HeldSolveTest, ConjugateGradientsApproachTheExactSolution) {
  const Lifted lifted = LiftedPatch();
  const Eigen::SparseMatrix<double> q = BendingOf(lifted.mesh);
  constexpr double kAnchor = 1e-3;  // as the fairing's
  const std::vector<Vec3> exact =
      SolveWithHeld(lifted.mesh, lifted.moved_index, q, Eigen::MatrixXd::Zero(q.rows(), 3), kAnchor);
  auto farthest = [&](const std::vector<Vec3>& points) {
    double d = 0.0;
    for (std::size_t v = 0; v < points.size(); ++v) d = std::max(d, Distance(points[v], exact[v]));
    return d;
  };
  const double start = farthest(lifted.mesh.points);
  const std::vector<Vec3> few = ApproachWithHeld(lifted.mesh, lifted.moved_index, q, kAnchor, 10);
  const std::vector<Vec3> more = ApproachWithHeld(lifted.mesh, lifted.moved_index, q, kAnchor, 40);
  const std::vector<Vec3> many = ApproachWithHeld(lifted.mesh, lifted.moved_index, q, kAnchor, 2000);
  EXPECT_GT(start, 0.5);
  EXPECT_LT(farthest(few), start);
  EXPECT_LT(farthest(more), farthest(few));
  EXPECT_LT(farthest(more), 0.1 * start);
  EXPECT_LT(farthest(many), 1e-6);
  for (std::size_t v = 0; v < many.size(); ++v) {
    if (lifted.moved_index[v] >= 0) continue;
    for (int a = 0; a < 3; ++a) EXPECT_EQ(more[v][a], lifted.mesh.points[v][a]) << "held vertex " << v;
  }
}

}  // namespace
}  // namespace margo
