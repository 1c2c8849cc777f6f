// Mattes mutual information (Mattes et al. 2003; the measure ITK's Mattes
// metric computes) between a fixed image, sampled once at a fixed set of
// points, and a moving image seen through a parametric map, with its
// derivative with respect to the map's parameters, for margo's optimisers:
//   MattesBSplineCost  p -> R (p + b(p)) + t, b a cubic B-spline
//                      (the deformable stage, L-BFGS-B);
//   MattesRigidCost    p -> R(angles) (p - c) + c + t (the rigid stage).
//
// Why margo's own: ITK 5.2's Mattes v4 adds its threads' histogram
// derivatives under a lock in thread arrival order, so its result depends
// on thread timing unless it runs on one thread; and it treats a B-spline as
// a global transform (a dense 3 x N Jacobian per sample, 14 MB of histogram
// derivatives). Here a sample touches only the parameters it depends on, and
// the samples are split into a fixed number of chunks whose sums are added
// in chunk order: the same bits at any thread count, on every thread.
#pragma once

#include <vnl/vnl_cost_function.h>

#include <array>
#include <functional>
#include <vector>

#include "core/geometry.h"
#include "registration/bspline_grid.h"
#include "registration/index_map.h"
#include "registration/rigid_transform.h"

namespace margo {

// A float image's buffer with its geometry, read by trilinear interpolation.
struct LinearImage : IndexMap {
  const float* data = nullptr;  // x fastest, IndexMap::size voxels

  // False outside the image.
  bool Value(const Vec3& p, double& value) const;
  // Value and its exact gradient (per mm, LPS): one cell read, where central
  // differences read seven; piecewise constant across cell faces.
  bool ValueAndGradient(const Vec3& p, double& value, Vec3& gradient) const;

 private:
  bool Cell(const Vec3& p, double corner[8], double f[3]) const;
};

// Where the fixed image is sampled: points (post LPS mm), the fixed
// intensity at each (windowed to 0..1) and each point's B-spline support.
struct FixedSamples {
  std::vector<Vec3> points_mm;
  std::vector<double> intensity;
  std::vector<BSplineSupport> support;  // parallel to points; see `supported`
  std::vector<char> supported;          // 0 where the grid does not reach (b = 0)
};

// The negated mutual information (lower is better, as ITK's) over the
// samples whose mapped point falls inside the moving image. Intensities are
// expected in 0..1 (registration/image_prep.h CropWindowed).
class MattesCost : public vnl_cost_function {
 public:
  MattesCost(const FixedSamples& samples, const LinearImage& moving, int bins, int parameters);

  // f: the negated mutual information plus Penalty(x).
  void compute(const vnl_vector<double>& x, double* f, vnl_vector<double>* g) override;
  double Value(const vnl_vector<double>& x);
  // The negated mutual information alone.
  double MetricValue(const vnl_vector<double>& x);

  int evaluations() const { return evaluations_; }
  std::size_t valid_samples() const { return valid_; }  // at the last evaluation
  // Called after each evaluation with (evaluation count, value).
  std::function<void(int, double)> on_evaluation;

 protected:
  const FixedSamples& samples() const { return samples_; }
  // Called once per evaluation, before the samples are mapped.
  virtual void Prepare(const vnl_vector<double>& x) { (void)x; }
  // Where sample i lands in the moving image (LPS mm) under x.
  virtual Vec3 MapPoint(std::size_t i, const double* x) const = 0;
  // Adds to `d` (one entry per parameter) dz/dx^T v for sample i, z its
  // mapped point: v is the derivative of the value with respect to z.
  virtual void AddDerivative(std::size_t i, const Vec3& v, double* d) const = 0;
  // A regulariser added to the value, and its gradient to g.
  virtual double Penalty(const vnl_vector<double>& x, vnl_vector<double>* g) const {
    (void)x;
    (void)g;
    return 0.0;
  }

 private:
  static constexpr std::size_t kChunks = 16;  // fixed: the sums do not depend on thread count
  void FirstPass(std::size_t chunk, const double* x);
  void SecondPass(std::size_t chunk);

  const FixedSamples& samples_;
  const LinearImage& moving_;
  int bins_;
  double moving_bin_;                    // width of a moving bin in intensity
  std::vector<int> fixed_bin_;           // per sample
  std::vector<double> u_;                // per sample: moving value in bin units; < 0 = not valid
  std::vector<Vec3> gradient_;           // per sample: the moving image's gradient at the mapped point
  std::vector<std::vector<double>> histogram_;  // per chunk, bins x bins
  std::vector<std::size_t> count_;              // per chunk
  std::vector<std::vector<double>> derivative_; // per chunk, one per parameter
  std::vector<double> log_ratio_;               // log p(i, k) / p_moving(k)
  std::size_t valid_ = 0;
  int evaluations_ = 0;
};

// The deformable stage's cost: x holds the B-spline's coefficients, the x,
// y and z images one after another (ITK's order); `rigid` is applied after.
class MattesBSplineCost : public MattesCost {
 public:
  MattesBSplineCost(const FixedSamples& samples, const LinearImage& moving, const BSplineGrid& grid,
                    const RigidAffine& rigid, int bins);
  // A membrane energy on the control grid, weight * sum over neighbouring
  // control points of |c_j - c_k|^2 (mm^2), is added to the value: where the
  // lesions are left out of the metric, the displacement is then carried
  // smoothly across from the tissue around them instead of drifting.
  void set_membrane_weight(double weight) { membrane_weight_ = weight; }

 private:
  Vec3 MapPoint(std::size_t i, const double* x) const override;
  void AddDerivative(std::size_t i, const Vec3& v, double* d) const override;
  double Penalty(const vnl_vector<double>& x, vnl_vector<double>* g) const override;

  const BSplineGrid& grid_;
  RigidAffine rigid_;
  double membrane_weight_ = 0.0;
};

// The rigid stage's cost: x = (angles about L, P, S in radians, translation
// in mm), the parameters of RigidTransform (itk::Euler3DTransform) about
// `centre`.
class MattesRigidCost : public MattesCost {
 public:
  MattesRigidCost(const FixedSamples& samples, const LinearImage& moving, const Vec3& centre, int bins);
  RigidTransform TransformOf(const vnl_vector<double>& x) const;
  // Mean squared shift (mm^2) of the samples per unit change of each
  // parameter at x: the optimiser's scales.
  std::array<double, 6> Scales(const vnl_vector<double>& x);

 private:
  void Prepare(const vnl_vector<double>& x) override;
  Vec3 MapPoint(std::size_t i, const double* x) const override;
  void AddDerivative(std::size_t i, const Vec3& v, double* d) const override;

  Vec3 centre_;
  RigidAffine map_;                       // at the x of the evaluation
  std::array<std::array<Vec3, 3>, 3> dm_;  // d(rows of R)/d(angle k), k = 0..2
};

}  // namespace margo
